package org.rgflow.sweep;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where a result came from, beyond its spec: the rgflow version, the git commit of the sources, the
 * host and the Java runtime. Computed once per sweep.
 *
 * @param gitCommit {@code git rev-parse HEAD} of the source tree ("-dirty" appended when it has
 *     uncommitted changes), or "unknown" without git or a repository
 */
public record Provenance(String rgflowVersion, String gitCommit, String host, String java) {

  /** The provenance of this process; the repository is looked for from {@code sourceDir} upwards. */
  public static Provenance detect(String version, Path sourceDir) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      host = "unknown";
    }
    return new Provenance(version, gitCommit(sourceDir), host,
        System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
  }

  /** The directory of the running jar (or classes): where the sources, and so the repository, are. */
  public static Path codeDir() {
    try {
      Path p = Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isDirectory(p) ? p : p.getParent();
    } catch (Exception e) {
      return Path.of(".").toAbsolutePath();
    }
  }

  static String gitCommit(Path dir) {
    String head = git(dir, "rev-parse", "HEAD");
    if (head == null || !head.matches("[0-9a-f]{40}")) {
      return "unknown";
    }
    String status = git(dir, "status", "--porcelain", "--untracked-files=no");
    return status != null && !status.isBlank() ? head + "-dirty" : head;
  }

  private static String git(Path dir, String... args) {
    try {
      String[] cmd = new String[args.length + 3];
      cmd[0] = "git";
      cmd[1] = "-C";
      cmd[2] = dir.toString();
      System.arraycopy(args, 0, cmd, 3, args.length);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).strip() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}

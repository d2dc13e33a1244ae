package org.rgflow.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rgflow.spec.SpecException;

/**
 * Checks an output directory before any work, so that a run never computes for minutes and then
 * fails on a path it could have checked first. Leaves nothing behind: the one probe it writes (an
 * empty file in the directory, or in its nearest existing parent) is deleted at once. The probe is
 * what tells, since permission bits do not (root may write anywhere by them, yet not in /proc).
 */
public final class OutDir {
  private OutDir() {}

  /**
   * Refuses {@code dir} when it is a file, or when it does not exist and its nearest existing
   * parent is not a directory in which a file can be created.
   */
  public static void check(String field, Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      if (!Files.isDirectory(abs)) {
        throw new SpecException(field, dir + " is a file, not a directory");
      }
      if (!Files.isWritable(abs) || !canCreateIn(abs)) {
        throw new SpecException(field, dir + " is not writable");
      }
      return;
    }
    Path p = abs.getParent();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null || !Files.isDirectory(p)) {
      throw new SpecException(field, "cannot create " + dir + ": " + p + " is not a directory");
    }
    if (!Files.isWritable(p) || !canCreateIn(p)) {
      throw new SpecException(field, "cannot create " + dir + ": " + p + " is not writable");
    }
  }

  /** Whether a file can be created in the existing directory {@code dir} (tried, then deleted). */
  private static boolean canCreateIn(Path dir) {
    Path probe = null;
    try {
      probe = Files.createTempFile(dir, ".rgflow-probe-", "");
      return true;
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return false;
    } finally {
      if (probe != null) {
        try {
          Files.deleteIfExists(probe);
        } catch (IOException ignored) {
          // a probe that cannot be deleted is left empty; nothing else was written
        }
      }
    }
  }
}

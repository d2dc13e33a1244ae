package org.rgflow.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the machine that results record. */
public final class Host {
  private static volatile String cpuName;

  private Host() {}

  /** The CPU's model name (/proc/cpuinfo), else the architecture, e.g. "Intel(R) Xeon(R) Processor". */
  public static String cpuName() {
    String n = cpuName;
    if (n == null) {
      n = readCpuName();
      cpuName = n;
    }
    return n;
  }

  private static String readCpuName() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          int c = line.indexOf(':');
          if (c > 0 && !line.substring(c + 1).isBlank()) {
            return line.substring(c + 1).strip().replaceAll("\\s+", " ");
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or unreadable: fall through
    }
    return System.getProperty("os.arch", "unknown") + " CPU";
  }
}

package org.rgflow.app;

import java.nio.file.Files;
import java.nio.file.Path;
import org.rgflow.spec.SpecException;

/**
 * Checks an output directory before any work, so that a run never computes for minutes and then
 * fails on a path it could have checked first. Creates nothing.
 */
public final class OutDir {
  private OutDir() {}

  /**
   * Refuses {@code dir} when it is a file, or when it does not exist and its nearest existing
   * parent is not a writable directory.
   */
  public static void check(String field, Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      if (!Files.isDirectory(abs)) {
        throw new SpecException(field, dir + " is a file, not a directory");
      }
      if (!Files.isWritable(abs)) {
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
    if (!Files.isWritable(p)) {
      throw new SpecException(field, "cannot create " + dir + ": " + p + " is not writable");
    }
  }
}

package org.rgflow.ensemble;

/** Receives progress of a long run (called from worker threads; must be thread-safe). */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (done, total) -> {};

  void progress(long done, long total);
}

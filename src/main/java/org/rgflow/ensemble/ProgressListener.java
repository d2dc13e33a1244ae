package org.rgflow.ensemble;

/** Receives progress of a long run (called from worker threads; must be thread-safe). */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (done, total) -> {};

  void progress(long done, long total);

  /** One more layer of some network is done (of {@code depth}); for bars that move within networks. */
  default void layer(int depth) {}
}

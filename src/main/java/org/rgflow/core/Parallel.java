package org.rgflow.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs independent tasks 0..n−1 on a given number of threads. Each task writes only its own slot of
 * the caller's arrays and computes the same thing whichever thread runs it, so results never depend
 * on the thread count (the theory's parallel loops over index sets and input pairs use it).
 */
public final class Parallel {
  private Parallel() {}

  /** The default thread count: the available processors. */
  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * body.accept(i) for every i &lt; n, on up to {@code threads} threads (1: the calling thread only).
   * When tasks throw, the exception of the lowest such i is rethrown (unchecked exceptions as they
   * are), so which error surfaces does not depend on the threads either.
   */
  public static void forEach(int n, int threads, IntConsumer body) {
    if (threads <= 1 || n < 4) {
      for (int i = 0; i < n; i++) {
        body.accept(i);
      }
      return;
    }
    RuntimeException[] failed = new RuntimeException[n];
    ForkJoinPool pool = new ForkJoinPool(Math.min(threads, n));
    try {
      pool.submit(() -> IntStream.range(0, n).parallel().forEach(i -> {
        try {
          body.accept(i);
        } catch (RuntimeException e) {
          failed[i] = e;
        }
      })).get();
      for (RuntimeException e : failed) {
        if (e != null) {
          throw e;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error er) {
        throw er;
      }
      throw new IllegalStateException(c);
    } finally {
      pool.shutdown();
    }
  }
}

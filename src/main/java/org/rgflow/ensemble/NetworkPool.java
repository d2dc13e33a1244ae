package org.rgflow.ensemble;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.rgflow.core.LayerValues;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.MomentAccumulator;
import org.rgflow.stats.StatSet;

/**
 * The driver the CPU samplers share: worker threads take networks 0..E−1 in chunks of
 * {@link RunSettings#chunk()}, each worker turns network e into its per-layer statistic vectors, and
 * an {@link OrderedReducer} merges them in fixed index order — so the result is the same for every
 * chunk size and thread count. Memory is one worker state per thread plus the reducer's window,
 * independent of E.
 */
public final class NetworkPool {
  private NetworkPool() {}

  /** One thread's sampler: writes network e's statistic vector of layer ℓ into {@code x[ℓ−1]}. */
  @FunctionalInterface
  public interface Worker {
    void measure(long e, double[][] x);
  }

  /**
   * Runs the ensemble and returns layers 1..L with {@code value()} and {@code err()} filled by
   * {@link StatSet#estimate}.
   *
   * @param workers makes one worker per thread (each may hold per-thread scratch state)
   * @param threadName prefix of the worker threads' names
   */
  public static List<LayerValues> run(NetworkSpec spec, StatSet stats, RunSettings settings,
      ProgressListener progress, Supplier<Worker> workers, String threadName) {
    long e = settings.ensemble();
    int depth = spec.depth();
    ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
    OrderedReducer reducer = new OrderedReducer(depth, stats.dim(), e);
    AtomicLong nextIndex = new AtomicLong();
    AtomicLong done = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    int chunk = settings.chunk();
    Runnable task = () -> {
      try {
        Worker w = workers.get();
        while (failure.get() == null) {
          long start = nextIndex.getAndAdd(chunk);
          if (start >= e) {
            break;
          }
          long end = Math.min(e, start + chunk);
          for (long i = start; i < end && failure.get() == null; i++) {
            double[][] x = new double[depth][stats.dim()];
            w.measure(i, x);
            reducer.deposit(i, x);
            listener.progress(done.incrementAndGet(), e);
          }
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    };
    int threads = (int) Math.min(settings.threads(), e);
    if (threads == 1) {
      task.run();
    } else {
      List<Thread> pool = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread th = new Thread(task, threadName + t);
        th.setDaemon(true);
        pool.add(th);
        th.start();
      }
      for (Thread th : pool) {
        try {
          th.join();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          failure.compareAndSet(null, ie);
        }
      }
    }
    Throwable f = failure.get();
    if (f != null) {
      if (f instanceof RuntimeException re) {
        throw re;
      }
      if (f instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("ensemble worker failed", f);
    }
    MomentAccumulator[] total = reducer.result();
    List<LayerValues> layers = new ArrayList<>();
    for (int l = 1; l <= depth; l++) {
      layers.add(stats.estimate(l, total[l - 1], spec.width(l - 1)));
    }
    return layers;
  }
}

package org.rgflow.ensemble;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.rgflow.core.LayerValues;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.MomentAccumulator;
import org.rgflow.stats.StatBlock;
import org.rgflow.stats.StatSet;

/**
 * Runs an ensemble from any {@link NetworkSource}: the one place that owns chunking, the single
 * ordered reduction, the statistics, timing, progress and the notes every run carries. Every
 * sampler and device goes through it, so their results differ only in the per-network numbers the
 * sources emit.
 *
 * <p>Work: {@code min(parallelism, E)} threads each take the next {@code batch} network indices
 * and hand them to their own worker; the per-network statistic vectors ({@link StatSet#compute})
 * go into one {@link OrderedReducer}, which merges them in fixed index order, so results are
 * bit-identical for every thread count, chunk and launch size. Memory: one worker per thread plus
 * the reducer's window, independent of E.
 */
public final class EnsembleDriver {
  private EnsembleDriver() {}

  /**
   * Samples networks 0..E−1 of {@code run} from a source of {@code factory} and returns each
   * layer's estimates.
   *
   * @throws SpecException when the source cannot measure a block of the run (naming it and why), or
   *     refuses the run
   * @throws DivergenceException when a network's pre-activations overflow
   */
  public static EnsembleResult run(SourceFactory factory, EnsembleRun run, ProgressListener progress) {
    long t0 = System.nanoTime();
    StatSet stats = run.stats();
    String refused = factory.unsupported(run.spec());
    if (refused != null) {
      throw new SpecException(factory.device().equals("cpu") ? "--sampler" : "--backend", "the "
          + factory.sampler() + " sampler on " + factory.device() + " cannot sample this network: "
          + refused);
    }
    for (StatBlock b : stats.blocks()) {
      String why = factory.unsupported(b);
      if (why != null) {
        throw new SpecException("--observables", b.name() + " is not supported by the "
            + factory.sampler() + " sampler on " + factory.device() + ": " + why);
      }
    }
    long e = run.settings().ensemble();
    int depth = run.spec().depth();
    ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
    try (NetworkSource source = factory.open(run)) {
      OrderedReducer reducer = new OrderedReducer(depth, stats.dim(), e);
      AtomicLong nextIndex = new AtomicLong();
      AtomicLong done = new AtomicLong();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      // The divergence reported is the lowest-indexed network's, the same every run: after one,
      // the threads still finish every chunk that starts below it (those hold lower networks).
      AtomicReference<DivergenceException> diverged = new AtomicReference<>();
      int threads = (int) Math.min(source.parallelism(), e);
      // Split by work: never fewer chunks than threads (E = 2 on 2 cores runs both at once; the
      // ordered reduction makes the result independent of the chunking).
      int batch = (int) Math.max(1, Math.min(source.batch(), (e + threads - 1) / threads));
      Runnable task = () -> {
        try {
          NetworkSource.Worker w = source.worker();
          double[][][] x = new double[1][][];
          NetworkSource.Sink sink = (net, layer, data) -> {
            if (layer == 1) {
              x[0] = new double[depth][stats.dim()];
            }
            stats.compute(data, x[0][layer - 1]);
            listener.layer(depth);
            if (layer == depth) {
              reducer.deposit(net, x[0]);
              listener.progress(done.incrementAndGet(), e);
            }
          };
          while (failure.get() == null) {
            long start = nextIndex.getAndAdd(batch);
            DivergenceException d = diverged.get();
            if (start >= e || d != null && start >= d.network()) {
              break;
            }
            w.emit(start, (int) Math.min(batch, e - start), sink);
          }
        } catch (DivergenceException d) {
          diverged.accumulateAndGet(d, (a, b) -> a == null || b.network() < a.network() ? b : a);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      };
      runThreads(task, threads, failure);
      if (diverged.get() != null) {
        throw diverged.get();
      }
      MomentAccumulator[] total = reducer.result();
      List<LayerValues> layers = new ArrayList<>();
      for (int l = 1; l <= depth; l++) {
        layers.add(stats.estimate(l, total[l - 1], run.spec().width(l - 1)));
      }
      NetworkSource.Report report = source.report();
      List<String> notes = new ArrayList<>();
      notes.add("seed=" + run.settings().seed());
      notes.addAll(report.notes());
      if (run.settings().ntk()) {
        notes.add("ntkNeurons=" + run.ntkNeurons() + " (first min(n_l, ntkNeurons) neurons per layer)");
      }
      double seconds = (System.nanoTime() - t0) * 1e-9;
      return new EnsembleResult(factory.sampler(), factory.device(), report.device(), layers, e,
          seconds, EnsembleRun.weightsPerNetwork(run.spec()), notes, report.detail());
    }
  }

  /** Runs {@code task} on {@code threads} threads (on this one when 1) and rethrows its failure. */
  private static void runThreads(Runnable task, int threads, AtomicReference<Throwable> failure) {
    if (threads <= 1) {
      task.run();
    } else {
      List<Thread> pool = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread th = new Thread(task, "rgflow-worker-" + t);
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
  }
}

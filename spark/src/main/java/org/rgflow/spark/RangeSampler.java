package org.rgflow.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.rgflow.app.Engines;
import org.rgflow.app.Flags;
import org.rgflow.app.SampleRun;
import org.rgflow.device.Backends;
import org.rgflow.ensemble.DivergenceException;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.NetworkSource;
import org.rgflow.ensemble.OrderedReducer;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.MomentAccumulator;
import org.rgflow.stats.StatBlock;
import org.rgflow.stats.StatSet;

/**
 * What a task runs: the networks of one {@link Ranges.Range} from the source of the plan's sampler
 * on this executor's device, accumulated per reduction block exactly as the single-machine
 * {@link OrderedReducer} accumulates them (a fresh accumulator per block and layer, networks added in
 * index order). Plain Java: Spark only calls it.
 *
 * <p>Threads take whole groups of blocks (about one launch or chunk of networks) and emit them in
 * pieces of at most the source's batch; each block is filled by one thread in index order, so the
 * result is independent of the thread count. A divergence is recorded as the lowest diverged network
 * (threads finish the groups that start below it), as the single-machine driver does.
 */
public final class RangeSampler {
  private RangeSampler() {}

  /**
   * Samples {@code range} of {@code plan}.
   *
   * @param cudaOrdinal the GPU this task holds (CUDA device index), or −1 for none
   */
  public static Partial sample(TaskPlan plan, Ranges.Range range, int cudaOrdinal) {
    Engines engines = Engines.defaults();
    SampleRun.Options o = Flags.sample(plan.taskFlags(), engines);
    NetworkSpec spec = o.network().spec();
    Inputs inputs = o.network().inputs().inputs();
    List<StatBlock> blocks = new ArrayList<>();
    for (String b : plan.blocks()) {
      blocks.add(StatSet.named("--observables", b));
    }
    StatSet stats = StatSet.of(inputs.count(), blocks);
    EnsembleRun run = new EnsembleRun(spec, inputs, o.settings(), stats);
    boolean onGpu = plan.gpu() && cudaOrdinal >= 0;
    String device = onGpu ? "cuda" : plan.device();
    SourceFactory factory = Backends.provider(device).source(plan.sampler());
    if (factory == null) {
      throw new IllegalStateException("no " + plan.sampler() + " sampler on " + device);
    }
    if (range.count() == 0) {
      return new Partial(range.first(), 0, List.of(), -1, 0, null, device, List.of());
    }
    NetworkSource source = onGpu ? GpuBinding.open(factory, run, cudaOrdinal) : factory.open(run);
    try (source) {
      return sample(source, stats, spec.depth(), range, device);
    }
  }

  /** Samples {@code range} from an open source. */
  static Partial sample(NetworkSource source, StatSet stats, int depth, Ranges.Range range,
      String backend) {
    final long first = range.first();
    final long end = first + range.count();
    final int blockSize = OrderedReducer.BLOCK;
    if (first % blockSize != 0) {
      throw new IllegalArgumentException("range must start on a block boundary, got " + first);
    }
    final long firstBlock = first / blockSize;
    final int nBlocks = (int) ((range.count() + blockSize - 1) / blockSize);
    final MomentAccumulator[][] acc = new MomentAccumulator[nBlocks][];
    final int batch = Math.max(1, source.batch());
    final int groupBlocks = Math.max(1, batch / blockSize);
    final long groups = (nBlocks + groupBlocks - 1) / groupBlocks;
    final int dim = stats.dim();
    AtomicLong nextGroup = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<DivergenceException> diverged = new AtomicReference<>();
    Runnable task = () -> {
      try {
        NetworkSource.Worker w = source.worker();
        double[] x = new double[dim];
        NetworkSource.Sink sink = (net, layer, data) -> {
          int b = (int) (net / blockSize - firstBlock);
          if (acc[b] == null) {
            MomentAccumulator[] a = new MomentAccumulator[depth];
            for (int l = 0; l < depth; l++) {
              a[l] = new MomentAccumulator(dim);
            }
            acc[b] = a;
          }
          stats.compute(data, x);
          acc[b][layer - 1].add(x);
        };
        while (failure.get() == null) {
          long g = nextGroup.getAndIncrement();
          if (g >= groups) {
            break;
          }
          long start = first + g * groupBlocks * (long) blockSize;
          long stop = Math.min(end, start + (long) groupBlocks * blockSize);
          DivergenceException d = diverged.get();
          if (d != null && start >= d.network()) {
            break;
          }
          for (long s = start; s < stop; s += batch) {
            w.emit(s, (int) Math.min(batch, stop - s), sink);
          }
        }
      } catch (DivergenceException d) {
        diverged.accumulateAndGet(d, (a, b) -> a == null || b.network() < a.network() ? b : a);
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    };
    int threads = (int) Math.max(1, Math.min(source.parallelism(), groups));
    List<Thread> pool = new ArrayList<>();
    for (int t = 1; t < threads; t++) {
      Thread th = new Thread(task, "rgflow-spark-worker-" + t);
      th.setDaemon(true);
      pool.add(th);
      th.start();
    }
    task.run();
    for (Thread th : pool) {
      try {
        th.join();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, ie);
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
    NetworkSource.Report report = source.report();
    DivergenceException d = diverged.get();
    if (d != null) {
      return new Partial(first, range.count(), List.of(), d.network(), d.layer(), report.device(),
          backend, report.notes());
    }
    return new Partial(first, range.count(), List.of(acc), -1, 0, report.device(), backend,
        report.notes());
  }
}

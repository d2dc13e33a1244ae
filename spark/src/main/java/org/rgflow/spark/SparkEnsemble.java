package org.rgflow.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.rgflow.core.LayerValues;
import org.rgflow.ensemble.DivergenceException;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.NetworkSource;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.Need;
import org.rgflow.stats.MomentAccumulator;
import org.rgflow.stats.StatBlock;

/**
 * The split-ensemble job as a {@link SourceFactory}: {@link org.rgflow.app.SampleRun} runs it as it
 * runs any source, so a Spark run prints and records exactly what {@code rgflow sample} does. Its
 * {@link #run} splits networks 0..E−1 into {@link Ranges} (one per task), each task runs
 * {@link RangeSampler} on its executor and returns its {@link Partial} (per-block accumulator states,
 * not samples), and the driver merges the blocks in block order into one accumulator per layer — the
 * operations {@link org.rgflow.ensemble.OrderedReducer} performs on one machine, so the numbers are
 * bit-identical for any number of tasks and executors, and a retried task (same range, same seed)
 * returns the same bytes.
 */
public final class SparkEnsemble implements SourceFactory {
  private final SourceFactory local;
  private final JavaSparkContext sc;
  private final int tasks;
  private final Map<String, String> flags;
  private final String taskDevice;
  private final boolean gpu;
  private final boolean failFirstAttempt;
  private final Merge merge;
  private java.nio.file.Path checkpoint;
  private int stopAfterWaves;
  private int resumedAt;
  private long lastBytes;

  /**
   * Where the partial states meet. CHAIN (the default): the ranges are sampled at once and kept on
   * the executors, then a running total visits them in order, one one-task job each, so the bytes
   * moved are O(tasks × statistics). DRIVER: every task's per-block states come to the driver (one
   * job, O(E/64 × statistics) bytes; fine for small E).
   */
  public enum Merge { CHAIN, DRIVER }

  /**
   * @param local the factory the driver chose (what it can measure; tasks use the same sampler)
   * @param flags the run's sample flags
   * @param taskDevice where tasks without a GPU run
   * @param gpu whether tasks holding a GPU run on it
   */
  SparkEnsemble(SourceFactory local, JavaSparkContext sc, int tasks, Map<String, String> flags,
      String taskDevice, boolean gpu, boolean failFirstAttempt, Merge merge) {
    this.local = local;
    this.sc = sc;
    this.tasks = tasks;
    this.flags = flags;
    this.taskDevice = taskDevice;
    this.gpu = gpu;
    this.failFirstAttempt = failFirstAttempt;
    this.merge = merge;
  }

  @Override
  public String sampler() {
    return local.sampler();
  }

  @Override
  public String device() {
    return local.device();
  }

  @Override
  public String unsupported(Need need) {
    return local.unsupported(need);
  }

  @Override
  public String unsupported(NetworkSpec spec) {
    return local.unsupported(spec);
  }

  @Override
  public String unsupported(StatBlock b) {
    return local.unsupported(b);
  }

  @Override
  public NetworkSource open(EnsembleRun run) {
    return local.open(run);
  }

  /** Checkpoints the running total in {@code dir} after every wave of ranges (null: no waves). */
  void checkpoint(java.nio.file.Path dir, int stopAfterWaves) {
    this.checkpoint = dir;
    this.stopAfterWaves = stopAfterWaves;
  }

  /** Bytes of partial states the last run brought to the driver. */
  public long lastBytes() {
    return lastBytes;
  }

  @Override
  public EnsembleResult run(EnsembleRun run, ProgressListener progress) {
    long t0 = System.nanoTime();
    String refused = local.unsupported(run.spec());
    if (refused != null) {
      throw new SpecException("--sampler", "the " + local.sampler() + " sampler on "
          + local.device() + " cannot sample this network: " + refused);
    }
    List<String> names = new ArrayList<>();
    for (StatBlock b : run.stats().blocks()) {
      names.add(b.name());
    }
    int cpus = sc.getConf().getInt("spark.task.cpus", 1);
    TaskPlan plan = new TaskPlan(flags, local.sampler(), taskDevice, names, cpus, gpu,
        failFirstAttempt);
    long e = run.settings().ensemble();
    List<Ranges.Range> ranges = Ranges.split(e, tasks);
    JavaRDD<byte[]> parts = sc.parallelize(ranges, ranges.size()).map(r -> runTask(plan, r));
    Partial total = Partial.empty();
    long bytes = 0;
    if (merge == Merge.DRIVER) {
      for (byte[] raw : parts.collect()) {
        bytes += raw.length;
        total = total.then(Partial.decode(raw));
      }
    } else if (checkpoint == null) {
      // Sample every range at once (kept on the executors), then carry the running total through
      // the ranges in order: one small job per range, O(tasks × statistics) bytes in all.
      total = chain(sc.parallelize(ranges, ranges.size()).map(r -> runTask(plan, r)), ranges.size(),
          total);
      bytes = chainBytes;
    } else {
      // Waves of (default parallelism) ranges, each sampled at once and chained; the running total
      // is written to the checkpoint after every wave, so a new run of the same job resumes there.
      String fp = fingerprint(plan, ranges.size(), e);
      Checkpoint.State st = Checkpoint.read(checkpoint, fp);
      total = st.total();
      int next = st.next();
      resumedAt = next;
      int wave = Math.max(1, sc.defaultParallelism());
      int waves = 0;
      while (next < ranges.size() && total.divergedNetwork() < 0) {
        List<Ranges.Range> sub = new ArrayList<>(ranges.subList(next, Math.min(ranges.size(),
            next + wave)));
        total = chain(sc.parallelize(sub, sub.size()).map(r -> runTask(plan, r)), sub.size(), total);
        bytes += chainBytes;
        next += sub.size();
        Checkpoint.write(checkpoint, fp, next, total);
        waves++;
        if (stopAfterWaves > 0 && waves >= stopAfterWaves && next < ranges.size()) {
          throw new IllegalStateException("stopped after " + waves + " wave(s), at range " + next
              + " of " + ranges.size() + " (test hook)");
        }
      }
    }
    lastBytes = bytes;
    if (total.divergedNetwork() >= 0) {
      throw new DivergenceException(total.divergedNetwork(), total.divergedLayer());
    }
    if (total.count() != e || total.blocks().size() != 1 || total.blocks().get(0)[0].count() != e) {
      throw new IllegalStateException("merged " + total.count() + " of " + e + " networks");
    }
    int depth = run.spec().depth();
    MomentAccumulator[] acc = total.blocks().get(0);
    List<LayerValues> layers = new ArrayList<>();
    for (int l = 1; l <= depth; l++) {
      layers.add(run.stats().estimate(l, acc[l - 1], run.spec().width(l - 1)));
    }
    List<String> notes = new ArrayList<>();
    notes.add("seed=" + run.settings().seed());
    notes.addAll(total.notes());
    if (run.settings().ntk()) {
      notes.add("ntkNeurons=" + run.ntkNeurons() + " (first min(n_l, ntkNeurons) neurons per layer)");
    }
    notes.add("spark: " + ranges.size() + " tasks of whole " + org.rgflow.ensemble.OrderedReducer.BLOCK
        + "-network blocks on " + sc.master() + ", merged in network order "
        + (merge == Merge.DRIVER ? "on the driver" : "by a running total carried through the tasks")
        + " (" + bytes + " bytes of accumulator states moved)"
        + (checkpoint == null ? "" : "; checkpoint " + checkpoint + " after every wave of "
            + Math.max(1, sc.defaultParallelism()) + " ranges"
            + (resumedAt > 0 ? ", resumed at range " + resumedAt + " of " + ranges.size() : ""))
        + "; the device and notes are the first task's");
    double seconds = (System.nanoTime() - t0) * 1e-9;
    return new EnsembleResult(local.sampler(), total.backend(), total.device(), layers, e, seconds,
        EnsembleRun.weightsPerNetwork(run.spec()), notes, null);
  }

  /** Bytes the last {@link #chain} moved. */
  private long chainBytes;

  /**
   * Samples the ranges of {@code parts} at once, keeping them on the executors, then merges them
   * into {@code total} in partition order, one one-task job each.
   */
  private Partial chain(JavaRDD<byte[]> parts, int n, Partial total) {
    chainBytes = 0;
    parts.persist(StorageLevel.MEMORY_AND_DISK_SER());
    try {
      parts.count();
      byte[] t = total.encode();
      for (int k = 0; k < n; k++) {
        final byte[] carried = t;
        chainBytes += carried.length;
        t = parts.map(raw -> Partial.decode(carried).then(Partial.decode(raw)).encode())
            .collectPartitions(new int[] {k})[0].get(0);
        chainBytes += t.length;
      }
      return Partial.decode(t);
    } finally {
      parts.unpersist(false);
    }
  }

  /** What a checkpoint must match: everything that fixes the ranges and their numbers. */
  static String fingerprint(TaskPlan plan, int tasks, long ensemble) {
    java.util.TreeMap<String, String> f = new java.util.TreeMap<>(plan.flags());
    f.remove("threads");
    return "flags=" + f + " sampler=" + plan.sampler() + " device=" + plan.device() + " blocks="
        + plan.blocks() + " tasks=" + tasks + " ensemble=" + ensemble + " version="
        + org.rgflow.app.Version.current();
  }

  /** One task: the range's partial state, as bytes. */
  static byte[] runTask(TaskPlan plan, Ranges.Range r) {
    Partial p = RangeSampler.sample(plan, r, plan.gpu() ? GpuBinding.taskOrdinal() : -1);
    TaskContext tc = TaskContext.get();
    if (plan.failFirstAttempt() && tc != null && tc.attemptNumber() == 0) {
      throw new IllegalStateException("injected failure: task " + r.index() + " attempt 0 (the test"
          + " hook of the split-ensemble job)");
    }
    return p.encode();
  }
}

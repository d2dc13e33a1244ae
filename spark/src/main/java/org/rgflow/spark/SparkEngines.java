package org.rgflow.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.rgflow.act.Activation;
import org.rgflow.app.Engines;
import org.rgflow.device.Backends;
import org.rgflow.device.Capability;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.StatBlock;
import org.rgflow.theory.Criticality;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryResult;

/**
 * The engines of a {@code sample} run whose ensemble runs on Spark: theory and everything else as
 * on one machine ({@link Engines#defaults()}), the source a {@link SparkEnsemble} around the
 * source the driver would have chosen.
 *
 * <p>{@code --backend cuda}: the driver need not have a GPU. It settles the direct sampler on the
 * CPU (what it can measure is the same), and each task runs on the CUDA device Spark assigned it.
 * {@code --backend auto} with the direct sampler likewise lets a task with a GPU use it.
 */
public final class SparkEngines implements Engines {
  private final Engines base = Engines.defaults();
  private final JavaSparkContext sc;
  private final int tasks;
  private final Map<String, String> flags;
  private final boolean failFirstAttempt;
  private final SparkEnsemble.Merge merge;
  private SparkEnsemble last;
  private java.nio.file.Path checkpoint;
  private int stopAfterWaves;

  public SparkEngines(JavaSparkContext sc, int tasks, Map<String, String> flags,
      boolean failFirstAttempt) {
    this(sc, tasks, flags, failFirstAttempt, SparkEnsemble.Merge.CHAIN);
  }

  public SparkEngines(JavaSparkContext sc, int tasks, Map<String, String> flags,
      boolean failFirstAttempt, SparkEnsemble.Merge merge) {
    this.merge = merge;
    this.sc = sc;
    this.tasks = tasks;
    this.flags = flags;
    this.failFirstAttempt = failFirstAttempt;
  }

  /**
   * Runs the ensemble in waves, checkpointing the running total in {@code dir} after each, and
   * resumes from what {@code dir} holds ({@code --checkpoint}).
   */
  public SparkEngines checkpoint(java.nio.file.Path dir) {
    return checkpoint(dir, 0);
  }

  /** As {@link #checkpoint(java.nio.file.Path)}; a test hook stops the run after that many waves. */
  SparkEngines checkpoint(java.nio.file.Path dir, int stopAfterWaves) {
    this.checkpoint = dir;
    this.stopAfterWaves = stopAfterWaves;
    return this;
  }

  /** The source of the last run (for its byte count). */
  public SparkEnsemble last() {
    return last;
  }

  @Override
  public Activation activation(String name) {
    return base.activation(name);
  }

  @Override
  public TheoryResult theory(NetworkSpec spec, Inputs inputs) {
    return base.theory(spec, inputs);
  }

  @Override
  public TheoryResult theory(NetworkSpec spec, Inputs inputs, List<StatBlock> blocks) {
    return base.theory(spec, inputs, blocks);
  }

  @Override
  public TheoryResult theory(NetworkSpec spec, Inputs inputs, TheoryEngine.Options options) {
    return base.theory(spec, inputs, options);
  }

  @Override
  public Backends.Choice source(String sampler, String backend, NetworkSpec spec) {
    return wrap(sampler, backend, s -> base.source(s, backendHere(backend), spec));
  }

  @Override
  public Backends.Choice source(String sampler, String backend, NetworkSpec spec, int inputs,
      boolean ntk, int ntkNeurons) {
    return wrap(sampler, backend,
        s -> base.source(s, backendHere(backend), spec, inputs, ntk, ntkNeurons));
  }

  @Override
  public List<Capability> devices() {
    return base.devices();
  }

  @Override
  public Criticality.Report criticality(Activation activation) {
    return base.criticality(activation);
  }

  private static String norm(String s) {
    return s == null ? "auto" : s.trim().toLowerCase(Locale.ROOT);
  }

  /** The backend the driver settles with: cuda is settled on the CPU (tasks hold the GPUs). */
  private static String backendHere(String backend) {
    return norm(backend).equals("cuda") ? "cpu" : backend;
  }

  private Backends.Choice wrap(String sampler, String backend,
      java.util.function.Function<String, Backends.Choice> choose) {
    boolean cuda = norm(backend).equals("cuda");
    String s = cuda && norm(sampler).equals("auto") ? "direct" : sampler;
    Backends.Choice c = choose.apply(s);
    List<String> notes = new ArrayList<>(c.notes());
    boolean direct = c.source().sampler().equals("direct");
    boolean gpu = direct && (cuda || norm(backend).equals("auto"));
    if (cuda) {
      notes.add("backend cuda on spark: each task runs on the GPU its executor assigned it"
          + " (spark.task.resource.gpu.amount); a task without one runs on the CPU");
    }
    String taskDevice = c.source().device();
    last = new SparkEnsemble(c.source(), sc, tasks, flags, taskDevice, gpu, failFirstAttempt, merge);
    if (checkpoint != null) {
      last.checkpoint(checkpoint, stopAfterWaves);
    }
    return new Backends.Choice(last, notes);
  }
}

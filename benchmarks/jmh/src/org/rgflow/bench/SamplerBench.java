package org.rgflow.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.exact.ExactEnsemble;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Exact vs direct sampler on the CPU with the NTK (docs/EXACT_SAMPLER.md): width 1024, depth 8,
 * N_D = 2 at angle 0.5, 4 measured neurons, at criticality (relu C_W = 2, tanh C_W = 1). The
 * {@code networks} column (an {@link AuxCounters} rate) is networks per second; the figure of
 * merit is its ratio between the samplers at the same activation. relu takes the Gram sweep (§2b),
 * tanh the per-neuron sweep (§2).
 *
 * <p>Napkin (relu): the direct sampler draws 2·8·1024² ≈ 1.7·10⁷ Gaussians per network (every W
 * forward and again backward); the exact sampler about 1.6·10⁴ (forward) + 1.4·10⁴ (Gram sweep), so
 * the ratio is bounded by the arithmetic, not the Gaussians. Correctness is checked once per trial in
 * {@link #setup()}: layer 1's kernel is exact, K¹ = C_b + C_W x·x / n₀, within 5 SE.
 *
 * <p>Run: {@code benchmarks/run-jmh.sh SamplerBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class SamplerBench {
  @Param({"exact", "direct"}) public String sampler;
  @Param({"relu", "tanh"}) public String act;
  @Param("1024") public int width;
  @Param("8") public int depth;

  private NetworkSpec spec;
  private Inputs inputs;
  private RunSettings settings;
  private SourceFactory backend;
  private int ensemble;

  /** Networks sampled, reported by JMH as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Networks {
    public long networks;

    @Setup(Level.Iteration)
    public void reset() {
      networks = 0;
    }
  }

  @Setup(Level.Trial)
  public void setup() {
    double cw = act.equals("relu") ? 2.0 : 1.0;
    spec = NetworkSpec.uniform(width, width, depth, Activations.parse(act), 0.0, cw, 1.0, 1.0);
    inputs = Inputs.fromNormsAndAngles(width, new double[] {1, 1},
        new double[][] {{0, 0.5}, {0.5, 0}});
    boolean exact = sampler.equals("exact");
    backend = exact ? new ExactEnsemble() : new CpuEnsemble();
    // about a tenth of a second per call for either sampler
    ensemble = exact ? 128 : 2;
    int threads = Runtime.getRuntime().availableProcessors();
    settings = new RunSettings(ensemble, 1, threads, 1, true, 4);
    BenchChecks.layerOneKernelAndFinite(sampler + " " + act, spec, inputs, backend.run(spec, inputs,
        new RunSettings(exact ? 2000 : 40, 7, threads, 1, true, 4), ProgressListener.NONE));
  }

  @Benchmark
  public EnsembleResult forwardNtk(Networks n) {
    n.networks += ensemble;
    return backend.run(spec, inputs, settings, ProgressListener.NONE);
  }
}

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
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Throughput of the CPU reference ensemble: ReLU at criticality, n₀ = width, N_D inputs at angle 0.5.
 *
 * <p>Napkin math (width 512, depth 16): 16·512·513 ≈ 4.2 M Gaussian weights and biases per network;
 * the forward pass is N_D·4.2 M multiply-adds, so for small N_D the cost is generating the weights,
 * and weights/s is the figure of merit. The {@code weights} column (an {@link AuxCounters} rate) is
 * weights and biases per second; networks/s = ops/s × ensemble. Correctness is checked once in
 * {@link #setup()}: the layer-1 kernel is exact, K¹ = C_b + C_W·(1/n₀) x·x, and must agree within
 * 5 SE (false failure ≈ 6·10⁻⁷ per component).
 *
 * <p>Run: {@code benchmarks/run-jmh.sh} (all), or {@code benchmarks/run-jmh.sh CpuEnsembleBench.forward}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class CpuEnsembleBench {
  @Param("512") public int width;
  @Param("16") public int depth;
  @Param("2") public int nd;
  /** Networks per benchmark call. */
  @Param("16") public int ensemble;

  private NetworkSpec spec;
  private Inputs inputs;
  private RunSettings forward;
  private RunSettings forwardNtk;
  private final CpuEnsemble backend = new CpuEnsemble();
  private long weightsPerCall;

  /** Weights and biases generated, reported by JMH as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Weights {
    public long weights;

    @Setup(Level.Iteration)
    public void reset() {
      weights = 0;
    }
  }

  @Setup(Level.Trial)
  public void setup() {
    spec = NetworkSpec.uniform(width, width, depth, Activations.parse("relu"), 0.0, 2.0, 1.0, 1.0);
    double[] q = new double[nd];
    java.util.Arrays.fill(q, 1.0);
    double[][] angles = new double[nd][nd];
    for (double[] row : angles) {
      java.util.Arrays.fill(row, 0.5);
    }
    inputs = Inputs.fromNormsAndAngles(width, q, angles);
    int threads = Runtime.getRuntime().availableProcessors();
    forward = new RunSettings(ensemble, 1, threads, 1, false, 4);
    forwardNtk = new RunSettings(ensemble, 1, threads, 1, true, 4);
    long perNetwork = 0;
    for (int l = 1; l <= depth; l++) {
      perNetwork += (long) spec.width(l) * (spec.width(l - 1) + 1);
    }
    weightsPerCall = perNetwork * ensemble;
    BenchChecks.layerOneKernelAndFinite("cpu", spec, inputs,
        backend.run(spec, inputs, forwardNtk, ProgressListener.NONE));
  }

  @Benchmark
  public EnsembleResult forward(Weights w) {
    w.weights += weightsPerCall;
    return backend.run(spec, inputs, forward, ProgressListener.NONE);
  }

  @Benchmark
  public EnsembleResult forwardNtk(Weights w) {
    w.weights += weightsPerCall;
    return backend.run(spec, inputs, forwardNtk, ProgressListener.NONE);
  }
}

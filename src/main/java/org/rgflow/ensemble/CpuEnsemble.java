package org.rgflow.ensemble;

import java.util.List;
import org.rgflow.core.Host;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.LayerData;
import org.rgflow.stats.Need;

/**
 * The CPU reference (sampler "direct", device "cpu"): double precision, every weight regenerated
 * row by row from the randomness contract ({@link org.rgflow.rng.InitRng}) inside {@link CpuNetwork};
 * one workspace per thread, so memory is independent of E. It is the reference every other source
 * must agree with, network by network ({@link #network}).
 */
public final class CpuEnsemble implements SourceFactory {
  /** The sampler's name as results record it. */
  public static final String SAMPLER = "direct";

  /** Starts the SIMD row generator's warm-up now, so that it overlaps the theory (rng.Simd). */
  public CpuEnsemble() {
    org.rgflow.rng.Simd.startWarmUp();
  }

  @Override
  public String sampler() {
    return SAMPLER;
  }

  @Override
  public String device() {
    return "cpu";
  }

  /**
   * The per-network hook: network e of the contract, forward pass and (if ntkNeurons &gt; 0) NTK
   * sub-blocks of the first min(n_ℓ, ntkNeurons) neurons of every layer.
   *
   * @throws DivergenceException when its pre-activations overflow
   */
  public static NetworkSample network(NetworkSpec spec, Inputs inputs, long seed, long e,
      int ntkNeurons) {
    CpuNetwork net = new CpuNetwork(spec, inputs, seed, ntkNeurons);
    net.run(e);
    int depth = spec.depth();
    double[][][] z = new double[depth][][];
    int[] measured = new int[depth];
    double[][][] theta = ntkNeurons > 0 ? new double[depth][][] : null;
    for (int l = 1; l <= depth; l++) {
      z[l - 1] = NetworkSample.copy(net.z[l]);
      measured[l - 1] = net.measured(l);
      if (theta != null) {
        theta[l - 1] = NetworkSample.copy(net.theta[l]);
      }
    }
    return new NetworkSample(seed, e, z, measured, theta);
  }

  /**
   * The dNTK twin of {@link #network}: network e's per-layer dNTK statistics as the direct sampler
   * hands them to {@link org.rgflow.stats.DntkBlock}, [ℓ−1][2·N_D⁴] (p then q), with
   * min(n_ℓ, neurons) measured neurons; for network-by-network comparisons of device kernels.
   */
  public static double[][] dntk(NetworkSpec spec, Inputs inputs, long seed, long e, int neurons) {
    CpuNetwork net = new CpuNetwork(spec, inputs, seed, 0);
    net.run(e);
    DntkSweep sweep = new DntkSweep(spec, inputs, seed, neurons);
    sweep.run(e, net.z, net.sig);
    double[][] out = new double[spec.depth()][];
    for (int l = 1; l <= spec.depth(); l++) {
      out[l - 1] = sweep.stats[l].clone();
    }
    return out;
  }

  /** Why no source can measure the dNTK of {@code spec} (layer types, σ′), or null. */
  public static String dntkUnsupported(NetworkSpec spec) {
    return DntkSweep.unsupported(spec);
  }

  /** The direct CPU sampler measures the dNTK too ({@link DntkSweep}). */
  @Override
  public String unsupported(Need need) {
    return null;
  }

  @Override
  public NetworkSource open(EnsembleRun run) {
    NetworkSpec spec = run.spec();
    Inputs inputs = run.inputs();
    int depth = spec.depth();
    long seed = run.settings().seed();
    int m = run.ntkNeurons();
    boolean dntk = run.stats().needs().contains(Need.DNTK);
    if (dntk && DntkSweep.unsupported(spec) != null) {
      throw new org.rgflow.spec.SpecException("--observables", "dntk: " + DntkSweep.unsupported(spec));
    }
    int md = Math.max(1, run.settings().ntkNeurons());
    // a small run stops the SIMD warm-up rather than share the CPU with it (rng.Simd.sizeHint)
    org.rgflow.rng.Simd.sizeHint(run.settings().ensemble() * EnsembleRun.weightsPerNetwork(spec));
    return new ThreadedSource(run, () -> {
      CpuNetwork net = new CpuNetwork(spec, inputs, seed, m);
      DntkSweep sweep = dntk ? new DntkSweep(spec, inputs, seed, md) : null;
      if (sweep != null) {
        net.shareWith(sweep);
      }
      LayerData data = new LayerData(inputs.count());
      return (first, count, sink) -> {
        for (long e = first; e < first + count; e++) {
          net.run(e);
          if (sweep != null) {
            sweep.run(e, net.z, net.sig);
          }
          for (int l = 1; l <= depth; l++) {
            data.fromZ(net.z[l], spec.width(l), m > 0 ? net.theta[l] : null, net.measured(l),
                run.stats().needs());
            if (sweep != null) {
              data.withDntk(sweep.stats[l]);
            }
            sink.layer(e, l, data);
          }
        }
      };
    }, List.of("rng=philox4x32-10 contract v1 (docs/RANDOMNESS.md)"));
  }

  /**
   * A source for the CPU samplers: {@code --threads} workers, each from {@code workers}, taking
   * {@code --chunk} networks at a time; its report names the CPU.
   */
  public static final class ThreadedSource implements NetworkSource {
    private final EnsembleRun run;
    private final java.util.function.Supplier<Worker> workers;
    private final List<String> notes;

    public ThreadedSource(EnsembleRun run, java.util.function.Supplier<Worker> workers,
        List<String> notes) {
      this.run = run;
      this.workers = workers;
      this.notes = notes;
    }

    @Override
    public int parallelism() {
      return run.settings().threads();
    }

    @Override
    public int batch() {
      return run.settings().chunk();
    }

    @Override
    public Worker worker() {
      return workers.get();
    }

    @Override
    public Report report() {
      List<String> all = new java.util.ArrayList<>();
      all.add("threads=" + run.settings().threads() + " chunk=" + run.settings().chunk()
          + " reductionBlock=" + OrderedReducer.BLOCK);
      all.addAll(notes);
      return new Report(Host.cpuName(), all, null);
    }

    @Override
    public void close() {}
  }
}

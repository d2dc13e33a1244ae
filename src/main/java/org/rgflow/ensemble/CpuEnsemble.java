package org.rgflow.ensemble;

import java.util.ArrayList;
import java.util.List;
import org.rgflow.core.LayerValues;
import org.rgflow.rng.InitRng;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.LayerData;
import org.rgflow.stats.StatSet;

/**
 * The CPU reference ensemble: double precision, {@code threads} workers pulling chunks of
 * consecutive network indices, weights regenerated on the fly from the randomness contract
 * ({@link InitRng}). Memory is independent of E: one {@link CpuNetwork} workspace per thread, plus
 * the ordered reduction window ({@link OrderedReducer}).
 *
 * <p>Determinism: per-network statistic vectors depend only on (seed, e); they are reduced in fixed
 * blocks of {@value OrderedReducer#BLOCK} consecutive indices, each in index order, and the blocks
 * are merged in block order — so results are bit-identical for every chunk size and thread count.
 */
public final class CpuEnsemble implements EnsembleBackend {
  /**
   * Most inputs per run: the statistic vector has d ≈ N_D⁴/8 entries and each accumulator d²
   * doubles (N_D = 6: d = 309, 0.76 MB per layer; N_D = 8: d ≈ 790, 5 MB per layer), and adding one
   * network costs O(d²) per layer. More inputs need a reduced statistic set (K, Θ and per-input
   * diagonals only) — not implemented yet.
   */
  public static final int MAX_INPUTS = 8;

  @Override
  public String name() {
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
      z[l - 1] = deepCopy(net.z[l]);
      measured[l - 1] = net.measured(l);
      if (theta != null) {
        theta[l - 1] = deepCopy(net.theta[l]);
      }
    }
    return new NetworkSample(seed, e, z, measured, theta);
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  /** Σ_ℓ n_ℓ (n_{ℓ−1} + 1): weights and biases generated per network by the forward pass. */
  public static double weightsPerNetwork(NetworkSpec spec) {
    double s = 0;
    for (int l = 1; l <= spec.depth(); l++) {
      s += (double) spec.width(l) * (spec.width(l - 1) + 1);
    }
    return s;
  }

  @Override
  public EnsembleResult run(NetworkSpec spec, Inputs inputs, RunSettings settings,
      ProgressListener progress) {
    long t0 = System.nanoTime();
    long e = settings.ensemble();
    EnsembleBackend.validate(spec, inputs, e);
    int depth = spec.depth();
    int ntkNeurons = settings.ntk() ? settings.ntkNeurons() : 0;
    StatSet stats = StatSet.standard(inputs.count(), settings.ntk());
    int chunk = settings.chunk();
    List<LayerValues> layers = NetworkPool.run(spec, stats, settings, progress, () -> {
      CpuNetwork net = new CpuNetwork(spec, inputs, settings.seed(), ntkNeurons);
      LayerData data = new LayerData(inputs.count());
      return (i, x) -> {
        net.run(i);
        for (int l = 1; l <= depth; l++) {
          stats.compute(data.fromZ(net.z[l], spec.width(l), settings.ntk() ? net.theta[l] : null,
              net.measured(l), stats.needs()), x[l - 1]);
        }
      };
    }, "rgflow-cpu-");
    double seconds = (System.nanoTime() - t0) * 1e-9;
    List<String> notes = new ArrayList<>();
    notes.add("seed=" + settings.seed());
    notes.add("threads=" + settings.threads() + " chunk=" + chunk + " reductionBlock="
        + OrderedReducer.BLOCK);
    if (settings.ntk()) {
      notes.add("ntkNeurons=" + ntkNeurons + " (first min(n_l, ntkNeurons) neurons per layer)");
    }
    notes.add("rng=philox4x32-10 contract v1 (docs/RANDOMNESS.md)");
    return new EnsembleResult(name(), layers, e, seconds, weightsPerNetwork(spec), notes);
  }
}

package org.rgflow.exact;

import java.util.ArrayList;
import java.util.List;
import org.rgflow.core.LayerValues;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleBackend;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.NetworkPool;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.ensemble.OrderedReducer;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.LayerData;
import org.rgflow.stats.StatSet;

/**
 * The exact conditional sampler on the CPU (docs/EXACT_SAMPLER.md): the same per-network statistic
 * vectors as {@link CpuEnsemble} ({@link LayerStats#compute} on z of all n_ℓ neurons and the Θ̂
 * sub-block of the first m_ℓ neurons), reduced by the same {@link OrderedReducer}, so observables and
 * their errors are formed identically and results are bit-identical for every chunk size and thread
 * count. Its networks are different random variables from the direct sampler's (own Philox
 * streams, {@link ExactNetwork#FORWARD_FLAG}, {@link ExactNetwork#NTK_FLAG}, {@link
 * GramSweep#GAUSS_FLAG}, {@link GramSweep#CHI_FLAG}); only their law is the same.
 */
public final class ExactEnsemble implements EnsembleBackend {
  /** The sampler's name as recorded in results ("exact"; the direct one is "direct"). */
  public static final String SAMPLER = "exact";

  /** Whether every NTK sweep takes the per-neuron path (tests keep both sweeps checked). */
  private final boolean perNeuronSweep;

  public ExactEnsemble() {
    this(false);
  }

  /** With {@code perNeuronSweep}, the NTK never takes the Gram sweep (docs/EXACT_SAMPLER.md §2b). */
  ExactEnsemble(boolean perNeuronSweep) {
    this.perNeuronSweep = perNeuronSweep;
  }

  @Override
  public String name() {
    return "cpu";
  }

  /** Network e of the exact sampler (z of every layer and, with ntkNeurons &gt; 0, Θ̂ sub-blocks). */
  public static NetworkSample network(NetworkSpec spec, Inputs inputs, long seed, long e,
      int ntkNeurons) {
    ExactNetwork net = new ExactNetwork(spec, inputs, seed, ntkNeurons);
    int depth = spec.depth();
    double[][][] z = new double[depth][][];
    int[] measured = new int[depth];
    double[][][] theta = ntkNeurons > 0 ? new double[depth][][] : null;
    net.run(e, (l, zl, thl) -> {
      z[l - 1] = new double[zl.length][];
      for (int a = 0; a < zl.length; a++) {
        z[l - 1][a] = java.util.Arrays.copyOf(zl[a], spec.width(l));
      }
      measured[l - 1] = net.measured(l);
      if (theta != null) {
        theta[l - 1] = deepCopy(thl);
      }
    });
    return new NetworkSample(seed, e, z, measured, theta);
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  @Override
  public EnsembleResult run(NetworkSpec spec, Inputs inputs, RunSettings settings,
      ProgressListener progress) {
    long t0 = System.nanoTime();
    long e = settings.ensemble();
    EnsembleBackend.validate(spec, inputs, e);
    int ntkNeurons = settings.ntk() ? settings.ntkNeurons() : 0;
    StatSet stats = StatSet.standard(inputs.count(), settings.ntk());
    int chunk = settings.chunk();
    List<LayerValues> layers = NetworkPool.run(spec, stats, settings, progress, () -> {
      ExactNetwork net = new ExactNetwork(spec, inputs, settings.seed(), ntkNeurons,
          perNeuronSweep);
      LayerData data = new LayerData(inputs.count());
      return (i, x) -> net.run(i, (l, zl, thl) -> stats.compute(data.fromZ(zl, spec.width(l), thl,
          net.measured(l), stats.needs()), x[l - 1]));
    }, "rgflow-exact-");
    double seconds = (System.nanoTime() - t0) * 1e-9;
    List<String> notes = new ArrayList<>();
    notes.add("sampler=exact: z^(l) ~ N(0, G^(l)) given the layer below and the NTK's backward"
        + " vectors through the weights' conditional law; no weight is drawn (docs/EXACT_SAMPLER.md)");
    notes.add("seed=" + settings.seed());
    notes.add("threads=" + settings.threads() + " chunk=" + chunk + " reductionBlock="
        + OrderedReducer.BLOCK);
    if (settings.ntk()) {
      notes.add("ntkNeurons=" + ntkNeurons + " (first min(n_l, ntkNeurons) neurons per layer)");
    }
    notes.add("rng=philox4x32-10, exact-sampler streams c2 = l|0x40000000 (forward),"
        + " l|0x60000000 (NTK, per neuron), l|0x50000000 and l|0x70000000 (NTK, Gram sweep);"
        + " weights/s counts the direct sampler's equivalent");
    return new EnsembleResult(name(), layers, e, seconds, CpuEnsemble.weightsPerNetwork(spec), notes);
  }
}

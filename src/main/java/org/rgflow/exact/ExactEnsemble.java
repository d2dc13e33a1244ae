package org.rgflow.exact;

import java.util.List;
import org.rgflow.rng.Streams;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.ensemble.NetworkSource;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.LayerData;

/**
 * The exact conditional sampler on the CPU (sampler "exact", device "cpu"; docs/EXACT_SAMPLER.md):
 * it emits z of all n_ℓ neurons and the Θ̂ sub-block of the first m_ℓ neurons exactly as
 * {@link CpuEnsemble} does, into the same driver, so observables and their errors are formed
 * identically and results are bit-identical for every chunk size and thread count. Its networks are different random variables from the direct sampler's (own Philox
 * streams, {@link ExactNetwork#FORWARD_FLAG}, {@link ExactNetwork#NTK_FLAG}, {@link
 * GramSweep#GAUSS_FLAG}, {@link GramSweep#CHI_FLAG}); only their law is the same.
 */
public final class ExactEnsemble implements SourceFactory {
  /** The sampler's name as recorded in results ("exact"; the direct one is "direct"). */
  public static final String SAMPLER = "exact";

  /** Whether every NTK sweep takes the per-neuron path (tests keep both sweeps checked). */
  private final boolean perNeuronSweep;

  public ExactEnsemble() {
    this(false);
  }

  /** With {@code perNeuronSweep}, the NTK never takes the Gram sweep (docs/EXACT_SAMPLER.md §2b). */
  ExactEnsemble(boolean perNeuronSweep) {
    this(perNeuronSweep, ExactNetwork.AUTO);
  }

  /** Gram-sweep layout (ExactNetwork.AUTO, PER_TARGET or JOINT; tests keep each checked). */
  private final int layout;

  ExactEnsemble(boolean perNeuronSweep, int layout) {
    this.perNeuronSweep = perNeuronSweep;
    this.layout = layout;
  }

  @Override
  public String sampler() {
    return SAMPLER;
  }

  @Override
  public String device() {
    return "cpu";
  }

  @Override
  public String unsupported(NetworkSpec spec) {
    for (org.rgflow.layer.Layer l : spec.layers()) {
      boolean ok = l instanceof org.rgflow.layer.Dense
          || l instanceof org.rgflow.layer.Residual r && r.xi() != 0;
      if (!ok) {
        return "it implements dense layers only, and residual layers with ξ ≠ 0";
      }
    }
    return null;
  }

  /**
   * Why the CPU exact sampler's NTK does not take the Gram sweep in its per-target layout here
   * (docs/EXACT_SAMPLER.md §2b, §2c), or null when it does: dense layers, σ = a± z (relu, leaky relu,
   * linear), N_D ≤ 12, and the layout the cost rule picks is per target, not joint. A device that
   * implements only that layout consumes the same streams exactly when this is null.
   */
  public static String perTargetGramRefusal(NetworkSpec spec, int nd, int ntkNeurons) {
    if (!spec.allDense()) {
      return "the NTK of residual networks takes the per-neuron sweep";
    }
    if (spec.activation().scaleInvariantSlopes() == null) {
      return "the NTK of " + spec.activation().name() + " takes the per-neuron sweep (the Gram sweep"
          + " is for relu, leaky relu and linear)";
    }
    if (nd > GramSweep.MAX_INPUTS) {
      return "the Gram sweep takes at most " + GramSweep.MAX_INPUTS + " inputs";
    }
    int depth = spec.depth();
    int[] w = new int[depth + 1];
    int[] m = new int[depth + 1];
    for (int l = 0; l <= depth; l++) {
      w[l] = spec.width(l);
      m[l] = l == 0 ? 0 : Math.min(w[l], ntkNeurons);
    }
    return ExactNetwork.jointCheaper(w, m, nd, depth) ? "the cost rule picks the joint Gram sweep"
        + " for this shape (docs/EXACT_SAMPLER.md §2c)" : null;
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
        theta[l - 1] = NetworkSample.copy(thl);
      }
    });
    return new NetworkSample(seed, e, z, measured, theta);
  }


  @Override
  public NetworkSource open(EnsembleRun run) {
    NetworkSpec spec = run.spec();
    Inputs inputs = run.inputs();
    long seed = run.settings().seed();
    int m = run.ntkNeurons();
    return new CpuEnsemble.ThreadedSource(run, () -> {
      ExactNetwork net = new ExactNetwork(spec, inputs, seed, m, perNeuronSweep, layout);
      LayerData data = new LayerData(inputs.count());
      return (first, count, sink) -> {
        for (long e = first; e < first + count; e++) {
          long net0 = e;
          net.run(e, (l, zl, thl) -> sink.layer(net0, l, data.fromZ(zl, spec.width(l), thl,
              net.measured(l), run.stats().needs())));
        }
      };
    }, List.of("sampler=exact: z^(l) ~ N(0, G^(l)) given the layer below and the NTK's backward"
        + " vectors through the weights' conditional law; no weight is drawn (docs/EXACT_SAMPLER.md)",
        "rng=philox4x32-10, exact-sampler streams c2 = l|" + Streams.hex(Streams.EXACT_FORWARD)
        + " (forward), " + Streams.hex(Streams.EXACT_NTK) + "|l' (NTK, per neuron, ziggurat, one set of rows per level), "
        + Streams.hex(Streams.GRAM_GAUSS) + " and " + Streams.hex(Streams.GRAM_CHI) + "|t<<14|l'"
        + " (NTK, Gram sweep; t the target layer, 0 for the joint sweep); weights/s counts the"
        + " direct sampler's equivalent"));
  }
}

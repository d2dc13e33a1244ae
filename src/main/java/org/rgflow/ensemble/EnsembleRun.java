package org.rgflow.ensemble;

import org.rgflow.rng.InitRng;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.StatSet;

/**
 * One ensemble run as a source and the driver see it: the network, its inputs, how to sample
 * (E, seed, threads, chunk, NTK) and which statistic blocks to measure. Checked on construction:
 * network indices within the randomness contract, inputs of dimension n₀, at most
 * {@link #MAX_INPUTS} inputs, and blocks for the same N_D.
 */
public record EnsembleRun(NetworkSpec spec, Inputs inputs, RunSettings settings, StatSet stats) {
  /**
   * Most inputs per run: the statistic vector has d ≈ N_D⁴/8 entries and each accumulator d²
   * doubles (N_D = 6: d = 309, 0.76 MB per layer; N_D = 8: d ≈ 790, 5 MB per layer), and adding one
   * network costs O(d²) per layer. More inputs need a reduced statistic set (K, Θ and per-input
   * diagonals only) — not implemented yet.
   */
  public static final int MAX_INPUTS = 8;

  public EnsembleRun {
    validate(spec, inputs, settings.ensemble());
    if (stats.inputs() != inputs.count()) {
      throw new IllegalArgumentException("statistics for " + stats.inputs() + " inputs, run has "
          + inputs.count());
    }
  }

  /** The standard blocks for these settings (the NTK's only with the NTK). */
  public static EnsembleRun standard(NetworkSpec spec, Inputs inputs, RunSettings settings) {
    return new EnsembleRun(spec, inputs, settings, StatSet.standard(inputs.count(), settings.ntk()));
  }

  /** Measured NTK neurons per layer: 0 without the NTK. */
  public int ntkNeurons() {
    return settings.ntk() ? settings.ntkNeurons() : 0;
  }

  /**
   * The checks every source makes before sampling one network or many: network indices within the
   * randomness contract (c3 is 32 bits) and inputs of dimension n₀.
   *
   * @param networks one past the largest network index used
   * @throws SpecException naming the offending field
   */
  public static void validateNetworks(NetworkSpec spec, Inputs inputs, long networks) {
    if (networks > InitRng.MAX_NETWORKS) {
      throw new SpecException("--ensemble", "the randomness contract supports at most 2^32 networks, got "
          + networks);
    }
    if (inputs.dim() != spec.n0()) {
      throw new SpecException("--inputs", "inputs have dimension " + inputs.dim()
          + " but the network expects n0 = " + spec.n0());
    }
  }

  /** {@link #validateNetworks} plus at most {@link #MAX_INPUTS} inputs. */
  public static void validate(NetworkSpec spec, Inputs inputs, long networks) {
    validateNetworks(spec, inputs, networks);
    if (inputs.count() > MAX_INPUTS) {
      throw new SpecException("--inputs", "the ensemble measures the full four-point tensor and its"
          + " covariance, which grows like N_D^8; at most " + MAX_INPUTS + " inputs, got "
          + inputs.count());
    }
  }

  /** Σ_ℓ n_ℓ (n_{ℓ−1} + 1): weights and biases a direct sampler draws per network. */
  public static double weightsPerNetwork(NetworkSpec spec) {
    double s = 0;
    for (int l = 1; l <= spec.depth(); l++) {
      s += (double) spec.width(l) * (spec.width(l - 1) + 1);
    }
    return s;
  }
}

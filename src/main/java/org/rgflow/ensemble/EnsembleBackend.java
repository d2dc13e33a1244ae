package org.rgflow.ensemble;

import org.rgflow.rng.InitRng;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * One way of sampling an ensemble of randomly initialised networks and measuring per-layer
 * statistics. The CPU implementation is the reference every other backend must agree with, network
 * by network.
 */
public interface EnsembleBackend {
  /** Short name recorded in results: "cpu", "cuda", "opencl". */
  String name();

  /**
   * Samples networks 0..E−1 of the randomness contract and returns per-layer measurements.
   *
   * @throws DivergenceException when a network's pre-activations overflow
   */
  EnsembleResult run(NetworkSpec spec, Inputs inputs, RunSettings settings, ProgressListener progress);

  /**
   * The checks every backend makes before sampling one network or many: network indices within the
   * randomness contract (c3 is 32 bits) and inputs of dimension n₀.
   *
   * @param networks one past the largest network index used
   * @throws SpecException naming the offending field
   */
  static void validateNetworks(NetworkSpec spec, Inputs inputs, long networks) {
    if (networks > InitRng.MAX_NETWORKS) {
      throw new SpecException("--ensemble", "the randomness contract supports at most 2^32 networks, got "
          + networks);
    }
    if (inputs.dim() != spec.n0()) {
      throw new SpecException("--inputs", "inputs have dimension " + inputs.dim()
          + " but the network expects n0 = " + spec.n0());
    }
  }

  /**
   * {@link #validateNetworks} plus the limit of an ensemble's statistics: at most
   * {@link CpuEnsemble#MAX_INPUTS} inputs (the size of the per-network statistic vector the
   * accumulators hold).
   */
  static void validate(NetworkSpec spec, Inputs inputs, long networks) {
    validateNetworks(spec, inputs, networks);
    if (inputs.count() > CpuEnsemble.MAX_INPUTS) {
      throw new SpecException("--inputs", "the ensemble measures the full four-point tensor and its"
          + " covariance, which grows like N_D^8; at most " + CpuEnsemble.MAX_INPUTS + " inputs, got "
          + inputs.count());
    }
  }
}

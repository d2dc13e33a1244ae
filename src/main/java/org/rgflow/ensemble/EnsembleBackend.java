package org.rgflow.ensemble;

import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

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
}

package org.rgflow.ensemble;

import org.rgflow.spec.SpecException;

/**
 * How an ensemble run is carried out. None of these except {@code ensemble}, {@code seed},
 * {@code ntk} and {@code ntkNeurons} may change any result: chunk size and thread count only change
 * the speed (the randomness contract and the fixed-order merge guarantee it).
 *
 * @param ensemble number of networks E ≥ 1
 * @param seed the run's seed (network e's parameters depend only on (seed, e))
 * @param threads worker threads ≥ 1
 * @param chunk networks per work item ≥ 1
 * @param ntk whether to compute the NTK (backward passes)
 * @param ntkNeurons neurons per layer whose NTK entries Θ̂_{ik} are measured (the first m neurons)
 */
public record RunSettings(long ensemble, long seed, int threads, int chunk, boolean ntk, int ntkNeurons) {
  public RunSettings {
    if (ensemble < 1) {
      throw new SpecException("--ensemble", "must be at least 1, got " + ensemble);
    }
    if (threads < 1) {
      throw new SpecException("--threads", "must be at least 1, got " + threads);
    }
    if (chunk < 1) {
      throw new SpecException("--chunk", "must be at least 1, got " + chunk);
    }
    if (ntk && ntkNeurons < 1) {
      throw new SpecException("--ntk-neurons", "must be at least 1, got " + ntkNeurons);
    }
  }
}

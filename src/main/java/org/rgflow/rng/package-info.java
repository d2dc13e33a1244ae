/**
 * The randomness contract: Philox4x32-10 counters keyed by the run's seed and indexed by
 * (network, layer, row, column) give every weight and bias as a pure function of its indices
 * ({@link org.rgflow.rng.InitRng}); docs/RANDOMNESS.md is the normative description that device
 * kernels reproduce.
 */
package org.rgflow.rng;

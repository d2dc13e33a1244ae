/**
 * Statistic blocks: each observable group as one unit — its per-network statistics, computed from a
 * layer's power sums and NTK block ({@link org.rgflow.stats.LayerData}), its estimator with
 * delta-method standard errors, and its theory hook. {@link org.rgflow.stats.StatSet} lays the
 * blocks' statistics out in one vector per network and layer, accumulated by the mergeable
 * {@link org.rgflow.stats.MomentAccumulator}; {@link org.rgflow.stats.Predictions} turns the
 * recursions into the same observables. Blocks: kernel (K, V, kurtosis), moments (G4, G6), ntk
 * (Θ, A, B, D, F), three-point (T3, T21).
 */
package org.rgflow.stats;

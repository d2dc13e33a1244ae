/**
 * Ensembles of randomly initialised MLPs: the {@link org.rgflow.ensemble.EnsembleBackend} interface,
 * the double-precision CPU reference {@link org.rgflow.ensemble.CpuEnsemble} (forward pass and NTK by
 * one backward sweep, weights regenerated from the randomness contract) and the ordered reduction of
 * per-network statistic vectors ({@link org.rgflow.stats.StatSet}). Results are bit-identical for
 * every thread count and chunk size.
 */
package org.rgflow.ensemble;

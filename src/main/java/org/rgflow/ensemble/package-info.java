/**
 * Ensembles of randomly initialised MLPs: the {@link org.rgflow.ensemble.EnsembleBackend} interface,
 * the double-precision CPU reference {@link org.rgflow.ensemble.CpuEnsemble} (forward pass and NTK by
 * one backward sweep, weights regenerated from the randomness contract), per-network neuron
 * statistics {@link org.rgflow.ensemble.LayerStats} and the mergeable
 * {@link org.rgflow.ensemble.MomentAccumulator} with delta-method errors. Results are bit-identical
 * for every thread count and chunk size.
 */
package org.rgflow.ensemble;

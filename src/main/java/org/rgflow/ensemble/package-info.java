/**
 * Ensembles of randomly initialised networks: the {@link org.rgflow.ensemble.NetworkSource} seam every
 * sampler and device implements, the {@link org.rgflow.ensemble.EnsembleDriver} that runs any of them
 * (chunking, the one ordered reduction, statistics, timing, progress, notes), and the double-precision
 * CPU reference {@link org.rgflow.ensemble.CpuEnsemble} (forward pass and NTK by one backward sweep,
 * weights regenerated from the randomness contract). Results are bit-identical for every thread
 * count, chunk and launch size.
 */
package org.rgflow.ensemble;

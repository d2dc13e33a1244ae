/**
 * The CUDA source (sampler "direct", device "cuda"): {@link org.rgflow.cuda.CudaEnsemble} drives the kernels of
 * {@code kernels/*.cu} (shipped as PTX in the jar under {@code /kernels/}) through JCuda's driver API;
 * {@link org.rgflow.cuda.CudaProbe} says whether a device can run them and why not. Per-network power
 * sums and Θ̂ blocks come back from the device and go through the
 * {@link org.rgflow.ensemble.EnsembleDriver} like every source's, so the statistics and the merge are
 * the reference's. {@link org.rgflow.cuda.CudaSelfCheck} and {@link org.rgflow.cuda.CudaBench} are the
 * Maven-free checks and benchmark for a GPU machine (benchmarks/gpu/, docs/CUDA.md).
 */
package org.rgflow.cuda;

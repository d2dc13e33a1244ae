/**
 * Capability probes and backend choice: what {@code rgflow devices} reports and what
 * {@code --backend auto} picks.
 *
 * <p>{@link Capability} is one ✓/✗ line. The probes are small and independent:
 * {@link CudaDriverProbe} (JCuda driver API: driver version, devices), {@link CublasProbe}
 * (JCublas 12.6 → libcublas.so.12), {@link NvrtcProbe} (JNvrtc → libnvrtc.so.12),
 * {@link OpenClInfo} (the OpenCL backend's own {@code ClEnsemble.probe()} plus the device type),
 * {@link CudaBackendProbe} (the CUDA backend {@code org.rgflow.cuda.CudaEnsemble}, looked up by
 * name: this package never links to it). {@link Devices} runs them, each on a daemon thread with a
 * deadline, so that a missing or hanging driver never crashes or stalls the command line; native
 * load errors are condensed to one line by {@link NativeErrors}. {@link Backends} turns
 * {@code --backend auto|cpu|opencl|cuda} into a {@link BackendChoice} with the reason for it.
 */
package org.rgflow.device;

/**
 * The OpenCL ensemble backend (Aparapi): {@link org.rgflow.opencl.ClEnsemble} is the host side,
 * {@code ClNetworkKernel} the kernel (Java bytecode translated to OpenCL C by Aparapi), the twin of
 * the CPU reference {@link org.rgflow.ensemble.CpuEnsemble}. {@link org.rgflow.opencl.ClEnsemble#probe()}
 * reports whether an OpenCL device exists. See docs/OPENCL.md; tests: {@code ClContractTest}.
 */
package org.rgflow.opencl;

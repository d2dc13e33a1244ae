package org.rgflow.opencl;

import org.rgflow.act.Activation;
import org.rgflow.act.DeviceActivations;

/**
 * How {@link ClNetworkKernel} evaluates an {@link Activation}: a code of {@link DeviceActivations}
 * (the table shared with the CUDA kernels) and up to two parameters. Kernels cannot call the
 * interface (Aparapi translates only the kernel's own methods), so each activation the device
 * supports is re-implemented in the kernel.
 *
 * <p>Supported: every activation with {@link Activation#scaleInvariantSlopes()} (linear, relu,
 * leaky_relu(a)), tanh, sin, sigmoid, softplus, swish/silu, step and monomial(p). Not supported on
 * the device: erf and gelu (Java has no erf for the thread-pool fallback to translate);
 * {@link #of} names them in its exception.
 *
 * @param code one of {@code ClNetworkKernel.ACT_*} (= {@link DeviceActivations}' codes)
 * @param a slope for z ≥ 0, or the power p of a monomial
 * @param b slope for z &lt; 0
 */
record ClActivation(int code, double a, double b) {

  /** The kernel form of {@code act}; UnsupportedOperationException when the kernel lacks it. */
  static ClActivation of(Activation act) {
    DeviceActivations.Code c = DeviceActivations.of(act);
    if (c == null || c.code() == DeviceActivations.ERF || c.code() == DeviceActivations.GELU) {
      throw new UnsupportedOperationException("activation '" + act.name()
          + "' has no OpenCL kernel (supported: piecewise-linear, tanh, sin, sigmoid, softplus,"
          + " swish, step, monomial(p)); use the cpu backend");
    }
    return new ClActivation(c.code(), c.a(), c.b());
  }
}

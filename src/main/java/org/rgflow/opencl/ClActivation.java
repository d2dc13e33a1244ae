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
 * leaky_relu(a)), tanh, sin, erf, sigmoid, softplus, swish/silu, gelu, step and monomial(p). erf and
 * gelu use the kernel's own erf/erfc (a Taylor series below 2, Laplace's continued fraction above:
 * ClNetworkKernel.erfSeries/erfcFraction), since neither Java nor Aparapi offers one to translate.
 *
 * @param code one of {@code ClNetworkKernel.ACT_*} (= {@link DeviceActivations}' codes)
 * @param a slope for z ≥ 0, or the power p of a monomial
 * @param b slope for z &lt; 0
 */
record ClActivation(int code, double a, double b) {

  /** The kernel form of {@code act}; UnsupportedOperationException when the kernel lacks it. */
  static ClActivation of(Activation act) {
    DeviceActivations.Code c = DeviceActivations.of(act);
    if (c == null) {
      throw new UnsupportedOperationException("activation '" + act.name()
          + "' has no OpenCL kernel (supported: piecewise-linear, tanh, sin, erf, sigmoid, softplus,"
          + " swish, gelu, step, monomial(p)); use the cpu backend");
    }
    return new ClActivation(c.code(), c.a(), c.b());
  }
}

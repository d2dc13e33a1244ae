package org.rgflow.cuda;

import org.rgflow.act.Activation;
import org.rgflow.act.DeviceActivations;

/**
 * How the kernels evaluate an {@link Activation}: a code of {@code kernels/activations.cuh}'s
 * {@code RgAct} and two parameters, in float. The codes are {@link DeviceActivations}' (shared with
 * OpenCL; {@code DeviceActivationCodesTest} checks the header against it).
 *
 * <p>Supported: every scale-invariant activation (slopes a₊, a₋: linear, relu, leaky_relu), tanh, sin,
 * erf, sigmoid, softplus, swish/silu, gelu, step, monomial(p). All are evaluated in float32.
 *
 * @param code RgAct value
 * @param a slope for z ≥ 0, or the power p of a monomial
 * @param b slope for z &lt; 0
 */
record CudaActivation(int code, float a, float b) {
  static final int PWLIN = DeviceActivations.PWLIN;
  static final int MONOMIAL = DeviceActivations.MONOMIAL;

  /** The kernel form of {@code act}; UnsupportedOperationException when the kernels lack it. */
  static CudaActivation of(Activation act) {
    DeviceActivations.Code c = DeviceActivations.of(act);
    if (c == null) {
      throw new UnsupportedOperationException("activation '" + act.name()
          + "' has no CUDA kernel (supported: piecewise-linear, tanh, sin, erf, sigmoid, softplus,"
          + " swish, gelu, step, monomial(p)); use the cpu backend");
    }
    return new CudaActivation(c.code(), (float) c.a(), (float) c.b());
  }
}

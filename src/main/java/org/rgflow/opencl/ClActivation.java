package org.rgflow.opencl;

import java.util.Locale;
import org.rgflow.act.Activation;

/**
 * How {@link ClNetworkKernel} evaluates an {@link Activation}: a code and up to two parameters.
 * Kernels cannot call the interface (Aparapi translates only the kernel's own methods), so each
 * activation the device supports is re-implemented in the kernel; this class is the one mapping.
 *
 * <p>Supported: every activation with {@link Activation#scaleInvariantSlopes()} (linear, relu,
 * leaky_relu(a)), tanh, sin, sigmoid, softplus, swish/silu, step and monomial(p). Not supported on
 * the device: erf and gelu (Java has no erf for the thread-pool fallback to translate);
 * {@link #of} names them in its exception.
 *
 * @param code one of {@code ClNetworkKernel.ACT_*}
 * @param a slope for z ≥ 0, or the power p of a monomial
 * @param b slope for z &lt; 0
 */
record ClActivation(int code, double a, double b) {

  /** The kernel form of {@code act}; UnsupportedOperationException when the kernel lacks it. */
  static ClActivation of(Activation act) {
    double[] slopes = act.scaleInvariantSlopes();
    if (slopes != null) {
      return new ClActivation(ClNetworkKernel.ACT_PIECEWISE_LINEAR, slopes[0], slopes[1]);
    }
    String name = act.name().toLowerCase(Locale.ROOT).replace(" ", "");
    String base = name.contains("(") ? name.substring(0, name.indexOf('(')) : name;
    switch (base) {
      case "tanh":
        return new ClActivation(ClNetworkKernel.ACT_TANH, 0, 0);
      case "sin":
        return new ClActivation(ClNetworkKernel.ACT_SIN, 0, 0);
      case "sigmoid":
        return new ClActivation(ClNetworkKernel.ACT_SIGMOID, 0, 0);
      case "softplus":
        return new ClActivation(ClNetworkKernel.ACT_SOFTPLUS, 0, 0);
      case "swish":
      case "silu":
        return new ClActivation(ClNetworkKernel.ACT_SWISH, 0, 0);
      case "step":
        return new ClActivation(ClNetworkKernel.ACT_STEP, 0, 0);
      case "monomial": {
        String p = name.substring(name.indexOf('(') + 1, name.indexOf(')'));
        return new ClActivation(ClNetworkKernel.ACT_MONOMIAL, Integer.parseInt(p.trim()), 0);
      }
      default:
        throw new UnsupportedOperationException("activation '" + act.name()
            + "' has no OpenCL kernel (supported: piecewise-linear, tanh, sin, sigmoid, softplus,"
            + " swish, step, monomial(p)); use the cpu backend");
    }
  }
}

package org.rgflow.cuda;

import java.util.Locale;
import org.rgflow.act.Activation;

/**
 * How the kernels evaluate an {@link Activation}: a code of {@code kernels/activations.cuh}'s
 * {@code RgAct} and two parameters. This record is the one mapping; keep it in step with the header.
 *
 * <p>Supported: every scale-invariant activation (slopes a₊, a₋: linear, relu, leaky_relu), tanh, sin,
 * erf, sigmoid, softplus, swish/silu, gelu, step, monomial(p). All are evaluated in float32.
 *
 * @param code RgAct value
 * @param a slope for z ≥ 0, or the power p of a monomial
 * @param b slope for z &lt; 0
 */
record CudaActivation(int code, float a, float b) {
  static final int PWLIN = 0;
  static final int TANH = 1;
  static final int SIN = 2;
  static final int ERF = 3;
  static final int SIGMOID = 4;
  static final int SOFTPLUS = 5;
  static final int SWISH = 6;
  static final int GELU = 7;
  static final int STEP = 8;
  static final int MONOMIAL = 9;

  /** The kernel form of {@code act}; UnsupportedOperationException when the kernels lack it. */
  static CudaActivation of(Activation act) {
    double[] slopes = act.scaleInvariantSlopes();
    if (slopes != null) {
      return new CudaActivation(PWLIN, (float) slopes[0], (float) slopes[1]);
    }
    String name = act.name().toLowerCase(Locale.ROOT).replace(" ", "");
    String base = name.contains("(") ? name.substring(0, name.indexOf('(')) : name;
    switch (base) {
      case "tanh": return new CudaActivation(TANH, 0, 0);
      case "sin": return new CudaActivation(SIN, 0, 0);
      case "erf": return new CudaActivation(ERF, 0, 0);
      case "sigmoid": return new CudaActivation(SIGMOID, 0, 0);
      case "softplus": return new CudaActivation(SOFTPLUS, 0, 0);
      case "swish":
      case "silu":
        return new CudaActivation(SWISH, 0, 0);
      case "gelu": return new CudaActivation(GELU, 0, 0);
      case "step": return new CudaActivation(STEP, 0, 0);
      case "monomial": {
        String p = name.substring(name.indexOf('(') + 1, name.indexOf(')'));
        return new CudaActivation(MONOMIAL, Integer.parseInt(p.trim()), 0);
      }
      default:
        throw new UnsupportedOperationException("activation '" + act.name()
            + "' has no CUDA kernel (supported: piecewise-linear, tanh, sin, erf, sigmoid, softplus,"
            + " swish, gelu, step, monomial(p)); use the cpu backend");
    }
  }
}

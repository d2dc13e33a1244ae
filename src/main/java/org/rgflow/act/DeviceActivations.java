package org.rgflow.act;

import java.util.List;
import java.util.Locale;

/**
 * The one table of activation codes shared by the device kernels: {@code kernels/activations.cuh}'s
 * {@code enum RgAct} (CUDA, {@code org.rgflow.cuda.CudaActivation}) and {@code ClNetworkKernel}'s
 * {@code ACT_*} (OpenCL, {@code org.rgflow.opencl.ClActivation}). A code means the same function in
 * both; {@code DeviceActivationCodesTest} parses the header's enum and checks it against
 * {@link #NAMES}, and checks the OpenCL constants against this class.
 *
 * <p>Each activation the kernels know is a code and two parameters (a, b): {@link #PWLIN} is
 * σ(z) = a z for z ≥ 0 and b z for z &lt; 0 (linear, relu, leaky_relu, as {@link ScaleInvariant});
 * {@link #MONOMIAL} is z^a for an integer a ≥ 2; the others take no parameter. The OpenCL kernel
 * computes {@link #ERF} and {@link #GELU} with its own erf/erfc (ClNetworkKernel.erfSeries).
 */
public final class DeviceActivations {
  private DeviceActivations() {}

  public static final int PWLIN = 0;
  public static final int TANH = 1;
  public static final int SIN = 2;
  public static final int ERF = 3;
  public static final int SIGMOID = 4;
  public static final int SOFTPLUS = 5;
  public static final int SWISH = 6;
  public static final int GELU = 7;
  public static final int STEP = 8;
  public static final int MONOMIAL = 9;

  /** The codes' names, index = code; the header spells code c as {@code RG_<NAMES[c]>}. */
  public static final List<String> NAMES = List.of("PWLIN", "TANH", "SIN", "ERF", "SIGMOID",
      "SOFTPLUS", "SWISH", "GELU", "STEP", "MONOMIAL");

  /**
   * An activation in kernel form.
   *
   * @param code one of the codes above
   * @param a slope for z ≥ 0 ({@link #PWLIN}), or the power p ({@link #MONOMIAL}); else 0
   * @param b slope for z &lt; 0 ({@link #PWLIN}); else 0
   */
  public record Code(int code, double a, double b) {}

  /** The kernel form of {@code act}, or null when no device kernel evaluates it. */
  public static Code of(Activation act) {
    double[] slopes = act.scaleInvariantSlopes();
    if (slopes != null) {
      return new Code(PWLIN, slopes[0], slopes[1]);
    }
    String name = act.name().toLowerCase(Locale.ROOT).replace(" ", "");
    String base = name.contains("(") ? name.substring(0, name.indexOf('(')) : name;
    switch (base) {
      case "tanh": return new Code(TANH, 0, 0);
      case "sin": return new Code(SIN, 0, 0);
      case "erf": return new Code(ERF, 0, 0);
      case "sigmoid": return new Code(SIGMOID, 0, 0);
      case "softplus": return new Code(SOFTPLUS, 0, 0);
      case "swish":
      case "silu":
        return new Code(SWISH, 0, 0);
      case "gelu": return new Code(GELU, 0, 0);
      case "step": return new Code(STEP, 0, 0);
      case "monomial": {
        String p = name.substring(name.indexOf('(') + 1, name.indexOf(')'));
        return new Code(MONOMIAL, Integer.parseInt(p.trim()), 0);
      }
      default:
        return null;
    }
  }
}

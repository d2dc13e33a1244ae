package org.rgflow.act;

import java.util.List;
import java.util.Locale;
import org.hipparchus.special.Erf;
import org.rgflow.spec.SpecException;

/**
 * Registry of named activations: {@code linear, relu, leaky_relu(slope=0.01), tanh, sin, erf,
 * sigmoid, softplus, swish, gelu, step, monomial(p)}. Names are case-insensitive; a parameter is
 * given in parentheses.
 */
public final class Activations {
  private Activations() {}

  private static final List<String> NAMES = List.of("linear", "relu", "leaky_relu(slope=0.01)", "tanh",
      "sin", "erf", "sigmoid", "softplus", "swish", "gelu", "step", "monomial(p)");

  private static final double SQRT_PI = Math.sqrt(Math.PI);
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
  private static final double[] NONE = new double[0];

  /** The known names (with their parameter, if any). */
  public static List<String> names() {
    return NAMES;
  }

  /** Parses e.g. {@code relu}, {@code leaky_relu(0.1)}, {@code monomial(3)}; SpecException(--act) otherwise. */
  public static Activation parse(String spec) {
    if (spec == null) {
      throw new SpecException("--act", "activation missing; known: " + String.join(", ", NAMES));
    }
    String s = spec.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    String base = s;
    String param = null;
    int open = s.indexOf('(');
    if (open >= 0) {
      if (!s.endsWith(")")) {
        throw new SpecException("--act", "bad activation '" + spec + "': missing ')'");
      }
      base = s.substring(0, open);
      param = s.substring(open + 1, s.length() - 1);
    }
    switch (base) {
      case "leaky_relu": {
        double a = param == null ? 0.01 : number(spec, param);
        if (!Double.isFinite(a)) {
          throw new SpecException("--act", "leaky_relu slope must be finite, got '" + param + "'");
        }
        return leakyRelu(a);
      }
      case "monomial": {
        if (param == null) {
          throw new SpecException("--act", "monomial needs a power, e.g. monomial(3)");
        }
        double p = number(spec, param);
        if (!(p >= 1) || p != Math.rint(p) || p > 64) {
          throw new SpecException("--act", "monomial power must be an integer 1..64, got '" + param + "'");
        }
        return monomial((int) p);
      }
      default:
        break;
    }
    if (param != null) {
      throw new SpecException("--act", "activation '" + base + "' takes no parameter");
    }
    switch (base) {
      case "linear": return linear();
      case "relu": return relu();
      case "tanh": return tanh();
      case "sin": return sin();
      case "erf": return erf();
      case "sigmoid": return sigmoid();
      case "softplus": return softplus();
      case "swish": case "silu": return swish();
      case "gelu": return gelu();
      case "step": return step();
      default:
        throw new SpecException("--act", "unknown activation '" + spec + "'; known: "
            + String.join(", ", NAMES));
    }
  }

  private static double number(String spec, String p) {
    try {
      return Double.parseDouble(p);
    } catch (NumberFormatException e) {
      throw new SpecException("--act", "bad parameter '" + p + "' in '" + spec + "'");
    }
  }

  public static Activation linear() {
    return new ScaleInvariant("linear", 1, 1);
  }

  public static Activation relu() {
    return new ScaleInvariant("relu", 1, 0);
  }

  public static Activation leakyRelu(double slope) {
    return new ScaleInvariant("leaky_relu(" + slope + ")", 1, slope);
  }

  public static Activation tanh() {
    return new SmoothActivation("tanh", Tanh::value, z -> {
      double t = Tanh.value(z);
      return 1 - t * t;
    }, z -> {
      double t = Tanh.value(z);
      return -2 * t * (1 - t * t);
    }, new double[] {0, 1, 0, -2}, NONE, false).withD1OfValue(t -> 1 - t * t);
  }

  public static Activation sin() {
    return new SmoothActivation("sin", Math::sin, Math::cos, z -> -Math.sin(z),
        new double[] {0, 1, 0, -1}, NONE, false);
  }

  /** erf via Hipparchus' {@link Erf} (relative accuracy ~1e-15). */
  public static Activation erf() {
    return new SmoothActivation("erf", Erf::erf, z -> 2 / SQRT_PI * Math.exp(-z * z),
        z -> -4 * z / SQRT_PI * Math.exp(-z * z), new double[] {0, 2 / SQRT_PI, 0, -4 / SQRT_PI}, NONE,
        false);
  }

  static double logistic(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  public static Activation sigmoid() {
    return new SmoothActivation("sigmoid", Activations::logistic, z -> {
      double s = logistic(z);
      return s * (1 - s);
    }, z -> {
      double s = logistic(z);
      return s * (1 - s) * (1 - 2 * s);
    }, new double[] {0.5, 0.25, 0, -0.125}, NONE, false).withD1OfValue(s -> s * (1 - s));
  }

  public static Activation softplus() {
    return new SmoothActivation("softplus", z -> Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
        Activations::logistic, z -> {
          double s = logistic(z);
          return s * (1 - s);
        }, new double[] {Math.log(2), 0.5, 0.25, 0}, NONE, false);
  }

  /** SiLU z·s(z): σ′ = s + z s(1−s), σ″ = s(1−s)(2 + z(1−2s)). */
  public static Activation swish() {
    return new SmoothActivation("swish", z -> z * logistic(z), z -> {
      double s = logistic(z);
      return s + z * s * (1 - s);
    }, z -> {
      double s = logistic(z);
      return s * (1 - s) * (2 + z * (1 - 2 * s));
    }, new double[] {0, 0.5, 0.5, 0}, NONE, false);
  }

  static double phi(double z) {
    return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
  }

  static double normalCdf(double z) {
    return 0.5 * Erf.erfc(-z / Math.sqrt(2));
  }

  /** Exact GELU z·Φ(z): σ′ = Φ + zφ, σ″ = φ(2 − z²). */
  public static Activation gelu() {
    return new SmoothActivation("gelu", z -> z * normalCdf(z), z -> normalCdf(z) + z * phi(z),
        z -> phi(z) * (2 - z * z), new double[] {0, 0.5, 2 * INV_SQRT_2PI, 0}, NONE, false);
  }

  /** Perceptron step: 1 for z &gt; 0, else 0. σ′ = δ(z) (singular); Taylor coefficients undefined. */
  public static Activation step() {
    double nan = Double.NaN;
    return new SmoothActivation("step", z -> z > 0 ? 1 : 0, z -> 0, z -> 0,
        new double[] {nan, nan, nan, nan}, new double[] {0}, true);
  }

  /** z^p for integer p ≥ 1 (p = 1 is the scale-invariant linear activation). */
  public static Activation monomial(int p) {
    if (p < 1) {
      throw new SpecException("--act", "monomial power must be ≥ 1, got " + p);
    }
    if (p == 1) {
      return new ScaleInvariant("monomial(1)", 1, 1);
    }
    double[] t = new double[4];
    for (int k = 0; k < 4; k++) {
      t[k] = k == p ? factorial(p) : 0;
    }
    return new SmoothActivation("monomial(" + p + ")", z -> Math.pow(z, p),
        z -> p * Math.pow(z, p - 1), z -> p < 2 ? 0 : p * (p - 1) * Math.pow(z, p - 2), t, NONE, false);
  }

  private static double factorial(int p) {
    double f = 1;
    for (int k = 2; k <= p; k++) {
      f *= k;
    }
    return f;
  }
}

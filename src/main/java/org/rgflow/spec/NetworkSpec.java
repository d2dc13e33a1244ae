package org.rgflow.spec;

import java.util.Arrays;
import org.rgflow.act.Activation;

/**
 * An MLP as the book writes it (PDLT §2, FORMULAS.md §1): input width n₀, widths n₁..n_L (n_L is
 * the output width), one activation, and per-layer C_b, C_W, λ_b, λ_W.
 *
 * <p>Layers are numbered 1..L as in the book. Arrays indexed by layer have length L and hold layer ℓ
 * at index ℓ−1. Weights of layer ℓ have variance C_W^{(ℓ)}/n_{ℓ−1}, biases C_b^{(ℓ)}; the NTK
 * learning rates are λ_b^{(ℓ)} for biases and λ_W^{(ℓ)}/n_{ℓ−1} for weights.
 */
public final class NetworkSpec {
  private final int n0;
  private final int[] widths;
  private final Activation activation;
  private final double[] cb;
  private final double[] cw;
  private final double[] lambdaB;
  private final double[] lambdaW;

  /**
   * @param n0 input dimension
   * @param widths n₁..n_L (length L = depth)
   * @param cb, cw, lambdaB, lambdaW per layer, length L (use {@link #perLayer} to expand one value)
   * @throws SpecException on any non-positive size, NaN or negative variance, or inconsistent length
   */
  public NetworkSpec(int n0, int[] widths, Activation activation, double[] cb, double[] cw,
      double[] lambdaB, double[] lambdaW) {
    if (n0 <= 0) {
      throw new SpecException("--n0", "input dimension must be positive, got " + n0);
    }
    if (widths == null || widths.length == 0) {
      throw new SpecException("--depth", "depth must be positive");
    }
    for (int w : widths) {
      if (w <= 0) {
        throw new SpecException("--width", "widths must be positive, got " + w);
      }
    }
    if (activation == null) {
      throw new SpecException("--act", "activation missing");
    }
    int depth = widths.length;
    this.n0 = n0;
    this.widths = widths.clone();
    this.activation = activation;
    this.cb = checkLayerValues("--cb", cb, depth, true);
    this.cw = checkLayerValues("--cw", cw, depth, true);
    this.lambdaB = checkLayerValues("--lambda-b", lambdaB, depth, true);
    this.lambdaW = checkLayerValues("--lambda-w", lambdaW, depth, true);
  }

  private static double[] checkLayerValues(String field, double[] v, int depth, boolean nonNegative) {
    if (v == null || v.length != depth) {
      throw new SpecException(field, "needs one value or one per layer (" + depth + "), got "
          + (v == null ? 0 : v.length));
    }
    for (double x : v) {
      if (Double.isNaN(x) || Double.isInfinite(x)) {
        throw new SpecException(field, "must be a finite number, got " + x);
      }
      if (nonNegative && x < 0) {
        throw new SpecException(field, "must be non-negative, got " + x);
      }
    }
    return v.clone();
  }

  /** One value for every layer, or the given per-layer list checked for length. */
  public static double[] perLayer(String field, double[] values, int depth) {
    if (values.length == 1) {
      double[] out = new double[depth];
      Arrays.fill(out, values[0]);
      return out;
    }
    if (values.length != depth) {
      throw new SpecException(field, "needs one value or one per layer (" + depth + "), got "
          + values.length);
    }
    return values.clone();
  }

  /** Hidden widths from one value or a per-layer list, plus the output width. */
  public static int[] widths(int[] hidden, int depth, int outputWidth) {
    if (depth <= 0) {
      throw new SpecException("--depth", "depth must be positive, got " + depth);
    }
    int[] w = new int[depth];
    if (hidden.length == 1) {
      Arrays.fill(w, hidden[0]);
    } else if (hidden.length == depth - 1 || hidden.length == depth) {
      System.arraycopy(hidden, 0, w, 0, hidden.length);
    } else {
      throw new SpecException("--width", "needs one value or one per hidden layer (" + (depth - 1)
          + "), got " + hidden.length);
    }
    if (outputWidth > 0) {
      w[depth - 1] = outputWidth;
    }
    return w;
  }

  /** Depth L. */
  public int depth() {
    return widths.length;
  }

  /** Width n_ℓ for ℓ = 0..L (n₀ is the input dimension). */
  public int width(int layer) {
    return layer == 0 ? n0 : widths[layer - 1];
  }

  public int n0() {
    return n0;
  }

  public Activation activation() {
    return activation;
  }

  /** C_b^{(ℓ)}, ℓ = 1..L. */
  public double cb(int layer) {
    return cb[layer - 1];
  }

  /** C_W^{(ℓ)}, ℓ = 1..L. */
  public double cw(int layer) {
    return cw[layer - 1];
  }

  /** λ_b^{(ℓ)}, ℓ = 1..L. */
  public double lambdaB(int layer) {
    return lambdaB[layer - 1];
  }

  /** λ_W^{(ℓ)}, ℓ = 1..L (the weight learning rate is λ_W/n_{ℓ−1}). */
  public double lambdaW(int layer) {
    return lambdaW[layer - 1];
  }

  /** Copy with another depth-independent change of widths (same activation and per-layer values). */
  public int[] widths() {
    return widths.clone();
  }

  public double[] cbs() {
    return cb.clone();
  }

  public double[] cws() {
    return cw.clone();
  }

  public double[] lambdaBs() {
    return lambdaB.clone();
  }

  public double[] lambdaWs() {
    return lambdaW.clone();
  }

  /** Convenience: equal hidden width n, depth L, uniform hyper-parameters, output width n. */
  public static NetworkSpec uniform(int n0, int n, int depth, Activation act, double cb, double cw,
      double lambdaB, double lambdaW) {
    int[] w = new int[depth];
    Arrays.fill(w, n);
    return new NetworkSpec(n0, w, act, perLayer("--cb", new double[] {cb}, depth),
        perLayer("--cw", new double[] {cw}, depth), perLayer("--lambda-b", new double[] {lambdaB}, depth),
        perLayer("--lambda-w", new double[] {lambdaW}, depth));
  }

  @Override
  public String toString() {
    return "NetworkSpec{n0=" + n0 + ", widths=" + Arrays.toString(widths) + ", act=" + activation.name()
        + ", cb=" + Arrays.toString(cb) + ", cw=" + Arrays.toString(cw) + ", lambdaB="
        + Arrays.toString(lambdaB) + ", lambdaW=" + Arrays.toString(lambdaW) + "}";
  }
}

package org.rgflow.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rgflow.act.Activation;
import org.rgflow.layer.Dense;
import org.rgflow.layer.Layer;

/**
 * An MLP as the book writes it (PDLT §2, docs/THEORY.md §1): input width n₀, widths n₁..n_L (n_L is
 * the output width), one activation, and per-layer C_b, C_W, λ_b, λ_W.
 *
 * <p>Layers are numbered 1..L as in the book. Arrays indexed by layer have length L and hold layer ℓ
 * at index ℓ−1. Weights of layer ℓ have variance C_W^{(ℓ)}/n_{ℓ−1}, biases C_b^{(ℓ)}; the NTK
 * learning rates are λ_b^{(ℓ)} for biases and λ_W^{(ℓ)}/n_{ℓ−1} for weights.
 */
public final class NetworkSpec {
  private final int n0;
  private final Activation activation;
  private final List<Layer> layers;

  /**
   * An MLP of dense layers.
   *
   * @param n0 input dimension
   * @param widths n₁..n_L (length L = depth)
   * @param cb, cw, lambdaB, lambdaW per layer, length L (use {@link #perLayer} to expand one value)
   * @throws SpecException on any non-positive size, NaN or negative variance, or inconsistent length
   */
  public NetworkSpec(int n0, int[] widths, Activation activation, double[] cb, double[] cw,
      double[] lambdaB, double[] lambdaW) {
    this(n0, activation, dense(widths, cb, cw, lambdaB, lambdaW));
  }

  /**
   * A network of the given layers.
   *
   * @throws SpecException on any non-positive size, NaN or negative variance
   */
  public NetworkSpec(int n0, Activation activation, List<Layer> layers) {
    if (n0 <= 0) {
      throw new SpecException("--n0", "input dimension must be positive, got " + n0);
    }
    if (layers == null || layers.isEmpty()) {
      throw new SpecException("--depth", "depth must be positive");
    }
    for (Layer l : layers) {
      if (l.width() <= 0) {
        throw new SpecException("--width", "widths must be positive, got " + l.width());
      }
    }
    if (activation == null) {
      throw new SpecException("--act", "activation missing");
    }
    // field by field, as the flags are read
    layers.forEach(l -> checkValue("--cb", l.cb()));
    layers.forEach(l -> checkValue("--cw", l.cw()));
    layers.forEach(l -> checkValue("--lambda-b", l.lambdaB()));
    layers.forEach(l -> checkValue("--lambda-w", l.lambdaW()));
    this.n0 = n0;
    this.activation = activation;
    this.layers = List.copyOf(layers);
  }

  private static List<Layer> dense(int[] widths, double[] cb, double[] cw, double[] lambdaB,
      double[] lambdaW) {
    if (widths == null || widths.length == 0) {
      throw new SpecException("--depth", "depth must be positive");
    }
    int depth = widths.length;
    checkLength("--cb", cb, depth);
    checkLength("--cw", cw, depth);
    checkLength("--lambda-b", lambdaB, depth);
    checkLength("--lambda-w", lambdaW, depth);
    List<Layer> out = new ArrayList<>();
    for (int l = 0; l < depth; l++) {
      out.add(new Dense(widths[l], cb[l], cw[l], lambdaB[l], lambdaW[l]));
    }
    return out;
  }

  private static void checkLength(String field, double[] v, int depth) {
    if (v == null || v.length != depth) {
      throw new SpecException(field, "needs one value or one per layer (" + depth + "), got "
          + (v == null ? 0 : v.length));
    }
  }

  private static void checkValue(String field, double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      throw new SpecException(field, "must be a finite number, got " + x);
    }
    if (x < 0) {
      throw new SpecException(field, "must be non-negative, got " + x);
    }
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
    return layers.size();
  }

  /** Layer ℓ = 1..L. */
  public Layer layer(int layer) {
    return layers.get(layer - 1);
  }

  /** Layers 1..L. */
  public List<Layer> layers() {
    return layers;
  }

  /** Whether every layer is {@link Dense} (what the exact sampler and the device kernels implement). */
  public boolean allDense() {
    return layers.stream().allMatch(l -> l instanceof Dense);
  }

  /** Width n_ℓ for ℓ = 0..L (n₀ is the input dimension). */
  public int width(int layer) {
    return layer == 0 ? n0 : layers.get(layer - 1).width();
  }

  public int n0() {
    return n0;
  }

  public Activation activation() {
    return activation;
  }

  /** C_b^{(ℓ)}, ℓ = 1..L. */
  public double cb(int layer) {
    return layer(layer).cb();
  }

  /** C_W^{(ℓ)}, ℓ = 1..L. */
  public double cw(int layer) {
    return layer(layer).cw();
  }

  /** λ_b^{(ℓ)}, ℓ = 1..L. */
  public double lambdaB(int layer) {
    return layer(layer).lambdaB();
  }

  /** λ_W^{(ℓ)}, ℓ = 1..L (the weight learning rate is λ_W/n_{ℓ−1}). */
  public double lambdaW(int layer) {
    return layer(layer).lambdaW();
  }

  /** n₁..n_L. */
  public int[] widths() {
    return layers.stream().mapToInt(Layer::width).toArray();
  }

  public double[] cbs() {
    return layers.stream().mapToDouble(Layer::cb).toArray();
  }

  public double[] cws() {
    return layers.stream().mapToDouble(Layer::cw).toArray();
  }

  public double[] lambdaBs() {
    return layers.stream().mapToDouble(Layer::lambdaB).toArray();
  }

  public double[] lambdaWs() {
    return layers.stream().mapToDouble(Layer::lambdaW).toArray();
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
    return "NetworkSpec{n0=" + n0 + ", act=" + activation.name() + ", layers=" + layers + "}";
  }
}

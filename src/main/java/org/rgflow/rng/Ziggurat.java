package org.rgflow.rng;

/**
 * Standard Gaussians by the ziggurat method (Marsaglia and Tsang, <i>The ziggurat method for
 * generating random variables</i>, J. Stat. Softw. 5(8), 2000) from Philox words, for the exact
 * sampler's per-neuron NTK noise (docs/EXACT_SAMPLER.md §3). Not the contract's transform: weights and
 * biases of the direct sampler keep Box–Muller ({@link InitRng}); this one is about three times
 * cheaper per value and exact up to its 24-bit abscissae.
 *
 * <p>Geometry (N = 128 layers of equal area V under f(x) = exp(−x²/2), x ≥ 0): x_1 = r,
 * x_{i+1} = √(−2 ln(V/x_i + f(x_i))) for i = 1..N−2, x_N = 0, and the base x_0 = V/f(r) (layer 0 is
 * [0, r] × [0, f(r)] and the tail x &gt; r). r = 3.442619855899 and V = 9.91256303526217e-3 are the
 * paper's constants; {@link #closure} is the top layer's area error (≈ 1e-12 relative, tested).
 * Layer i ≥ 1 is [0, x_i] × [f(x_i), f(x_{i+1})].
 *
 * <p>Value k of row (c1, c2, c3): word k mod 4 of the Philox block (c0 = k / 4, c1, c2, c3) under the
 * contract's key, read as i = bits 0–6 (layer), s = bit 7 (sign), u = (bits 8–31 + ½)·2^-24;
 * x = u·x_i. If x &lt; x_{i+1} the value is ±x (about 98.8% of values). Otherwise attempt t = 0, 1,
 * … reads the block (c0 = 2^31 | 64k + t, c1, c2, c3), words (w0, w1, w2, w3):
 * <ul>
 *   <li>layer 0 (the tail): a = −ln U(w0)/r, b = −ln U(w1); if 2b ≥ a² the value is ±(r + a), else
 *       the next attempt tries the tail again (Marsaglia's tail method);
 *   <li>layer i ≥ 1 (a wedge): y = f(x_i) + U(w0)·(f(x_{i+1}) − f(x_i)); if y &lt; f(x) the value is
 *       ±x; else w1 is a new candidate (i, s, u as above), accepted by the x &lt; x_{i+1} test, or
 *       taken on by the next attempt.
 * </ul>
 * U(w) = (w + ½)·2^-32 (w unsigned). ln and exp are {@link StrictMath}'s and the table is built
 * with them, so every value is the same on every JVM. More than {@value #MAX_ATTEMPTS} attempts
 * (probability below 10^-100) throws rather than return a biased value.
 */
public final class Ziggurat {
  static final int LAYERS = 128;
  static final double R = 3.442619855899;
  static final double V = 9.91256303526217e-3;
  /** Attempts per value before giving up (the low 6 bits of the retry counter's c0). */
  public static final int MAX_ATTEMPTS = 64;
  /** Largest row length: k·64 + t must stay below 2^31. */
  public static final int MAX_ROW = 1 << 25;

  /** x_0 … x_N. */
  static final double[] X = new double[LAYERS + 1];
  /** f(x_i), with f(x_N) = 1. */
  static final double[] F = new double[LAYERS + 1];
  /** x_{N−1}(1 − f(x_{N−1})) / V − 1: how far the top layer's area is from V. */
  static final double closure;

  private static final double U24 = 0x1p-24;
  private static final double U32 = 0x1p-32;
  private static final long MASK = 0xFFFFFFFFL;

  static {
    double fr = StrictMath.exp(-0.5 * R * R);
    X[0] = V / fr;
    X[1] = R;
    for (int i = 1; i < LAYERS - 1; i++) {
      X[i + 1] = StrictMath.sqrt(-2 * StrictMath.log(V / X[i] + StrictMath.exp(-0.5 * X[i] * X[i])));
    }
    X[LAYERS] = 0;
    for (int i = 0; i < LAYERS; i++) {
      F[i] = StrictMath.exp(-0.5 * X[i] * X[i]);
    }
    F[LAYERS] = 1;
    closure = X[LAYERS - 1] * (1 - F[LAYERS - 1]) / V - 1;
  }

  private Ziggurat() {}

  /**
   * Values k = 0..n−1 of the row (c1 = row, c2, c3 = network) under seed's key: out[dst[k]] =
   * value k for the lanes with dst[k] != skip (dst null: out[k], every lane). words needs
   * 4⌈n/4⌉ ints.
   */
  public static void row(long seed, long network, int c2, int row, int n, int[] dst, int skip,
      int[] words, double[] out) {
    if (n > MAX_ROW) {
      throw new IllegalArgumentException("ziggurat rows hold at most 2^25 values, got " + n);
    }
    int c3 = (int) network;
    Philox4x32.words(seed, row, c2, c3, (n + 3) >>> 2, words);
    // the rare lanes that fail the box test go through slowWord (about 1.2%)
    double[] x = X;
    for (int k = 0; k < n; k++) {
      int w = words[k];
      int i = w & (LAYERS - 1);
      double v = ((w >>> 8) + 0.5) * U24 * x[i];
      if (v < x[i + 1]) {
        // the sign bit set from bit 7, without a branch (its value is a coin flip)
        double g = Double.longBitsToDouble(Double.doubleToRawLongBits(v) | ((long) (w & 0x80) << 56));
        if (dst == null) {
          out[k] = g;
        } else if (dst[k] != skip) {
          out[dst[k]] = g;
        }
      } else {
        slowWord(seed, row, c2, c3, k, w, dst, skip, out);
      }
    }
  }

  private static void slowWord(long seed, int row, int c2, int c3, int k, int w, int[] dst,
      int skip, double[] out) {
    int d = dst == null ? k : dst[k];
    if (d == skip) {
      return;
    }
    int i = w & (LAYERS - 1);
    double v = slow(seed, row, c2, c3, k, i, ((w >>> 8) + 0.5) * U24 * X[i]);
    out[d] = (w & 0x80) != 0 ? -v : v;
  }

  /** |value| after a failed box test of layer i at abscissa x (sign applied by the caller). */
  private static double slow(long seed, int c1, int c2, int c3, int k, int i, double x) {
    int[] b = new int[4];
    int k0 = (int) seed;
    int k1 = (int) (seed >>> 32);
    int layer = i;
    double xx = x;
    for (int t = 0; t < MAX_ATTEMPTS; t++) {
      Philox4x32.block(0x80000000 | (k << 6) | t, c1, c2, c3, k0, k1, b);
      if (layer == 0) {
        double a = -StrictMath.log(uniform(b[0])) / R;
        double c = -StrictMath.log(uniform(b[1]));
        if (c + c >= a * a) {
          return R + a;
        }
        continue;
      }
      double y = F[layer] + uniform(b[0]) * (F[layer + 1] - F[layer]);
      if (below(y, -0.5 * xx * xx)) {
        return xx;
      }
      int w = b[1];
      layer = w & (LAYERS - 1);
      double u = ((w >>> 8) + 0.5) * U24;
      xx = u * X[layer];
      if (xx < X[layer + 1]) {
        return xx;
      }
    }
    throw new IllegalStateException("ziggurat: no acceptance in " + MAX_ATTEMPTS + " attempts");
  }

  /**
   * {@code y < StrictMath.exp(t)}, decided by the faster {@link Math#exp} where the answer cannot
   * depend on which of the two is used: both are within 1 ulp of e^t (their specifications), so
   * they differ by under 2 ulp, far less than the relative margin {@value #EXP_MARGIN}; only a y
   * inside that margin asks StrictMath. Here t ≥ −R²/2, so e^t is a normal double.
   */
  static boolean below(double y, double t) {
    double m = Math.exp(t);
    if (y < m * (1 - EXP_MARGIN)) {
      return true;
    }
    if (y > m * (1 + EXP_MARGIN)) {
      return false;
    }
    return y < StrictMath.exp(t);
  }

  static final double EXP_MARGIN = 1e-13;

  private static double uniform(int w) {
    return ((w & MASK) + 0.5) * U32;
  }
}

package org.rgflow.rng;

/**
 * The randomness contract (docs/RANDOMNESS.md): every weight W^{(ℓ)}_{ij} and bias b^{(ℓ)}_i of
 * network e is a pure function of (seed, e, ℓ, i, j). All backends (CPU reference, CUDA, OpenCL)
 * implement exactly this map; nothing else about a run may influence a parameter.
 *
 * <pre>
 *   key     = (k0, k1) = (low 32 bits of seed, high 32 bits of seed)
 *   weight  counter = (c0 = j / 4,  c1 = i,  c2 = ℓ,             c3 = e),  lane = j mod 4
 *   bias    counter = (c0 = i / 4,  c1 = 0,  c2 = ℓ | 0x80000000, c3 = e),  lane = i mod 4
 *   (x0, x1, x2, x3) = Philox4x32-10(counter, key)
 *   u_t = (x_t + 0.5) · 2^-32  (x_t unsigned; exact in double, u ∈ (0, 1))
 *   r01 = √(−2 ln u0),  g0 = r01 cos 2πu1,  g1 = r01 sin 2πu1
 *   r23 = √(−2 ln u2),  g2 = r23 cos 2πu3,  g3 = r23 sin 2πu3
 *   W^{(ℓ)}_{ij} = √(C_W^{(ℓ)}/n_{ℓ−1}) · g_lane,   b^{(ℓ)}_i = √(C_b^{(ℓ)}) · g_lane
 * </pre>
 * Indices are 0-based for neurons i, j and network e; ℓ = 1..L is the book's layer number. ln, sin
 * and cos are those of {@link GaussMath}; √ is the IEEE square root. The unit-variance Gaussians
 * g are what this class returns; the caller applies the scale.
 */
public final class InitRng {
  /** Bit 31 of counter word c2 marks a bias draw ({@link Streams#BIAS}). */
  public static final int BIAS_FLAG = Streams.BIAS;
  /** Largest ensemble size the contract supports (c3 is 32 bits). */
  public static final long MAX_NETWORKS = 1L << 32;

  private static final long MASK = 0xFFFFFFFFL;
  private static final double TWO_M32 = 0x1p-32;

  private InitRng() {}

  /** u = (x + 0.5)·2^-32 for x read as unsigned. */
  public static double uniform(int x) {
    return ((x & MASK) + 0.5) * TWO_M32;
  }

  /**
   * Standard Gaussians g_ij of row i of layer ℓ for j = 0..nIn−1, into {@code out[0..nIn)}. This is
   * the hot loop of every backend: ⌈nIn/4⌉ Philox blocks, two logarithms, two square roots and two
   * sine-cosine pairs per block.
   */
  public static void weightRow(long seed, long network, int layer, int row, int nIn, double[] out) {
    fill(seed, row, layer, (int) network, nIn, out);
  }

  /**
   * The same Gaussians as {@link #weightRow} (bit for bit), but only those of the Box–Muller pairs
   * listed, each written where the caller wants it: for p = pairs[0..count), lanes j = 2p and
   * 2p + 1 go to {@code out[dst[j]]}. dst needs an entry for every lane of a listed pair (lanes past
   * nIn too; point unwanted lanes at a spare slot). Every Philox block of the row is computed into
   * {@code uniforms} (length ≥ 4⌈nIn/4⌉); the Box–Muller transforms, most of the cost, only for the
   * listed pairs. For samplers that need part of a row (the exact sampler's noise, where a neuron
   * that no input activates is never read).
   */
  public static void weightRowPairs(long seed, long network, int layer, int row, int nIn,
      int[] pairs, int count, int[] dst, double[] uniforms, double[] out) {
    uniforms(seed, row, layer, (int) network, (nIn + 3) >>> 2, uniforms);
    double[] g = new double[2];
    for (int t = 0; t < count; t++) {
      int j = pairs[t] << 1;
      double r = Math.sqrt(-2.0 * GaussMath.ln(uniforms[j]));
      GaussMath.polar(r, uniforms[j + 1], g, 0);
      out[dst[j]] = g[0];
      out[dst[j + 1]] = g[1];
    }
  }

  /** Philox words per thread, reused across calls (grown as needed). */
  private static final ThreadLocal<int[]> WORDS = ThreadLocal.withInitial(() -> new int[64]);

  /** The uniforms u_t of counter blocks c0 = 0..blocks−1, lane t of block c0 at 4·c0 + t. */
  private static void uniforms(long seed, int c1In, int c2In, int c3In, int blocks, double[] out) {
    int[] w = WORDS.get();
    if (w.length < 4 * blocks) {
      w = new int[4 * blocks];
      WORDS.set(w);
    }
    Philox4x32.words(seed, c1In, c2In, c3In, blocks, w);
    for (int j = 0; j < 4 * blocks; j++) {
      out[j] = ((w[j] & MASK) + 0.5) * TWO_M32;
    }
  }

  /** Standard Gaussians of the biases b^{(ℓ)}_i, i = 0..n−1, into {@code out[0..n)}. */
  public static void biases(long seed, long network, int layer, int n, double[] out) {
    fill(seed, 0, layer | BIAS_FLAG, (int) network, n, out);
  }

  /** One standard Gaussian g of weight W^{(ℓ)}_{ij} (slow path, for tests and cross-checks). */
  public static double weightGaussian(long seed, long network, int layer, int i, int j) {
    double[] g = new double[4];
    gaussians4(seed, j >>> 2, i, layer, (int) network, g);
    return g[j & 3];
  }

  /** One standard Gaussian g of bias b^{(ℓ)}_i. */
  public static double biasGaussian(long seed, long network, int layer, int i) {
    double[] g = new double[4];
    gaussians4(seed, i >>> 2, 0, layer | BIAS_FLAG, (int) network, g);
    return g[i & 3];
  }

  /** The four Gaussians g0..g3 of one counter, into {@code out[0..3]}. */
  public static void gaussians4(long seed, int c0, int c1, int c2, int c3, double[] out) {
    int[] x = new int[4];
    Philox4x32.block(c0, c1, c2, c3, (int) seed, (int) (seed >>> 32), x);
    GaussMath.polar(Math.sqrt(-2.0 * GaussMath.ln(uniform(x[0]))), uniform(x[1]), out, 0);
    GaussMath.polar(Math.sqrt(-2.0 * GaussMath.ln(uniform(x[2]))), uniform(x[3]), out, 2);
  }

  /**
   * Counter blocks c0 = 0..⌈n/4⌉−1 with fixed (c1, c2, c3). Two phases for instruction-level
   * parallelism: (1) every full block's four uniforms into {@code out} ({@link #uniforms}, Philox
   * inlined, two chains at a time), (2) Box–Muller in place, pair by pair; a partial last block is
   * done on its own (bit for bit the same numbers as before this split: a hash over widths 1–1027).
   */
  private static void fill(long seed, int c1In, int c2In, int c3In, int n, double[] out) {
    int full = n >>> 2;
    uniforms(seed, c1In, c2In, c3In, full, out);
    if ((n & 3) != 0) {
      int[] x = new int[4];
      Philox4x32.block(full, c1In, c2In, c3In, (int) seed, (int) (seed >>> 32), x);
      tail(x[0], x[1], x[2], x[3], n - (full << 2), out, full << 2);
    }
    int pairs = full << 2;
    for (int j = 0; j < pairs; j += 2) {
      double r = Math.sqrt(-2.0 * GaussMath.ln(out[j]));
      GaussMath.polar(r, out[j + 1], out, j);
    }
  }

  private static void tail(int x0, int x1, int x2, int x3, int count, double[] out, int j) {
    double[] g = new double[4];
    GaussMath.polar(Math.sqrt(-2.0 * GaussMath.ln(uniform(x0))), uniform(x1), g, 0);
    GaussMath.polar(Math.sqrt(-2.0 * GaussMath.ln(uniform(x2))), uniform(x3), g, 2);
    System.arraycopy(g, 0, out, j, count);
  }
}

package org.rgflow.exact;

/**
 * Dot products over [from, to) in one fixed order that four-lane vector code computes directly, for
 * the per-neuron NTK sweep's Grams and cross products (docs/EXACT_SAMPLER.md §2, "Kernels").
 *
 * <p>The order of every entry x·y: four partial sums p_t, t = 0..3, over j = from + 4i + t for
 * i = 0, 1, … while from + 4i + 3 &lt; to, each accumulated with {@link Math#fma} in increasing i
 * from +0; then s = (p_0 + p_1) + (p_2 + p_3); then s = fma(x_j, y_j, s) for the last (to − from) mod 4
 * indices in increasing j. It is a function of the rows and of from and to alone, so network e stays
 * a pure function of (seed, e), independent of threads and chunks and of the machine: the vector
 * path ({@code DenseVec}, jdk.incubator.vector, lanes of 256 bits on every machine) and the scalar
 * path here give the same bits ({@code Dense4Test}), and a run without the Vector API module takes
 * the scalar path (slower, same numbers). It differs from {@link Dense}'s single-accumulator order
 * in the last bits; the Gram sweep keeps {@link Dense}.
 *
 * <p>Why: {@link Dense}'s 4 × 4 kernels keep one scalar accumulator per entry, so the two FMA ports
 * do 16 scalar products per neuron j. With the partial sums in vector lanes a 4 × 2 block does 8
 * products of 4 neurons each per step.
 */
final class Dense4 {
  private Dense4() {}

  /** Whether the vector path runs (the module is present and -Drgflow.simd is not "off"). */
  static final boolean VECTOR = vectorAvailable();

  private static boolean vectorAvailable() {
    if ("off".equalsIgnoreCase(System.getProperty("rgflow.simd", ""))) {
      return false;
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return false;
    }
    try {
      return DenseVec.probe();
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }

  /** c[a][k] = x_a·y_k over [from, to) for a &lt; m, k &lt; q, in the order above. */
  static void cross(double[][] x, int m, double[][] y, int q, int from, int to, double[][] c) {
    if (VECTOR) {
      DenseVec.cross(x, m, y, q, from, to, c);
    } else {
      crossScalar(x, m, y, q, from, to, c);
    }
  }

  /**
   * g[a][b] = x_a·x_b over [from, to) for b ≤ a &lt; m (entries above the diagonal inside diagonal
   * blocks may be written too; callers read b ≤ a), in the order above.
   */
  static void gramLower(double[][] x, int m, int from, int to, double[][] g) {
    if (VECTOR) {
      DenseVec.gramLower(x, m, from, to, g);
    } else {
      for (int a = 0; a < m; a++) {
        for (int b = 0; b <= a; b++) {
          g[a][b] = dot(x[a], x[b], from, to);
        }
      }
    }
  }

  static void crossScalar(double[][] x, int m, double[][] y, int q, int from, int to, double[][] c) {
    for (int a = 0; a < m; a++) {
      for (int k = 0; k < q; k++) {
        c[a][k] = dot(x[a], y[k], from, to);
      }
    }
  }

  /** x·y over [from, to) in the order of the class comment (the reference). */
  static double dot(double[] x, double[] y, int from, int to) {
    double p0 = 0;
    double p1 = 0;
    double p2 = 0;
    double p3 = 0;
    int j = from;
    for (; j + 3 < to; j += 4) {
      p0 = Math.fma(x[j], y[j], p0);
      p1 = Math.fma(x[j + 1], y[j + 1], p1);
      p2 = Math.fma(x[j + 2], y[j + 2], p2);
      p3 = Math.fma(x[j + 3], y[j + 3], p3);
    }
    double s = (p0 + p1) + (p2 + p3);
    for (; j < to; j++) {
      s = Math.fma(x[j], y[j], s);
    }
    return s;
  }
}

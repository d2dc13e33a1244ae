package org.rgflow.exact;

/**
 * The exact sampler's long-vector kernels: Gram matrices, cross products and linear combinations of
 * rows of length n (the layer width), register-blocked so that the JIT keeps 16 partial sums in
 * registers and reads each row once per block of four instead of once per pair.
 *
 * <p>Determinism: every output entry is a sum over j in increasing order with one accumulator and
 * {@link Math#fma} (exactly rounded by its specification, so the same bits on every machine),
 * computed by a kernel chosen from the indices and the sizes alone: a fixed function of the rows,
 * never of threads or chunking. The order differs from {@code Sums.dot}'s four partial sums, so
 * values can differ from it in the last bits.
 *
 * <p>Napkin (one core, n = 1024): a 4 × 4 block reads 8 rows and does 16 fused multiply-adds per j;
 * the two FMA ports, not the loads, are then the limit, about 4× the per-pair dot (measured 3.5–4.5×
 * for 56 vectors). Math.fma is a single instruction on every x86-64 CPU since 2013 and on ARMv8; a
 * JVM without the intrinsic computes the same values, much more slowly.
 */
final class Dense {
  private Dense() {}

  /**
   * Lower triangle g[a][b] = Σ_{from ≤ j &lt; to} x_a[j] x_b[j] for b ≤ a &lt; m. Entries above the
   * diagonal inside the diagonal 4 × 4 blocks may be written too (callers read only b ≤ a).
   */
  static void gramLower(double[][] x, int m, int from, int to, double[][] g) {
    int m4 = m & ~3;
    double[] o = new double[4];
    for (int a = 0; a < m4; a += 4) {
      for (int b = 0; b <= a; b += 4) {
        block44(x[a], x[a + 1], x[a + 2], x[a + 3], x[b], x[b + 1], x[b + 2], x[b + 3], from, to, g, a, b);
      }
    }
    for (int a = m4; a < m; a++) {
      double[] xa = x[a];
      double[] ga = g[a];
      for (int b = 0; b < m4; b += 4) {
        block41(x[b], x[b + 1], x[b + 2], x[b + 3], xa, from, to, o);
        ga[b] = o[0];
        ga[b + 1] = o[1];
        ga[b + 2] = o[2];
        ga[b + 3] = o[3];
      }
      for (int b = m4; b <= a; b++) {
        ga[b] = dot(xa, x[b], from, to);
      }
    }
  }

  /** c[a][k] = Σ_{from ≤ j &lt; to} x_a[j] y_k[j] for a &lt; m, k &lt; q. */
  static void cross(double[][] x, int m, double[][] y, int q, int from, int to, double[][] c) {
    int m4 = m & ~3;
    int q4 = q & ~3;
    double[] o = new double[4];
    for (int a = 0; a < m4; a += 4) {
      for (int k = 0; k < q4; k += 4) {
        block44(x[a], x[a + 1], x[a + 2], x[a + 3], y[k], y[k + 1], y[k + 2], y[k + 3], from, to, c, a, k);
      }
      int k = q4;
      if (q - k >= 2) {
        block42(x[a], x[a + 1], x[a + 2], x[a + 3], y[k], y[k + 1], from, to, c, a, k);
        k += 2;
      }
      for (; k < q; k++) {
        block41(x[a], x[a + 1], x[a + 2], x[a + 3], y[k], from, to, o);
        c[a][k] = o[0];
        c[a + 1][k] = o[1];
        c[a + 2][k] = o[2];
        c[a + 3][k] = o[3];
      }
    }
    for (int a = m4; a < m; a++) {
      double[] ca = c[a];
      for (int k = 0; k < q4; k += 4) {
        block41(y[k], y[k + 1], y[k + 2], y[k + 3], x[a], from, to, o);
        ca[k] = o[0];
        ca[k + 1] = o[1];
        ca[k + 2] = o[2];
        ca[k + 3] = o[3];
      }
      for (int k = q4; k < q; k++) {
        ca[k] = dot(x[a], y[k], from, to);
      }
    }
  }

  /**
   * out[j] = Σ_t coef[t]·rows[t][j] for from ≤ j &lt; to over t &lt; count (zero for count = 0),
   * four rows per pass: ((out + c0 r0) + c1 r1) + … in increasing t.
   */
  static void combine(double[][] rows, double[] coef, int count, int from, int to, double[] out) {
    int t = 0;
    if (count == 0) {
      java.util.Arrays.fill(out, from, to, 0);
      return;
    }
    boolean first = true;
    for (; t + 3 < count; t += 4) {
      double c0 = coef[t];
      double c1 = coef[t + 1];
      double c2 = coef[t + 2];
      double c3 = coef[t + 3];
      double[] r0 = rows[t];
      double[] r1 = rows[t + 1];
      double[] r2 = rows[t + 2];
      double[] r3 = rows[t + 3];
      if (first) {
        for (int j = from; j < to; j++) {
          out[j] = Math.fma(c3, r3[j], Math.fma(c2, r2[j], Math.fma(c1, r1[j], c0 * r0[j])));
        }
        first = false;
      } else {
        for (int j = from; j < to; j++) {
          out[j] = Math.fma(c3, r3[j], Math.fma(c2, r2[j], Math.fma(c1, r1[j], Math.fma(c0, r0[j], out[j]))));
        }
      }
    }
    int left = count - t;
    if (left == 0) {
      return;
    }
    double c0 = coef[t];
    double[] r0 = rows[t];
    if (left == 1) {
      if (first) {
        for (int j = from; j < to; j++) {
          out[j] = c0 * r0[j];
        }
      } else {
        for (int j = from; j < to; j++) {
          out[j] = Math.fma(c0, r0[j], out[j]);
        }
      }
      return;
    }
    double c1 = coef[t + 1];
    double[] r1 = rows[t + 1];
    if (left == 2) {
      if (first) {
        for (int j = from; j < to; j++) {
          out[j] = Math.fma(c1, r1[j], c0 * r0[j]);
        }
      } else {
        for (int j = from; j < to; j++) {
          out[j] = Math.fma(c1, r1[j], Math.fma(c0, r0[j], out[j]));
        }
      }
      return;
    }
    double c2 = coef[t + 2];
    double[] r2 = rows[t + 2];
    if (first) {
      for (int j = from; j < to; j++) {
        out[j] = Math.fma(c2, r2[j], Math.fma(c1, r1[j], c0 * r0[j]));
      }
    } else {
      for (int j = from; j < to; j++) {
        out[j] = Math.fma(c2, r2[j], Math.fma(c1, r1[j], Math.fma(c0, r0[j], out[j])));
      }
    }
  }

  /** Σ_{from ≤ j &lt; to} x_j y_j, one accumulator in increasing j. */
  static double dot(double[] x, double[] y, int from, int to) {
    double s = 0;
    for (int j = from; j < to; j++) {
      s = Math.fma(x[j], y[j], s);
    }
    return s;
  }

  /** o[r] = x_r·y for r = 0..3. */
  private static void block41(double[] x0, double[] x1, double[] x2, double[] x3, double[] y,
      int from, int to, double[] o) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    for (int j = from; j < to; j++) {
      double q = y[j];
      s0 = Math.fma(x0[j], q, s0);
      s1 = Math.fma(x1[j], q, s1);
      s2 = Math.fma(x2[j], q, s2);
      s3 = Math.fma(x3[j], q, s3);
    }
    o[0] = s0;
    o[1] = s1;
    o[2] = s2;
    o[3] = s3;
  }

  /** g[a + r][b + c] = x_r·y_c for r = 0..3, c = 0, 1. */
  private static void block42(double[] x0, double[] x1, double[] x2, double[] x3, double[] y0,
      double[] y1, int from, int to, double[][] g, int a, int b) {
    double s00 = 0;
    double s01 = 0;
    double s10 = 0;
    double s11 = 0;
    double s20 = 0;
    double s21 = 0;
    double s30 = 0;
    double s31 = 0;
    for (int j = from; j < to; j++) {
      double q0 = y0[j];
      double q1 = y1[j];
      double p0 = x0[j];
      double p1 = x1[j];
      double p2 = x2[j];
      double p3 = x3[j];
      s00 = Math.fma(p0, q0, s00);
      s01 = Math.fma(p0, q1, s01);
      s10 = Math.fma(p1, q0, s10);
      s11 = Math.fma(p1, q1, s11);
      s20 = Math.fma(p2, q0, s20);
      s21 = Math.fma(p2, q1, s21);
      s30 = Math.fma(p3, q0, s30);
      s31 = Math.fma(p3, q1, s31);
    }
    g[a][b] = s00;
    g[a][b + 1] = s01;
    g[a + 1][b] = s10;
    g[a + 1][b + 1] = s11;
    g[a + 2][b] = s20;
    g[a + 2][b + 1] = s21;
    g[a + 3][b] = s30;
    g[a + 3][b + 1] = s31;
  }

  /** g[a + r][b + c] = x_r·y_c for r, c = 0..3. */
  private static void block44(double[] x0, double[] x1, double[] x2, double[] x3, double[] y0,
      double[] y1, double[] y2, double[] y3, int from, int to, double[][] g, int a, int b) {
    double s00 = 0;
    double s01 = 0;
    double s02 = 0;
    double s03 = 0;
    double s10 = 0;
    double s11 = 0;
    double s12 = 0;
    double s13 = 0;
    double s20 = 0;
    double s21 = 0;
    double s22 = 0;
    double s23 = 0;
    double s30 = 0;
    double s31 = 0;
    double s32 = 0;
    double s33 = 0;
    for (int j = from; j < to; j++) {
      double p0 = x0[j];
      double p1 = x1[j];
      double p2 = x2[j];
      double p3 = x3[j];
      double q0 = y0[j];
      double q1 = y1[j];
      double q2 = y2[j];
      double q3 = y3[j];
      s00 = Math.fma(p0, q0, s00);
      s01 = Math.fma(p0, q1, s01);
      s02 = Math.fma(p0, q2, s02);
      s03 = Math.fma(p0, q3, s03);
      s10 = Math.fma(p1, q0, s10);
      s11 = Math.fma(p1, q1, s11);
      s12 = Math.fma(p1, q2, s12);
      s13 = Math.fma(p1, q3, s13);
      s20 = Math.fma(p2, q0, s20);
      s21 = Math.fma(p2, q1, s21);
      s22 = Math.fma(p2, q2, s22);
      s23 = Math.fma(p2, q3, s23);
      s30 = Math.fma(p3, q0, s30);
      s31 = Math.fma(p3, q1, s31);
      s32 = Math.fma(p3, q2, s32);
      s33 = Math.fma(p3, q3, s33);
    }
    double[] g0 = g[a];
    double[] g1 = g[a + 1];
    double[] g2 = g[a + 2];
    double[] g3 = g[a + 3];
    g0[b] = s00;
    g0[b + 1] = s01;
    g0[b + 2] = s02;
    g0[b + 3] = s03;
    g1[b] = s10;
    g1[b + 1] = s11;
    g1[b + 2] = s12;
    g1[b + 3] = s13;
    g2[b] = s20;
    g2[b + 1] = s21;
    g2[b + 2] = s22;
    g2[b + 3] = s23;
    g3[b] = s30;
    g3[b + 1] = s31;
    g3[b + 2] = s32;
    g3[b + 3] = s33;
  }
}

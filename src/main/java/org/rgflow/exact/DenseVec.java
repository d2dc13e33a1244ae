package org.rgflow.exact;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Dense4}'s kernels on the Vector API: lane t of an accumulator is the partial sum p_t of
 * {@link Dense4}'s order (always 256-bit vectors, four lanes, whatever the machine prefers, so the
 * order and the bits do not depend on the machine). Lanewise fma is exactly {@link Math#fma}; the
 * lanes are reduced as (p_0 + p_1) + (p_2 + p_3) and the tail is added in scalar code, as in
 * {@link Dense4#dot}. Loaded only through {@link Dense4} (the module may be absent).
 */
final class DenseVec {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;

  private DenseVec() {}

  /** True when the species has four lanes (loading this class also checks the module links). */
  static boolean probe() {
    return S.length() == 4;
  }

  private static double fold(DoubleVector v) {
    return (v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3));
  }

  private static double tail(double[] x, double[] y, int j, int to, double s) {
    for (; j < to; j++) {
      s = Math.fma(x[j], y[j], s);
    }
    return s;
  }

  static void cross(double[][] x, int m, double[][] y, int q, int from, int to, double[][] c) {
    int m4 = m & ~3;
    int q2 = q & ~1;
    for (int a = 0; a < m4; a += 4) {
      for (int k = 0; k < q2; k += 2) {
        k42(x[a], x[a + 1], x[a + 2], x[a + 3], y[k], y[k + 1], from, to, c, a, k);
      }
      if (q2 < q) {
        for (int r = 0; r < 4; r++) {
          c[a + r][q2] = k11(x[a + r], y[q2], from, to);
        }
      }
    }
    for (int a = m4; a < m; a++) {
      for (int k = 0; k < q; k++) {
        c[a][k] = k11(x[a], y[k], from, to);
      }
    }
  }

  static void gramLower(double[][] x, int m, int from, int to, double[][] g) {
    int m4 = m & ~3;
    for (int a = 0; a < m4; a += 4) {
      for (int b = 0; b < a; b += 2) {
        k42(x[a], x[a + 1], x[a + 2], x[a + 3], x[b], x[b + 1], from, to, g, a, b);
      }
      diag4(x[a], x[a + 1], x[a + 2], x[a + 3], from, to, g, a);
    }
    for (int a = m4; a < m; a++) {
      for (int b = 0; b <= a; b++) {
        g[a][b] = k11(x[a], x[b], from, to);
      }
    }
  }

  private static double k11(double[] x, double[] y, int from, int to) {
    DoubleVector s = DoubleVector.zero(S);
    int j = from;
    for (; j + 3 < to; j += 4) {
      s = DoubleVector.fromArray(S, x, j).fma(DoubleVector.fromArray(S, y, j), s);
    }
    return tail(x, y, j, to, fold(s));
  }

  /** g[a + r][b + c] = x_r·y_c, r = 0..3, c = 0, 1. */
  private static void k42(double[] x0, double[] x1, double[] x2, double[] x3, double[] y0,
      double[] y1, int from, int to, double[][] g, int a, int b) {
    DoubleVector s00 = DoubleVector.zero(S);
    DoubleVector s01 = s00;
    DoubleVector s10 = s00;
    DoubleVector s11 = s00;
    DoubleVector s20 = s00;
    DoubleVector s21 = s00;
    DoubleVector s30 = s00;
    DoubleVector s31 = s00;
    int j = from;
    for (; j + 3 < to; j += 4) {
      DoubleVector q0 = DoubleVector.fromArray(S, y0, j);
      DoubleVector q1 = DoubleVector.fromArray(S, y1, j);
      DoubleVector p = DoubleVector.fromArray(S, x0, j);
      s00 = p.fma(q0, s00);
      s01 = p.fma(q1, s01);
      p = DoubleVector.fromArray(S, x1, j);
      s10 = p.fma(q0, s10);
      s11 = p.fma(q1, s11);
      p = DoubleVector.fromArray(S, x2, j);
      s20 = p.fma(q0, s20);
      s21 = p.fma(q1, s21);
      p = DoubleVector.fromArray(S, x3, j);
      s30 = p.fma(q0, s30);
      s31 = p.fma(q1, s31);
    }
    g[a][b] = tail(x0, y0, j, to, fold(s00));
    g[a][b + 1] = tail(x0, y1, j, to, fold(s01));
    g[a + 1][b] = tail(x1, y0, j, to, fold(s10));
    g[a + 1][b + 1] = tail(x1, y1, j, to, fold(s11));
    g[a + 2][b] = tail(x2, y0, j, to, fold(s20));
    g[a + 2][b + 1] = tail(x2, y1, j, to, fold(s21));
    g[a + 3][b] = tail(x3, y0, j, to, fold(s30));
    g[a + 3][b + 1] = tail(x3, y1, j, to, fold(s31));
  }

  /** The lower triangle of the 4 × 4 Gram of x0..x3 into g[a + r][a + c], c ≤ r. */
  private static void diag4(double[] x0, double[] x1, double[] x2, double[] x3, int from, int to,
      double[][] g, int a) {
    DoubleVector s00 = DoubleVector.zero(S);
    DoubleVector s10 = s00;
    DoubleVector s11 = s00;
    DoubleVector s20 = s00;
    DoubleVector s21 = s00;
    DoubleVector s22 = s00;
    DoubleVector s30 = s00;
    DoubleVector s31 = s00;
    DoubleVector s32 = s00;
    DoubleVector s33 = s00;
    int j = from;
    for (; j + 3 < to; j += 4) {
      DoubleVector p0 = DoubleVector.fromArray(S, x0, j);
      DoubleVector p1 = DoubleVector.fromArray(S, x1, j);
      DoubleVector p2 = DoubleVector.fromArray(S, x2, j);
      DoubleVector p3 = DoubleVector.fromArray(S, x3, j);
      s00 = p0.fma(p0, s00);
      s10 = p1.fma(p0, s10);
      s11 = p1.fma(p1, s11);
      s20 = p2.fma(p0, s20);
      s21 = p2.fma(p1, s21);
      s22 = p2.fma(p2, s22);
      s30 = p3.fma(p0, s30);
      s31 = p3.fma(p1, s31);
      s32 = p3.fma(p2, s32);
      s33 = p3.fma(p3, s33);
    }
    g[a][a] = tail(x0, x0, j, to, fold(s00));
    g[a + 1][a] = tail(x1, x0, j, to, fold(s10));
    g[a + 1][a + 1] = tail(x1, x1, j, to, fold(s11));
    g[a + 2][a] = tail(x2, x0, j, to, fold(s20));
    g[a + 2][a + 1] = tail(x2, x1, j, to, fold(s21));
    g[a + 2][a + 2] = tail(x2, x2, j, to, fold(s22));
    g[a + 3][a] = tail(x3, x0, j, to, fold(s30));
    g[a + 3][a + 1] = tail(x3, x1, j, to, fold(s31));
    g[a + 3][a + 2] = tail(x3, x2, j, to, fold(s32));
    g[a + 3][a + 3] = tail(x3, x3, j, to, fold(s33));
  }
}

package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Exact tolerance (exact kind): the semidefinite Cholesky reproduces rank-deficient
 * PSD matrices, reports their rank, and its generalized inverse satisfies G G⁻ G = G to 1e-12
 * (rounding of 3×3 to 6×6 products of O(1) numbers). Run: {@code mvn -q test -Dtest=PsdTest}.
 */
class PsdTest {
  /** G = AᵀA for A (r × d): rank min(r, d). */
  private static double[][] gram(double[][] a, int d) {
    double[][] g = new double[d][d];
    for (double[] row : a) {
      for (int i = 0; i < d; i++) {
        for (int k = 0; k < d; k++) {
          g[i][k] += row[i] * row[k];
        }
      }
    }
    return g;
  }

  @Test
  void rankDeficientFactorAndGeneralizedInverse() {
    java.util.Random r = new java.util.Random(7);
    int checked = 0;
    for (int d = 1; d <= 6; d++) {
      for (int rank = 0; rank <= d; rank++) {
        double[][] a = new double[rank][d];
        for (double[] row : a) {
          for (int i = 0; i < d; i++) {
            row[i] = r.nextGaussian();
          }
        }
        double[][] g = gram(a, d);
        if (d >= 3) {
          // a duplicated coordinate: identical inputs
          for (int i = 0; i < d; i++) {
            g[i][d - 1] = g[i][0];
            g[d - 1][i] = g[0][i];
          }
          g[d - 1][d - 1] = g[0][0];
        }
        double[][] l = new double[d][d];
        int got = Psd.cholesky(g, l, d);
        int want = d >= 3 ? Math.min(rank, d - 1) : rank;
        assertEquals(want, got, "rank, d=" + d + " rank=" + rank);
        for (int i = 0; i < d; i++) {
          for (int k = 0; k < d; k++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
              s += l[i][j] * l[k][j];
            }
            assertEquals(g[i][k], s, 1e-12 * (1 + Math.abs(g[i][k])), "L Lᵀ");
          }
        }
        // G G⁻ G = G, column by column: x = G⁻ (G e_k), then G x = G e_k.
        for (int k = 0; k < d; k++) {
          double[] y = new double[d];
          for (int i = 0; i < d; i++) {
            y[i] = g[i][k];
          }
          double[] x = new double[d];
          Psd.solve(l, d, y, x);
          for (int i = 0; i < d; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
              s += g[i][j] * x[j];
            }
            assertEquals(y[i], s, 1e-9 * (1 + Math.abs(y[i])), "G G⁻ G, d=" + d + " rank=" + rank);
            checked++;
          }
        }
      }
    }
    assertEquals(532, checked); // Σ_{d=1..6} (d+1)·d·d
  }
}

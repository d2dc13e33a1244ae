package org.rgflow.exact;

/**
 * Small dense positive-semidefinite algebra for the exact sampler: the semidefinite Cholesky factor
 * and the generalized inverse it defines. Matrices are tiny (N_D × N_D for Ĝ, M × M for the Gram of
 * the backward vectors), so plain loops.
 *
 * <p>Semidefinite Cholesky (no pivoting): for k = 0..d−1, the Schur pivot
 * s_k = A_kk − Σ_{j&lt;k} L_kj². If s_k ≤ {@value #RELATIVE_TOL}·A_kk (or A_kk ≤ 0) the column is
 * declared dependent: L_·k = 0. For a PSD matrix a zero Schur pivot forces the whole Schur column to
 * vanish, so A = L Lᵀ still holds; with rounding, the variance dropped is at most
 * {@value #RELATIVE_TOL} of that coordinate's (threshold chosen ~10⁴ above the rounding noise of a
 * d ≤ 100 Gram of unit-scale vectors and far below any statistic's resolution).
 *
 * <p>Generalized inverse: with K the kept columns, G⁻ = E_K (L_KK L_KKᵀ)⁻¹ E_Kᵀ satisfies
 * G G⁻ G = G, and A G⁻ Aᵀ is the orthogonal projection on span(A) for every such G⁻ when G = AᵀA.
 */
final class Psd {
  /** Pivots below this fraction of their diagonal entry count as exact zeros. */
  static final double RELATIVE_TOL = 1e-11;

  private Psd() {}

  /**
   * Lower factor of the symmetric PSD matrix a (only a[i][k] with i ≥ k read) into l (d × d; the
   * upper triangle is zeroed). Returns the rank (number of kept columns).
   */
  static int cholesky(double[][] a, double[][] l, int d) {
    int rank = 0;
    for (int k = 0; k < d; k++) {
      double[] lk = l[k];
      for (int j = k + 1; j < d; j++) {
        lk[j] = 0;
      }
      double s = a[k][k];
      for (int j = 0; j < k; j++) {
        s -= lk[j] * lk[j];
      }
      if (!(a[k][k] > 0) || s <= RELATIVE_TOL * a[k][k]) {
        for (int i = k; i < d; i++) {
          l[i][k] = 0;
        }
        continue;
      }
      rank++;
      double r = Math.sqrt(s);
      lk[k] = r;
      double inv = 1 / r;
      for (int i = k + 1; i < d; i++) {
        double[] li = l[i];
        double t = a[i][k];
        for (int j = 0; j < k; j++) {
          t -= li[j] * lk[j];
        }
        li[k] = t * inv;
      }
    }
    return rank;
  }

  /**
   * x = G⁻ y with G = L Lᵀ from {@link #cholesky} (dropped coordinates get x_k = 0). x may be y.
   */
  static void solve(double[][] l, int d, double[] y, double[] x) {
    for (int k = 0; k < d; k++) {
      double lkk = l[k][k];
      if (lkk == 0) {
        x[k] = 0;
        continue;
      }
      double t = y[k];
      for (int j = 0; j < k; j++) {
        t -= l[k][j] * x[j];
      }
      x[k] = t / lkk;
    }
    for (int k = d - 1; k >= 0; k--) {
      double lkk = l[k][k];
      if (lkk == 0) {
        continue;
      }
      double t = x[k];
      for (int j = k + 1; j < d; j++) {
        t -= l[j][k] * x[j];
      }
      x[k] = t / lkk;
    }
  }
}

package org.rgflow.theory;

/**
 * Plain-array theory values at one layer ℓ (1..L), indexed by the original input indices 0..N_D−1.
 *
 * @param layer ℓ
 * @param kernel K^{(ℓ)}_{αβ}, the infinite-width kernel (docs/THEORY.md §2)
 * @param g1 G^{1}(ℓ)_{αβ}, the 1/n kernel correction: E[z_α z_β] = K + G1/n_{ℓ−1} (§3)
 * @param v V^{(ℓ)}_{(α1α2)(α3α4)}, the full four-point vertex (§3), v[α1][α2][α3][α4]
 * @param theta Θ^{(ℓ)}_{αβ}, the NTK mean (§6); null when σ′ is singular (step)
 * @param chiPar χ∥ at K_αα, with C_W of layer ℓ+1 (of layer L at ℓ = L) (§4)
 * @param chiPerp χ⊥ at K_αα, likewise; null for step
 * @param a single-input NTK fluctuation A per input α (§6); null for step
 * @param b single-input B per input; null for step
 * @param d single-input D per input; null for step
 * @param f single-input F per input; null for step
 * @param t3 T_{(α1α2)α3}, the three-point function (docs/THEORY.md §17); null where it vanishes
 */
public record TheoryLayer(int layer, double[][] kernel, double[][] g1, double[][][][] v, double[][] theta,
    double[] chiPar, double[] chiPerp, double[] a, double[] b, double[] d, double[] f,
    double[][][] t3) {

  /** Without a three-point function (T = 0, as in every MLP). */
  public TheoryLayer(int layer, double[][] kernel, double[][] g1, double[][][][] v, double[][] theta,
      double[] chiPar, double[] chiPerp, double[] a, double[] b, double[] d, double[] f) {
    this(layer, kernel, g1, v, theta, chiPar, chiPerp, a, b, d, f, null);
  }

  /** T_{(αα)α} for input α (0 where T vanishes). */
  public double tDiag(int alpha) {
    return t3 == null ? 0.0 : t3[alpha][alpha][alpha];
  }

  /** V_{(αα)(αα)} for input α. */
  public double vDiag(int alpha) {
    return v[alpha][alpha][alpha][alpha];
  }

  /**
   * K, Θ, G1 and V restricted to the inputs {@code idx} (in that order), for the two-input problems
   * of the dNTK, Θ^{1} and the multi-input fluctuations: kernel()[i][j] = K_{idx[i] idx[j]}, and so on.
   * Θ is null for step (σ′ singular).
   */
  public TheoryLayer restrict(int... idx) {
    int m = idx.length;
    double[][] k = new double[m][m];
    double[][] g = new double[m][m];
    double[][] th = theta == null ? null : new double[m][m];
    double[][][][] w = new double[m][m][m][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        k[i][j] = kernel[idx[i]][idx[j]];
        g[i][j] = g1[idx[i]][idx[j]];
        if (th != null) {
          th[i][j] = theta[idx[i]][idx[j]];
        }
        for (int x = 0; x < m; x++) {
          for (int y = 0; y < m; y++) {
            w[i][j][x][y] = v[idx[i]][idx[j]][idx[x]][idx[y]];
          }
        }
      }
    }
    return new TheoryLayer(layer, k, g, w, th, null, null, null, null, null, null);
  }
}

package org.rgflow.theory;

/**
 * Exact finite-width results for deep linear networks without biases (docs/THEORY.md §5, PDLT ch. 3):
 * E[z_{i1}…z_{i2m}] = (Σ_pairings δ…δ) G_{2m}^{(ℓ)}, with
 *
 * <pre>
 *   G_{2m}^{(ℓ)} = [∏_{ℓ'=1}^{ℓ−1} c_{2m}(n_ℓ')] (K^{(ℓ)})^m,   c_{2m}(n) = ∏_{k=1}^{m−1} (1 + 2k/n),
 * </pre>
 *
 * where K^{(ℓ)} = C_W^{(ℓ)} ⋯ C_W^{(1)} |x|²/n₀ is exact. For i, k, m distinct neurons,
 * G_4 = E[z_i² z_k²] and G_6 = E[z_i² z_k² z_m²].
 */
public final class DeepLinear {
  private DeepLinear() {}

  /** c_{2m}(n) = ∏_{k=1}^{m−1}(1 + 2k/n) = Γ(n/2+m)/Γ(n/2) (2/n)^m. */
  public static double c2m(int m, double n) {
    double c = 1;
    for (int k = 1; k < m; k++) {
      c *= 1 + 2.0 * k / n;
    }
    return c;
  }

  /**
   * G_{2m} at layer ℓ = hiddenWidths.length + 1.
   *
   * @param hiddenWidths n_1..n_{ℓ−1}
   * @param kernel K^{(ℓ)} (= E z² exactly)
   */
  public static double g2m(int m, int[] hiddenWidths, double kernel) {
    double g = Math.pow(kernel, m);
    for (int n : hiddenWidths) {
      g *= c2m(m, n);
    }
    return g;
  }
}

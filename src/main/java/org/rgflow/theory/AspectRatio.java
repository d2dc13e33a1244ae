package org.rgflow.theory;

/**
 * The optimal aspect ratio r = L/n (PDLT appendix A; docs/THEORY.md §17.6), derived from the
 * nearly-Gaussian distribution of one input's n_L outputs.
 *
 * <p>For m neurons with exact variance K and connected four-point function
 * E[z_i z_j z_k z_l]_c = v K² (δ_ij δ_kl + δ_ik δ_jl + δ_il δ_jk), v = V/(nK²), the density is
 * p = p_G (1 + ε) with ε = ε₄ + ε₆ + ε₈ + … in orthogonal Hermite components, ε₄ = (v/8) H(r²),
 * H(u) = u² − 2(m+2)u + m(m+2), r² = |z|²/K (ε₆, ε₈ are O(1/n²)). The entropy
 * S = S_G − ½⟨ε²⟩ + ⅙⟨ε³⟩ + … is, to O(1/n³), S_m = S_G − ½(v/8)²⟨H²⟩ + ⅙(v/8)³⟨H³⟩ with the χ²_m
 * moments ⟨H²⟩ = 8m(m+2), ⟨H³⟩ = 64 m(m+2)(m+8). The mutual information of two groups A, B of
 * m_A + m_B = n_L outputs, I = S_A + S_B − S_{A∪B}, is then
 *
 * <pre>
 *   I(v) = (m_A m_B / 8) v² [1 − (3 n_L + 20) v / 6] + O(v⁴)
 * </pre>
 *
 * zero in the Gaussian limit, growing like v² at first and cut down by the cubic term: it is
 * largest at v* = 4/(20 + 3 n_L), whatever the split. With v ≈ ν ℓ/n at criticality the optimal
 * ratio is r* = v* / ν = 4/((20 + 3 n_L) ν), the formula docs/THEORY.md §10 quotes from the
 * literature, here derived. The information per pair of neurons, I/(m_A m_B), is what {@link #information} returns.
 */
public final class AspectRatio {
  private AspectRatio() {}

  /** v* = 4/(20 + 3 n_L), where I(v) is largest. */
  public static double vStar(int outWidth) {
    return 4.0 / (20 + 3.0 * outWidth);
  }

  /** r* = v* / ν. */
  public static double rStar(int outWidth, double nu) {
    return vStar(outWidth) / nu;
  }

  /** I/(m_A m_B) = (v²/8)(1 − (3 n_L + 20) v/6), v = V/(nK²). */
  public static double information(double v, int outWidth) {
    return v * v / 8 * (1 - (3.0 * outWidth + 20) * v / 6);
  }

  /** dI/dv per pair, for propagating the standard error of a measured v. */
  public static double informationSlope(double v, int outWidth) {
    return v / 4 - (3.0 * outWidth + 20) * v * v / 16;
  }
}

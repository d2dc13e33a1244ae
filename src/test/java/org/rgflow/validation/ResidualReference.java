package org.rgflow.validation;

/**
 * An independent single-input implementation of the residual recursions at leading order in 1/n
 * (docs/THEORY.md §14, in the single-input form written there), sharing no code with the engine:
 * ReLU through closed forms, tanh through composite Simpson quadrature on 40001 points over ±12√K
 * (error far below 1e-10 for smooth integrands). With {@code withT = false} the three-point function
 * is dropped (what an implementation that forgets the broken sign-flip symmetry computes).
 *
 * <pre>
 * K' = γ²K + ξ²(C_b + C_W⟨σ²⟩),   χ∥ = γ² + ξ²C_W ∂_K⟨σ²⟩,   χ⊥ = γ² + ξ²C_W⟨σ′²⟩
 * T' = γ χ∥ T + γ ξ² C_W ⟨zσ²⟩
 * V' = χ∥² V + ξ⁴C_W²(⟨σ⁴⟩ − ⟨σ²⟩²) + 2γ²ξ²C_W(⟨z²σ²⟩ − K⟨σ²⟩) + 2χ∥ ξ²C_W ⟨(σ²)′⟩ T
 * G1' = χ∥ G1 + ½ξ²C_W V ∂²_K⟨σ²⟩ + ½ξ²C_W T ⟨(σ²)‴⟩
 * Θ' = ξ²(λ_b + λ_W⟨σ²⟩) + χ⊥ Θ
 * </pre>
 */
final class ResidualReference {
  /** Per-layer values, index ℓ−1. */
  final double[] k;
  final double[] g1;
  final double[] v;
  final double[] t;
  final double[] theta;

  /**
   * @param act "relu" or "tanh"
   * @param k1 K^{(1)}; Θ^{(1)} = theta1
   */
  ResidualReference(String act, int depth, double k1, double theta1, double cb, double cw,
      double lb, double lw, double gamma, double xi, boolean withT) {
    k = new double[depth];
    g1 = new double[depth];
    v = new double[depth];
    t = new double[depth];
    theta = new double[depth];
    k[0] = k1;
    theta[0] = theta1;
    double g2 = gamma * gamma;
    double x2 = xi * xi;
    for (int l = 0; l + 1 < depth; l++) {
      double[] m = averages(act, k[l]);
      double s2 = m[0];
      double chiPar = g2 + x2 * cw * m[2];
      double chiPerp = g2 + x2 * cw * m[7];
      double tt = withT ? t[l] : 0;
      k[l + 1] = g2 * k[l] + x2 * (cb + cw * s2);
      t[l + 1] = withT ? gamma * chiPar * tt + gamma * x2 * cw * m[4] : 0;
      v[l + 1] = chiPar * chiPar * v[l] + x2 * x2 * cw * cw * (m[1] - s2 * s2)
          + 2 * g2 * x2 * cw * (m[3] - k[l] * s2) + 2 * chiPar * x2 * cw * m[5] * tt;
      g1[l + 1] = chiPar * g1[l] + 0.5 * x2 * cw * v[l] * m[8] + 0.5 * x2 * cw * tt * m[6];
      theta[l + 1] = x2 * (lb + lw * s2) + chiPerp * theta[l];
    }
  }

  /**
   * ⟨σ²⟩, ⟨σ⁴⟩, ∂_K⟨σ²⟩, ⟨z²σ²⟩, ⟨zσ²⟩, ⟨(σ²)′⟩, ⟨(σ²)‴⟩, ⟨σ′²⟩, ∂²_K⟨σ²⟩ at K.
   */
  static double[] averages(String act, double kk) {
    if (act.equals("relu")) {
      double c = Math.sqrt(2 / Math.PI);
      return new double[] {kk / 2, 1.5 * kk * kk, 0.5, 1.5 * kk * kk, c * Math.pow(kk, 1.5),
          c * Math.sqrt(kk), c / Math.sqrt(kk), 0.5, 0};
    }
    if (!act.equals("tanh")) {
      throw new IllegalArgumentException(act);
    }
    int n = 40000;
    double lim = 12;
    double h = 2 * lim / n;
    double[] s = new double[9];
    for (int i = 0; i <= n; i++) {
      double u = -lim + i * h;
      double w = (i == 0 || i == n) ? 1 : (i % 2 == 1 ? 4 : 2);
      w *= h / 3 * Math.exp(-u * u / 2) / Math.sqrt(2 * Math.PI);
      double z = Math.sqrt(kk) * u;
      double th = Math.tanh(z);
      double sq = th * th;
      double d = 1 - sq;
      s[0] += w * sq;
      s[1] += w * sq * sq;
      s[2] += w * sq * (z * z - kk) / (2 * kk * kk);
      s[3] += w * z * z * sq;
      s[4] += w * z * sq;
      s[5] += w * 2 * th * d;
      s[6] += w * sq * (z * z * z - 3 * kk * z) / (kk * kk * kk);
      s[7] += w * d * d;
      s[8] += w * sq * (z * z * z * z - 6 * kk * z * z + 3 * kk * kk) / (4 * Math.pow(kk, 4));
    }
    return s;
  }

  /**
   * ν of V/(nK²) ≈ ν ℓ/n for critical scale-invariant σ at large depth with T (docs/THEORY.md §14):
   * ν = (1−γ²)[(1−γ²)(3A₄/A₂² − 1) + 4γ² + (4/π) γ(1+γ)(a₊² − a₋²)²/A₂²] at ξ = 1.
   */
  static double nuScaleInvariant(double aPlus, double aMinus, double gamma, boolean withT) {
    double a2 = (aPlus * aPlus + aMinus * aMinus) / 2;
    double a4 = (Math.pow(aPlus, 4) + Math.pow(aMinus, 4)) / 2;
    double g2 = gamma * gamma;
    double odd = withT ? 4 / Math.PI * gamma * (1 + gamma)
        * Math.pow(aPlus * aPlus - aMinus * aMinus, 2) / (a2 * a2) : 0;
    return (1 - g2) * ((1 - g2) * (3 * a4 / (a2 * a2) - 1) + 4 * g2 + odd);
  }
}

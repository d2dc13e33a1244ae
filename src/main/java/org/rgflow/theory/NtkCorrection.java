package org.rgflow.theory;

import java.util.List;
import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.layer.Layer;
import org.rgflow.spec.NetworkSpec;

/**
 * The NTK mean at O(1/n) for each input on its own (docs/THEORY.md §17): E[Θ̂_{ii;αα}] = Θ_αα +
 * Θ^{1}_α/n_{ℓ−1}. Averaging the forward equation over W^{(ℓ+1)} leaves
 * E Θ̂' = λ_b + λ_W E[σ_j²] + C_W E[σ′_j² Θ̂_jj] exactly; at O(1/n) a function of one pre-activation has
 * E f(z) = ⟨f⟩_K + (1/n)[G1 ∂_K⟨f⟩ + (V/2) ∂²_K⟨f⟩], and Θ̂_jj correlates with f(z_j) only through
 * z_j's variance: Cov(Θ̂_jj, f(z_j)) = Cov(Θ̂_jj, z_j²) ∂_K⟨f⟩ = ((D + 2F)/n) ∂_K⟨f⟩. So, with ⟨·⟩ at
 * K^{(ℓ)}, C_W, λ_W of layer ℓ+1 and ρ = n_ℓ/n_{ℓ−1}:
 *
 * <pre>
 * Θ1' = ρ [χ⊥ Θ1 + ω G1 + (V/2)(λ_W ∂²_K⟨σ²⟩ + C_W Θ ∂²_K⟨σ′²⟩) + C_W (D + 2F) ∂_K⟨σ′²⟩],  Θ1^{(1)} = 0
 * ω = λ_W ∂_K⟨σ²⟩ + C_W Θ ∂_K⟨σ′²⟩
 * </pre>
 *
 * Derivatives in K by the Hermite forms ∂_K⟨f⟩ = ⟨f(z²−K)⟩/(2K²) and
 * ∂²_K⟨f⟩ = ⟨f(z⁴−6Kz²+3K²)⟩/(4K⁴), valid across kinks. Critical relu: every derivative vanishes and
 * G1 = 0, so Θ1 = 0. Dense layers only (null otherwise, as for {@link DntkTheory#unsupported}).
 */
public final class NtkCorrection {
  private NtkCorrection() {}

  /** Θ1 per layer (index ℓ−1) and input, or null where it is not derived (non-dense, singular σ′). */
  public static double[][] theta1(NetworkSpec spec, List<TheoryLayer> layers) {
    if (DntkTheory.unsupported(spec) != null) {
      return null;
    }
    int depth = layers.size();
    int nd = layers.get(0).kernel().length;
    double[][] t1 = new double[depth][nd];
    Activation act = spec.activation();
    GaussQuadrature quad = new GaussQuadrature(act.kinks());
    for (int l = 1; l < depth; l++) {
      TheoryLayer tl = layers.get(l - 1);
      Layer next = spec.layer(l + 1);
      double cw = next.cw();
      double lw = next.lambdaW();
      double rho = (double) spec.width(l) / spec.width(l - 1);
      for (int a = 0; a < nd; a++) {
        double k = tl.kernel()[a][a];
        double th = tl.theta()[a][a];
        double[] m = quad.expect(new double[][] {{k}}, 5, (z, out) -> {
          double x = z[0];
          double s = act.value(x);
          double d = act.d1(x);
          double h2 = x * x - k;
          double h4 = x * x * x * x - 6 * k * x * x + 3 * k * k;
          out[0] = d * d;
          out[1] = s * s * h2;
          out[2] = d * d * h2;
          out[3] = s * s * h4;
          out[4] = d * d * h4;
        });
        double dS = m[1] / (2 * k * k);
        double dD = m[2] / (2 * k * k);
        double d2S = m[3] / (4 * k * k * k * k);
        double d2D = m[4] / (4 * k * k * k * k);
        double chiPerp = cw * m[0];
        double omega = lw * dS + cw * th * dD;
        double g1 = tl.g1()[a][a];
        double v = tl.vDiag(a);
        t1[l][a] = rho * (chiPerp * t1[l - 1][a] + omega * g1 + 0.5 * v * (lw * d2S + cw * th * d2D)
            + cw * (tl.d()[a] + 2 * tl.f()[a]) * dD);
      }
    }
    return t1;
  }
}

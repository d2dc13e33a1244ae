package org.rgflow.theory;

import java.util.List;
import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.layer.Dense;
import org.rgflow.layer.Layer;
import org.rgflow.spec.NetworkSpec;

/**
 * The dNTK–preactivation correlators P and Q at leading order (PDLT ch. 11; docs/THEORY.md §16), for
 * each input α on its own (the single-input tensors, like A, B, D, F):
 * E[dΘ̂_{i0i1i2} z_{i3}] = (1/n_{ℓ−1})[δ_{i0i3}δ_{i1i2} P + (δ_{i0i1}δ_{i2i3} + δ_{i0i2}δ_{i1i3}) Q].
 * With ⟨·⟩ at K^{(ℓ)}, C_W, λ_W of layer ℓ+1 and ρ = n_ℓ/n_{ℓ−1}:
 *
 * <pre>
 * P' = C_W² Θ² ⟨σσ′²σ″⟩ + ρ [C_W χ⊥ ⟨σσ″⟩ B + χ∥ χ⊥ P]
 * Q' = λ_W C_W Θ ⟨σ′²σ²⟩ + C_W² Θ² ⟨σσ′²σ″⟩ + ρ [χ∥ ω F + χ∥ χ⊥ Q]
 * ω  = λ_W ∂_K⟨σ²⟩ + C_W Θ ⟨zσ′σ″⟩/K,   P^{(1)} = Q^{(1)} = 0
 * </pre>
 *
 * σ″ is the regular part (what a network's second derivative is almost surely); the activations with
 * kinks have them at 0 only, where σσ″ and zσ′σ″ carry no delta. Dense layers only.
 */
public final class DntkTheory {
  private DntkTheory() {}

  /** P and Q per layer (index ℓ−1) and input. */
  public record Result(double[][] p, double[][] q) {}

  /** Why P and Q are not computed for {@code spec}, or null when they are. */
  public static String unsupported(NetworkSpec spec) {
    if (spec.activation().derivativeIsSingular()) {
      return "sigma' of " + spec.activation().name() + " is a Dirac delta";
    }
    for (Layer l : spec.layers()) {
      // a residual layer at γ = 0, ξ = 1 is the dense layer exactly (layer/Residual)
      if (!(l instanceof Dense) && !(l instanceof org.rgflow.layer.Residual r && r.gamma() == 0
          && r.xi() == 1)) {
        return "the dNTK recursion is derived for dense layers only";
      }
    }
    return null;
  }

  /**
   * P, Q at layers 1..layers.size() from the recursions' per-layer K, Θ, B, F.
   *
   * @param layers the theory's layers 1.. (at least up to the last one wanted)
   */
  public static Result single(NetworkSpec spec, List<TheoryLayer> layers) {
    int depth = layers.size();
    int nd = layers.get(0).kernel().length;
    double[][] p = new double[depth][nd];
    double[][] q = new double[depth][nd];
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
        double[] m = averages(act, quad, k);
        double chiPar = cw * m[3];
        double chiPerp = cw * m[2];
        double omega = lw * m[3] + cw * th * m[4];
        p[l][a] = cw * cw * th * th * m[0]
            + rho * (cw * chiPerp * m[1] * tl.b()[a] + chiPar * chiPerp * p[l - 1][a]);
        q[l][a] = lw * cw * th * m[5] + cw * cw * th * th * m[0]
            + rho * (chiPar * omega * tl.f()[a] + chiPar * chiPerp * q[l - 1][a]);
      }
    }
    return new Result(p, q);
  }

  /**
   * ⟨σσ′²σ″⟩, ⟨σσ″⟩, ⟨σ′²⟩, ∂_K⟨σ²⟩ = ⟨σ²(z²−K)⟩/(2K²), ⟨zσ′σ″⟩/K, ⟨σ′²σ²⟩ at K.
   */
  static double[] averages(Activation act, GaussQuadrature quad, double k) {
    double[] m = quad.expect(new double[][] {{k}}, 6, (z, out) -> {
      double x = z[0];
      double s = act.value(x);
      double d = act.d1(x);
      double dd = act.d2(x);
      out[0] = s * d * d * dd;
      out[1] = s * dd;
      out[2] = d * d;
      out[3] = s * s * (x * x - k);
      out[4] = x * d * dd;
      out[5] = d * d * s * s;
    });
    m[3] /= 2 * k * k;
    m[4] /= k;
    return m;
  }
}

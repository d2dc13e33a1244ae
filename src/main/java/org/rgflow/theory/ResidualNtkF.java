package org.rgflow.theory;

import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.layer.Dense;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Residual;
import org.rgflow.spec.NetworkSpec;

/**
 * The NTK–pre-activation correlators of a residual network at leading order, one input
 * (docs/THEORY.md §17.2): F = n E[Θ̂_ik z_i z_k] and the odd
 * U′ = n E[Θ̂_ik z_k] (i ≠ k; U′ = 0 for odd σ). Both are values of the bilinear functional
 * Φ(f, g) = n E[Θ̂_ik f(h_i) g(h_k)] on functions of the two neurons' depth histories, F = Φ(z, z),
 * U′ = Φ(1, z). One layer maps (Θ, K at layer ℓ; f̄ = E[f | h]; E[f′] = E[∂f/∂z^{(ℓ+1)}])
 *
 * <pre>
 * Φ′(f, g) = γ²Φ(f̄, ḡ) + γξ²C_W{[Θ E(σσ′ f̄) + Φ(f̄, σσ′)] E[g′] + (f ↔ g)}
 *          + ξ⁴C_W²[Θ⟨σ′²σ²⟩ + Φ(σσ′, σσ′)] E[f′] E[g′],
 * </pre>
 *
 * which closes on Φ = Σ M_ab ℓ_a(f) ℓ_b(g) over the functionals R_ℓ′(f) = E[D_ℓ′ f] (the response to
 * an increment injected at layer ℓ′, D_ℓ′ = Σ_{ℓ″≥ℓ′} Γ(ℓ′, ℓ″) ∂/∂z^{(ℓ″)}, Γ the product of the γ
 * in between) and ω_ℓ′(f) = E[σσ′(z^{(ℓ′)}) f]: M′ = γ²M; M′_{a,R_{ℓ+1}} += γξ²C_W (M ℓ(σσ′))_a and
 * M′_{ω_ℓ,R_{ℓ+1}} += γξ²C_W Θ (both made symmetric); M′_{R_{ℓ+1}R_{ℓ+1}} += ξ⁴C_W²[Θ⟨σ′²σ²⟩ +
 * ℓ(σσ′)ᵀMℓ(σσ′)]. The evaluations: R_ℓ′(z^{(ℓ)}) = Γ, ω_ℓ′(z^{(ℓ)}) = Γ⟨zσσ′⟩_ℓ′, ω_ℓ′(1) = ⟨σσ′⟩_ℓ′,
 * R_ℓ′(σσ′(z^{(ℓ)})) = Γ⟨zσσ′⟩_ℓ/K_ℓ (Stein), ω_ℓ′(σσ′(z^{(ℓ)})) = E[σσ′(z^{(ℓ′)}) σσ′(z^{(ℓ)})], a
 * cross-depth Gaussian average with Cov = Γ K^{(ℓ′)}. At γ = 0: F′ = C_W²Θ⟨σ′²σ²⟩ + χ∥²F.
 */
public final class ResidualNtkF {
  private ResidualNtkF() {}

  /** F and U′ at layers 1..L (index ℓ − 1). */
  public record Series(double[] f, double[] uPrime) {}

  /** The series of {@code spec} with K^{(1)} = k1, Θ^{(1)} = theta1 (equal widths from layer 1). */
  public static Series of(NetworkSpec spec, double k1, double theta1) {
    int depth = spec.depth();
    Activation act = spec.activation();
    GaussQuadrature q = new GaussQuadrature(act.kinks());
    int dim = 2 * depth;  // R_ℓ′ at 2(ℓ′−1), ω_ℓ′ at 2(ℓ′−1)+1
    double[][] m = new double[dim][dim];
    double[] k = new double[depth];
    double[] th = new double[depth];
    double[] zss = new double[depth];  // ⟨zσσ′⟩_ℓ
    double[] ss = new double[depth];   // ⟨σσ′⟩_ℓ
    double[] f = new double[depth];
    double[] up = new double[depth];
    k[0] = k1;
    th[0] = theta1;
    for (int l = 1; l <= depth; l++) {
      double kk = k[l - 1];
      double[] a = q.expect(new double[][] {{kk}}, 5, (z, o) -> {
        double v = act.value(z[0]);
        double d = act.d1(z[0]);
        o[0] = v * d * z[0];
        o[1] = v * d;
        o[2] = v * v * d * d;
        o[3] = v * v;
        o[4] = d * d;
      });
      zss[l - 1] = a[0];
      ss[l - 1] = a[1];
      double[] ez = new double[dim];
      double[] e1 = new double[dim];
      for (int lp = 1; lp <= l; lp++) {
        double g = ResidualNtkB.skip(spec, lp, l);
        ez[2 * (lp - 1)] = g;
        ez[2 * (lp - 1) + 1] = g * zss[lp - 1];
        e1[2 * (lp - 1) + 1] = ss[lp - 1];
      }
      f[l - 1] = form(m, ez, ez);
      up[l - 1] = form(m, e1, ez);
      if (l == depth) {
        break;
      }
      Layer next = spec.layer(l + 1);
      double gamma = 0;
      double xi = 1;
      if (next instanceof Residual r) {
        gamma = r.gamma();
        xi = r.xi();
      } else if (!(next instanceof Dense)) {
        throw new IllegalArgumentException("dense and residual layers only, got " + next.kind());
      }
      double cw = next.cw();
      double x2 = xi * xi;
      // ℓ(σσ′(z^{(l)}))
      double[] es = new double[dim];
      for (int lp = 1; lp <= l; lp++) {
        double g = ResidualNtkB.skip(spec, lp, l);
        es[2 * (lp - 1)] = g * a[0] / kk;
        es[2 * (lp - 1) + 1] = lp == l ? a[2]
            : crossSs(q, act, k[lp - 1], kk, g * k[lp - 1]);
      }
      double[] ms = new double[dim];
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          ms[i] += m[i][j] * es[j];
        }
      }
      double quad = 0;
      for (int i = 0; i < dim; i++) {
        quad += es[i] * ms[i];
      }
      double[][] mn = new double[dim][dim];
      for (int i = 0; i < dim; i++) {
        for (int j = 0; j < dim; j++) {
          mn[i][j] = gamma * gamma * m[i][j];
        }
      }
      int rNew = 2 * l;
      int wCur = 2 * (l - 1) + 1;
      for (int i = 0; i < dim; i++) {
        double c = gamma * x2 * cw * ms[i];
        mn[i][rNew] += c;
        mn[rNew][i] += c;
      }
      double c = gamma * x2 * cw * th[l - 1];
      mn[wCur][rNew] += c;
      mn[rNew][wCur] += c;
      mn[rNew][rNew] += x2 * x2 * cw * cw * (th[l - 1] * a[2] + quad);
      m = mn;
      k[l] = gamma * gamma * kk + x2 * (next.cb() + cw * a[3]);
      th[l] = x2 * (next.lambdaB() + next.lambdaW() * a[3]) + (gamma * gamma + x2 * cw * a[4])
          * th[l - 1];
    }
    return new Series(f, up);
  }

  private static double form(double[][] m, double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] == 0) {
        continue;
      }
      for (int j = 0; j < y.length; j++) {
        s += x[i] * m[i][j] * y[j];
      }
    }
    return s;
  }

  /** E[σσ′(z_a) σσ′(z_b)] with Var z_a = ka, Var z_b = kb, Cov = c. */
  private static double crossSs(GaussQuadrature q, Activation act, double ka, double kb, double c) {
    return q.expect(new double[][] {{ka, c}, {c, kb}}, 1, (z, o) -> {
      o[0] = act.value(z[0]) * act.d1(z[0]) * act.value(z[1]) * act.d1(z[1]);
    })[0];
  }
}

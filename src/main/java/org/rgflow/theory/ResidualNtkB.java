package org.rgflow.theory;

import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.layer.Dense;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Residual;
import org.rgflow.spec.NetworkSpec;

/**
 * The off-diagonal NTK variance B = n E[Θ̂_ik²] (i ≠ k, one input) of a residual network at leading
 * order (docs/THEORY.md §17.2). For γ ≠ 0 the recursion does
 * not close on one layer's Gaussian averages: Θ̂_ik gains γξ(W_ki σ′_i Θ̂_ii + W_ik σ′_k Θ̂_kk), a
 * single weight times O(1), and the same weights build z_k. Given the two neurons' depth histories
 * h_i, h_k the conditional second moment is additive, n E[Θ̂_ik² | h_i, h_k] = b₀ + u(h_i) + u(h_k)
 * with u^{(ℓ)}(h) = Σ_{ℓ′&lt;ℓ} w_{ℓℓ′} s(z^{(ℓ′)}), s = σ′², and one layer maps
 *
 * <pre>
 * w_{ℓ+1,ℓ′} = (γ⁴ + γ²ξ²C_W⟨s⟩_ℓ) w_{ℓℓ′}  (ℓ′ &lt; ℓ),   w_{ℓ+1,ℓ} = γ²ξ²C_W Θ²
 * b₀′ = γ⁴b₀ + 2γ²ξ²C_W(⟨s⟩b₀ + ⟨su⟩) + ξ⁴C_W²(Θ²⟨s²⟩ + ⟨s⟩²b₀ + 2⟨s⟩⟨su⟩)
 * B = b₀ + 2 Σ_ℓ′ w_{ℓℓ′} ⟨s⟩_ℓ′
 * </pre>
 *
 * with ⟨su⟩ = Σ_ℓ′ w_{ℓℓ′} E[s(z^{(ℓ)}) s(z^{(ℓ′)})], a cross-depth average over one neuron's history,
 * a Gaussian process at leading order with Cov(z^{(a)}, z^{(b)}) = γ^{|a−b|} K^{(min(a,b))}. At
 * γ = 0 it is the MLP's B′ = C_W²Θ²⟨σ′⁴⟩ + χ⊥²B. Θ is the residual NTK mean,
 * Θ′ = ξ²(λ_b + λ_W⟨σ²⟩) + (γ² + ξ²C_W⟨σ′²⟩)Θ, K the kernel of {@link ResidualSeries}. Equal widths
 * from layer 1 on (so the width ratios are 1).
 */
public final class ResidualNtkB {
  private ResidualNtkB() {}

  /**
   * Deepest network whose B the engine fills in: the cross-depth sums cost O(L²) two-dimensional
   * quadratures (deeper networks, e.g. criticality's ℓ = 1000 iteration, keep B = NaN).
   */
  static final int MAX_DEPTH = 128;

  /** K, Θ and B at layers 1..L (index ℓ − 1). */
  public record Series(double[] k, double[] theta, double[] b) {}

  /** The series of {@code spec} with K^{(1)} = k1, Θ^{(1)} = theta1. */
  public static Series of(NetworkSpec spec, double k1, double theta1) {
    int depth = spec.depth();
    Activation act = spec.activation();
    GaussQuadrature q = new GaussQuadrature(act.kinks());
    double[] k = new double[depth];
    double[] th = new double[depth];
    double[] bOut = new double[depth];
    double[] s1 = new double[depth];  // ⟨s⟩ at layer ℓ
    double[][] w = new double[depth][depth];  // w[ℓ−1][ℓ′−1]
    k[0] = k1;
    th[0] = theta1;
    double b0 = 0;
    for (int l = 1; l <= depth; l++) {
      double kk = k[l - 1];
      double[] m = q.expect(new double[][] {{kk}}, 4, (z, o) -> {
        double d = act.d1(z[0]);
        double v = act.value(z[0]);
        o[0] = d * d;
        o[1] = d * d * d * d;
        o[2] = v * v;
        o[3] = 0;
      });
      s1[l - 1] = m[0];
      // B at layer l
      double bl = b0;
      for (int lp = 1; lp < l; lp++) {
        bl += 2 * w[l - 1][lp - 1] * s1[lp - 1];
      }
      bOut[l - 1] = bl;
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
      double g2 = gamma * gamma;
      double x2 = xi * xi;
      double su = 0;
      double wMax = 0;
      for (int lp = 1; lp < l; lp++) {
        wMax = Math.max(wMax, Math.abs(w[l - 1][lp - 1]));
      }
      for (int lp = 1; lp < l; lp++) {
        // |E[s s]| ≤ ⟨s²⟩: weights below 1e-17 of the largest cannot change the sum
        if (w[l - 1][lp - 1] != 0 && Math.abs(w[l - 1][lp - 1]) > 1e-17 * wMax) {
          su += w[l - 1][lp - 1] * cross(q, act, kk, k[lp - 1], skip(spec, lp, l) * k[lp - 1]);
        }
      }
      double s = m[0];
      double t2 = th[l - 1] * th[l - 1];
      double b0n = g2 * g2 * b0 + 2 * g2 * x2 * cw * (s * b0 + su)
          + x2 * x2 * cw * cw * (t2 * m[1] + s * s * b0 + 2 * s * su);
      for (int lp = 1; lp < l; lp++) {
        w[l][lp - 1] = (g2 * g2 + g2 * x2 * cw * s) * w[l - 1][lp - 1];
      }
      w[l][l - 1] = g2 * x2 * cw * t2;
      b0 = b0n;
      k[l] = g2 * kk + x2 * (next.cb() + cw * m[2]);
      th[l] = x2 * (next.lambdaB() + next.lambdaW() * m[2]) + (g2 + x2 * cw * s) * th[l - 1];
    }
    return new Series(k, th, bOut);
  }

  /**
   * For a network with a residual layer at γ ≠ 0 (and a regular σ′), B and F of every input α in
   * {@code layers} (the engine's output, where the one-layer step leaves them NaN) from this series
   * and {@link ResidualNtkF} at K^{(1)}_αα, Θ^{(1)}_αα, and A, D at layer 2 from {@link ResidualNtkAD}. Other networks are left as they are (their numbers unchanged).
   */
  static void fill(NetworkSpec spec, java.util.List<TheoryLayer> layers, boolean singular) {
    boolean skips = false;
    for (Layer l : spec.layers()) {
      skips |= l instanceof Residual r && r.gamma() != 0;
      if (!(l instanceof Dense) && !(l instanceof Residual)) {
        return;
      }
    }
    if (!skips || singular || layers.isEmpty() || spec.depth() > MAX_DEPTH) {
      return;
    }
    TheoryLayer first = layers.get(0);
    int nd = first.b().length;
    for (int a = 0; a < nd; a++) {
      Series s = of(spec, first.kernel()[a][a], first.theta()[a][a]);
      ResidualNtkF.Series f = ResidualNtkF.of(spec, first.kernel()[a][a], first.theta()[a][a]);
      for (int l = 0; l < layers.size(); l++) {
        layers.get(l).b()[a] = s.b()[l];
        layers.get(l).f()[a] = f.f()[l];
      }
    }
    ResidualNtkAD.fill(spec, layers);
  }

  /** Π γ^{(m)} over layers m = from+1..to: Cov(z^{(from)}, z^{(to)}) = this × K^{(from)}. */
  static double skip(NetworkSpec spec, int from, int to) {
    double g = 1;
    for (int m = from + 1; m <= to; m++) {
      g *= spec.layer(m) instanceof Residual r ? r.gamma() : 0;
    }
    return g;
  }

  /** E[σ′²(z_a) σ′²(z_b)] with Var z_a = ka, Var z_b = kb, Cov = c. */
  private static double cross(GaussQuadrature q, Activation act, double ka, double kb, double c) {
    return q.expect(new double[][] {{ka, c}, {c, kb}}, 1, (z, o) -> {
      double da = act.d1(z[0]);
      double db = act.d1(z[1]);
      o[0] = da * da * db * db;
    })[0];
  }
}

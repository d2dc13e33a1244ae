package org.rgflow.theory;

import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.layer.Dense;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Residual;
import org.rgflow.spec.NetworkSpec;

/**
 * The diagonal-block NTK fluctuations of a residual network at its first residual layer, one input
 * (docs/THEORY.md §17.2): A = n Cov(Θ̂_ii, Θ̂_kk), D = n Cov(Θ̂_ii, z_k²) and the odd
 * U = n E[Θ̂_ii z_k] (i ≠ k) at layer 2, where layer 1 is dense. There every neuron's history is one
 * Gaussian variable z^{(1)} and Θ̂^{(1)} = Θ^{(1)}·1 is deterministic, so (all averages over
 * z ~ N(0, K^{(1)}), a = λ_W σ² + C_W Θ^{(1)} σ′², γ, ξ, C_W, λ_W those of layer 2)
 *
 * <pre>
 * A = ξ⁴ Var(a)
 * D = ξ⁴ C_W Cov(a, σ²) + γ²ξ² Cov(a, z²)
 * U = γ ξ² E[a z]
 * </pre>
 *
 * exactly at leading order: Θ̂^{(2)}_ii = ξ²(λ_b + X̂[a]) + γ²Θ^{(1)} + 2γξW_iiσ′_iΘ^{(1)} + (terms
 * in (W_ij² − C_W/n), independent of row k), with X̂[a] = n⁻¹Σ_j a(z_j) the only piece shared with
 * neuron k; z^{(2)}_k = γz_k + ξu_k with E[u_k² | layer 1] = C_b + C_W X̂[σ²], and X̂ contains
 * neuron k's own a(z_k)/n. At γ = 0 these are the MLP's A, D at layer 2 (times ξ⁴) and U = 0.
 * From layer 3 on, the history of each neuron (z^{(ℓ)}, Θ̂^{(ℓ)}_ii) is no longer one Gaussian
 * variable and the collective fluctuations of its empirical measure enter: {@link ResidualNtkFluct}
 * carries them (and reduces to this at layer 2).
 */
public final class ResidualNtkAD {
  private ResidualNtkAD() {}

  /** {A, D, U} at layer 2 of {@code spec} with K^{(1)} = k1, Θ^{(1)} = theta1. */
  public static double[] layer2(NetworkSpec spec, double k1, double theta1) {
    if (spec.depth() < 2) {
      throw new IllegalArgumentException("depth 2 or more needed");
    }
    Layer next = spec.layer(2);
    double gamma = 0;
    double xi = 1;
    if (next instanceof Residual r) {
      gamma = r.gamma();
      xi = r.xi();
    } else if (!(next instanceof Dense)) {
      throw new IllegalArgumentException("dense and residual layers only, got " + next.kind());
    }
    Activation act = spec.activation();
    GaussQuadrature q = new GaussQuadrature(act.kinks());
    double cw = next.cw();
    double lw = next.lambdaW();
    double[] m = q.expect(new double[][] {{k1}}, 6, (z, o) -> {
      double v = act.value(z[0]);
      double d = act.d1(z[0]);
      double a = lw * v * v + cw * theta1 * d * d;
      o[0] = a;
      o[1] = a * a;
      o[2] = a * v * v;
      o[3] = v * v;
      o[4] = a * z[0] * z[0];
      o[5] = a * z[0];
    });
    double x2 = xi * xi;
    double aVar = x2 * x2 * (m[1] - m[0] * m[0]);
    double d = x2 * x2 * cw * (m[2] - m[0] * m[3]) + gamma * gamma * x2 * (m[4] - m[0] * k1);
    double u = gamma * x2 * m[5];
    return new double[] {aVar, d, u};
  }

  /**
   * Fills A and D of every input α in {@code layers} where the engine left them NaN (residual layers
   * with γ ≠ 0): at every layer from {@link ResidualNtkFluct} up to its depth limit, beyond it at
   * layer 2 only from the closed form. Up to that depth limit it also replaces the diagonal
   * V_{(αα)(αα)} and G1_{αα} by the history values (docs/THEORY.md §17.8).
   */
  static void fill(NetworkSpec spec, java.util.List<TheoryLayer> layers) {
    if (layers.size() < 2 || !(spec.layer(1) instanceof Dense)) {
      return;
    }
    TheoryLayer first = layers.get(0);
    TheoryLayer second = layers.get(1);
    if (second.a() == null || second.d() == null) {
      return;
    }
    boolean deep = spec.depth() <= ResidualNtkFluct.MAX_DEPTH;
    for (int al = 0; al < second.a().length; al++) {
      if (deep) {
        ResidualNtkFluct.Series s = ResidualNtkFluct.of(spec, first.kernel()[al][al],
            first.theta()[al][al]);
        for (int l = 0; l < layers.size(); l++) {
          TheoryLayer t = layers.get(l);
          if (Double.isNaN(t.a()[al])) {
            t.a()[al] = s.a()[l];
          }
          if (Double.isNaN(t.d()[al])) {
            t.d()[al] = s.d()[l];
          }
          // V and G1 of input α from the depth-history expansion, which is the leading order for
          // γ ≠ 0 (the one-layer step's single-time closure is not, from layer 3 on; §17.8). The
          // components on two distinct inputs come from ResidualHistoryMulti (fillPairs, §17.11).
          t.v()[al][al][al][al] = s.v()[l];
          t.g1()[al][al] = s.g1()[l];
        }
      } else if (Double.isNaN(second.a()[al]) || Double.isNaN(second.d()[al])) {
        double[] r = layer2(spec, first.kernel()[al][al], first.theta()[al][al]);
        if (Double.isNaN(second.a()[al])) {
          second.a()[al] = r[0];
        }
        if (Double.isNaN(second.d()[al])) {
          second.d()[al] = r[1];
        }
      }
    }
    fillPairs(spec, layers);
  }

  /**
   * The off-diagonal V and G1 components on two distinct inputs (index set {α, β}) from the
   * two-input depth history {@link ResidualHistoryMulti}, for networks up to its depth limit
   * (docs/THEORY.md §17.11). Components with three or four distinct inputs, deeper networks and
   * pairs with a singular kernel keep the single-time closure.
   */
  private static void fillPairs(NetworkSpec spec, java.util.List<TheoryLayer> layers) {
    int nd = layers.get(0).kernel().length;
    if (nd < 2 || spec.depth() > ResidualHistoryMulti.FILL_DEPTH) {
      return;
    }
    double[][] k1 = layers.get(0).kernel();
    for (int al = 0; al < nd; al++) {
      for (int be = al + 1; be < nd; be++) {
        ResidualHistoryMulti.Series s;
        try {
          s = ResidualHistoryMulti.of(spec,
              new double[][] {{k1[al][al], k1[al][be]}, {k1[be][al], k1[be][be]}});
        } catch (IllegalArgumentException e) {
          if (k1[al][al] == k1[be][be] && k1[al][be] == k1[al][al]) {
            copyDiagonal(layers, al, be);
          }
          continue;
        }
        int[] idx = {al, be};
        for (int l = 0; l < layers.size(); l++) {
          TheoryLayer t = layers.get(l);
          for (int c = 1; c < 15; c++) {
            int a = c >> 3 & 1;
            int b = c >> 2 & 1;
            int x = c >> 1 & 1;
            int y = c & 1;
            t.v()[idx[a]][idx[b]][idx[x]][idx[y]] = s.v()[l][a][b][x][y];
          }
          t.g1()[al][be] = s.g1()[l][0][1];
          t.g1()[be][al] = s.g1()[l][1][0];
        }
      }
    }
  }

  /** Identical inputs α, β (equal K^{(1)} entries): every component on {α, β} is input α's. */
  private static void copyDiagonal(java.util.List<TheoryLayer> layers, int al, int be) {
    int[] idx = {al, be};
    for (TheoryLayer t : layers) {
      double v = t.v()[al][al][al][al];
      for (int c = 1; c < 16; c++) {
        t.v()[idx[c >> 3 & 1]][idx[c >> 2 & 1]][idx[c >> 1 & 1]][idx[c & 1]] = v;
      }
      t.g1()[al][be] = t.g1()[al][al];
      t.g1()[be][al] = t.g1()[al][al];
      t.g1()[be][be] = t.g1()[al][al];
    }
  }
}

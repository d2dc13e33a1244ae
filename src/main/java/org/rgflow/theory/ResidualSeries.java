package org.rgflow.theory;

import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.layer.Dense;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Residual;
import org.rgflow.spec.NetworkSpec;

/**
 * The single-input leading-order series K^{(ℓ)}, T^{(ℓ)}, V^{(ℓ)} of a network whose layers 2..L are
 * residual (docs/THEORY.md §17), with the three-point function T switched on or off: the data
 * collapse's "without T" line (report/ResidualCollapse) and the aspect-ratio curve
 * (theory/AspectRatio) read it. With T it is the single-input case of {@link Residual#step}
 * (equal to {@link TheoryEngine}'s K, V and T; ResidualSeriesTest), written out for one input:
 *
 * <pre>
 * K' = γ²K + ξ²(C_b + C_W⟨σ²⟩)
 * T' = γξ²C_W K D1 + γ³T + ½γξ²C_W D2 T
 * V' = ξ⁴[C_W²(⟨σ⁴⟩ − ⟨σ²⟩²) + (C_W D2/2)² V] + 2γ²ξ²C_W K² D2
 *      + γ⁴V + γ²ξ²C_W (D2 V + 2 D1 T) + ξ⁴C_W² D1 D2 T
 * </pre>
 *
 * with D1 = ⟨σ² z⟩/K and D2 = ⟨σ²(z²/K² − 1/K)⟩ at K^{(ℓ−1)} (Stein: ⟨∂σ²⟩, ⟨∂²σ²⟩). Equal widths
 * from layer 1 on, so the width ratios are 1 where V and T are non-zero. Dense layers are γ = 0, ξ = 1.
 */
public final class ResidualSeries {
  private ResidualSeries() {}

  /** K, V and T at layers 1..L (index ℓ − 1); V and T in units where E[z_i² z_j²] − K² = V/n. */
  public record Series(double[] k, double[] v, double[] t) {
    /** V/(nK²) · n = V/K² at layer ℓ. */
    public double vOverK2(int layer) {
      return v[layer - 1] / (k[layer - 1] * k[layer - 1]);
    }
  }

  /**
   * The series of {@code spec} for one input with K^{(1)} = {@code k1} (C_b + C_W |x|²/n₀).
   *
   * @param withT false drops T from every recursion (the theory without the three-point function)
   */
  public static Series of(NetworkSpec spec, double k1, boolean withT) {
    Series c = closure(spec, k1, withT);
    if (!withT || spec.depth() > ResidualNtkFluct.MAX_DEPTH) {
      return c; // beyond the history recursion's depth limit: the closure (0.7–3% off, §17.8)
    }
    // with T, V from the depth-history expansion (the leading order for γ ≠ 0, docs/THEORY.md
    // §17.8; equal to the closure at γ = 0 and at layer 2); K and T are the same in both
    ResidualNtkFluct.Series h = ResidualNtkFluct.of(spec, k1, 1);
    return new Series(c.k(), h.v().clone(), c.t());
  }

  /**
   * The single-time closure of the class comment (V from one layer's Hermite components of V and
   * T): the leading order only at γ = 0 and at layer 2; kept for the "without T" line and as the
   * closure the history V is compared with.
   */
  public static Series closure(NetworkSpec spec, double k1, boolean withT) {
    int depth = spec.depth();
    Activation act = spec.activation();
    GaussQuadrature q = new GaussQuadrature(act.kinks());
    double[] ks = new double[depth];
    double[] vs = new double[depth];
    double[] ts = new double[depth];
    ks[0] = k1;
    for (int l = 2; l <= depth; l++) {
      Layer layer = spec.layer(l);
      double gamma = 0;
      double xi = 1;
      if (layer instanceof Residual r) {
        gamma = r.gamma();
        xi = r.xi();
      } else if (!(layer instanceof Dense)) {
        throw new IllegalArgumentException("dense and residual layers only, got " + layer.kind());
      }
      double cb = layer.cb();
      double cw = layer.cw();
      double k = ks[l - 2];
      double v = vs[l - 2];
      double t = withT ? ts[l - 2] : 0;
      double inv = 1 / k;
      double[] m = q.expect(new double[][] {{k}}, 4, (z, o) -> {
        double s = act.value(z[0]);
        double s2 = s * s;
        double y = z[0] * inv;
        o[0] = s2;
        o[1] = s2 * s2;
        o[2] = s2 * y;
        o[3] = s2 * (y * y - inv);
      });
      double s2 = m[0];
      double d1 = m[2];
      double d2 = m[3];
      double g2 = gamma * gamma;
      double x2 = xi * xi;
      double x4 = x2 * x2;
      double chi = cw * d2 / 2;
      ks[l - 1] = g2 * k + x2 * (cb + cw * s2);
      ts[l - 1] = withT ? gamma * x2 * cw * k * d1 + gamma * g2 * t + 0.5 * gamma * x2 * cw * d2 * t
          : 0;
      vs[l - 1] = x4 * (cw * cw * (m[1] - s2 * s2) + chi * chi * v) + 2 * g2 * x2 * cw * k * k * d2
          + g2 * g2 * v + g2 * x2 * cw * (d2 * v + 2 * d1 * t) + x4 * cw * cw * d1 * d2 * t;
    }
    return new Series(ks, vs, ts);
  }
}

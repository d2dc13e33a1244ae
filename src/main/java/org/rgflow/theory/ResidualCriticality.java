package org.rgflow.theory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rgflow.act.Activation;
import org.rgflow.act.ScaleInvariant;
import org.rgflow.layer.Residual;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * Criticality of a residual network z' = γz + ξ(b + Wσ(z)) (PDLT appendix B; docs/THEORY.md §17.3).
 * The kernel map is K' = γ²K + ξ²(C_b + C_W⟨σ²⟩_K) with χ = γ² + ξ²χ_MLP(C_b, C_W): its fixed points
 * and χ∥ = χ⊥ = 1 are the MLP's with (C_b, C_W) scaled by ξ²/(1 − γ²), so every class carries over
 * (γ &lt; 1) with the critical (C_b, C_W) = (1 − γ²)/ξ² × the MLP's — scale-invariant σ:
 * γ² + ξ²C_W A₂ = 1; K* = 0 class: γ² + ξ²C_W σ₁² = 1.
 *
 * <p>The growth V/(nK²) ≈ ν ℓ/n at criticality, ν independent of ξ:
 * <ul>
 *   <li>scale-invariant, with the three-point function T (a₊² ≠ a₋²):
 *       ν = (1−γ²)[(1−γ²)(3A₄/A₂² − 1) + 4γ² + (4/π)γ(1+γ)(a₊² − a₋²)²/A₂²]; without T the last term
 *       is missing (ReLU at γ = 0.5: 6.43 against 3.56);
 *   <li>K* = 0 class (odd at leading order, T = 0): ν = (2/3)(1 − γ⁴).
 * </ul>
 * Both are checked against the recursions iterated to ℓ = {@link Criticality#DEPTH}, reported
 * beside them. The inverse — the γ ∈ [0, 1) that give a chosen ν — solves the closed form (ν(γ) of
 * ReLU is not monotone: 5 at γ = 0, a maximum near 6.6, 0 at γ = 1, so there can be two).
 */
public final class ResidualCriticality {
  private ResidualCriticality() {}

  /** ν(γ) in closed form for the class of {@code act}, or NaN where none is known. */
  public static double nu(Activation act, String cls, double gamma, boolean withT) {
    double g2 = gamma * gamma;
    if (cls.equals("scale-invariant")) {
      double[] s = act.scaleInvariantSlopes();
      if (s == null) {
        return Double.NaN;
      }
      double a2 = ScaleInvariant.a2(s);
      double odd = s[0] * s[0] - s[1] * s[1];
      double t = withT ? 4 / Math.PI * gamma * (1 + gamma) * odd * odd / (a2 * a2) : 0;
      return (1 - g2) * ((1 - g2) * ScaleInvariant.nu(s) + 4 * g2 + t);
    }
    if (cls.equals("K*=0")) {
      return 2.0 / 3 * (1 - g2 * g2);
    }
    return Double.NaN;
  }

  /** The γ ∈ [0, 1) with ν(γ) = target (closed form with T), ascending; empty when none. */
  public static List<Double> gammaFor(Activation act, String cls, double target) {
    List<Double> roots = new ArrayList<>();
    int steps = 2000;
    double prevG = 0;
    double prevF = nu(act, cls, 0, true) - target;
    if (!Double.isFinite(prevF)) {
      return roots;
    }
    if (prevF == 0) {
      roots.add(0.0);
    }
    for (int i = 1; i <= steps; i++) {
      double g = (double) i / steps;
      double f = nu(act, cls, g, true) - target;
      if (f == 0 && g < 1) {
        roots.add(g);
      } else if (prevF * f < 0) {
        double lo = prevG;
        double hi = g;
        double flo = prevF;
        for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
          double mid = 0.5 * (lo + hi);
          double fm = nu(act, cls, mid, true) - target;
          if (flo * fm <= 0) {
            hi = mid;
          } else {
            lo = mid;
            flo = fm;
          }
        }
        double r = 0.5 * (lo + hi);
        if (r < 1) {
          roots.add(r);
        }
      }
      prevG = g;
      prevF = f;
    }
    return roots;
  }

  /**
   * The residual analysis from the MLP's ({@code mlp}, {@link Criticality#analyze}) at γ, ξ.
   *
   * @param nuTarget a chosen ν for the inverse, or NaN
   * @throws SpecException (--gamma, --xi) for γ ≥ 1 or ξ = 0
   */
  public static Criticality.Report analyze(Activation act, Criticality.Report mlp, double gamma,
      double xi, double nuTarget) {
    if (!(gamma >= 0 && gamma < 1)) {
      throw new SpecException("--gamma", "a critical residual network needs 0 <= γ < 1, got " + gamma
          + " (χ ≥ γ² at every C_W)");
    }
    if (!(xi > 0) || !Double.isFinite(xi)) {
      throw new SpecException("--xi", "must be positive, got " + xi);
    }
    double scale = (1 - gamma * gamma) / (xi * xi);
    Map<String, Double> c = new LinkedHashMap<>();
    c.put("gamma", gamma);
    c.put("xi", xi);
    c.putAll(mlp.constants());
    if (mlp.cls().equals("none")) {
      return new Criticality.Report(mlp.activation(), "none", Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, Double.NaN, mlp.reason() + "; the residual map K' = γ²K + ξ²(C_b + C_W⟨σ²⟩)"
          + " has the MLP's critical points only, scaled by (1 − γ²)/ξ²", c, Map.of(),
          mlp.behaviour());
    }
    double cb = scale * mlp.cb();
    double cw = scale * mlp.cw();
    double g2 = gamma * gamma;
    double chiPar = g2 + (1 - g2) * mlp.chiPar();
    double chiPerp = g2 + (1 - g2) * mlp.chiPerp();
    double nuT = nu(act, mlp.cls(), gamma, true);
    double nuNoT = nu(act, mlp.cls(), gamma, false);
    c.put("nu", nuT);
    c.put("nu_without_T", nuNoT);
    Map<String, Double> ld = mlp.cls().equals("half-stable") ? Map.of()
        : iterate(act, mlp.cls(), cb, cw, gamma, xi, 1);
    StringBuilder b = new StringBuilder();
    if (mlp.cls().equals("scale-invariant")) {
      b.append(String.format("K constant (K(L)/K(1) = %.6f at infinite width); V/(nK²) ≈ ν ℓ/n with"
          + " ν(γ) = %.6g including the three-point function T (%.6g without it; measured V/K² growth"
          + " per layer at ℓ = %d: %.6g); T → %.6g·K^{3/2}; Θ ∝ ℓ (Θ/ℓ = %.6g with λ_b = λ_W = 1,"
          + " K = 1)", ld.get("K_L_over_K_1"), nuT, nuNoT, Criticality.DEPTH,
          ld.get("V_over_K2_growth"), ld.get("T_L"), ld.get("Theta_per_l")));
    } else if (mlp.cls().equals("K*=0")) {
      double a1 = mlp.constants().getOrDefault("a1", Double.NaN);
      b.append(String.format("K ≈ 1/((1−γ²)(−a1)ℓ) (measured (1−γ²)(−a1)Kℓ = %.5f at ℓ = %d);"
          + " V/(nK²) → ν ℓ/n with ν(γ) = (2/3)(1 − γ⁴) = %.6g (measured V/K²/ℓ = %.5f); T = 0 for"
          + " odd σ; χ⊥ ≈ 1 − p⊥/ℓ with the MLP's p⊥", ld.get("K_L") * Criticality.DEPTH * (1 - g2)
          * -a1, Criticality.DEPTH, nuT, ld.get("V_over_K2_per_l")));
    } else {
      b.append("the MLP's half-stable fixed point K* = " + mlp.kStar() + " with (C_b, C_W) scaled by"
          + " (1 − γ²)/ξ²: " + mlp.behaviour());
    }
    if (!Double.isNaN(nuTarget)) {
      List<Double> roots = gammaFor(act, mlp.cls(), nuTarget);
      c.put("nu_target", nuTarget);
      for (int i = 0; i < roots.size(); i++) {
        c.put("gamma_for_nu_" + (i + 1), roots.get(i));
      }
      b.append(roots.isEmpty() ? String.format("; no γ in [0, 1) gives ν = %.6g", nuTarget)
          : String.format("; ν = %.6g at γ = %s", nuTarget, roots.stream()
              .map(r -> String.format("%.6f", r)).toList()));
    }
    return new Criticality.Report(mlp.activation(), mlp.cls(), cb, cw, mlp.kStar(), chiPar, chiPerp,
        "", c, ld, b.toString());
  }

  /** The residual recursions iterated to {@link Criticality#DEPTH} with K^{(1)} = k1. */
  private static Map<String, Double> iterate(Activation act, String cls, double cb, double cw,
      double gamma, double xi, double k1) {
    int depth = Criticality.DEPTH;
    NetworkSpec dense = NetworkSpec.uniform(1, 1_000_000, depth, act, cb, cw, 1, 1);
    NetworkSpec spec = new NetworkSpec(1, act, Residual.network(dense.layers(), new double[] {gamma},
        new double[] {xi}));
    double gram = (k1 - cb) / cw;
    List<TheoryLayer> ls = TheoryEngine.layers(spec, Inputs.fromNormsAndAngles(1,
        new double[] {Math.sqrt(gram)}, new double[1][1])).layers();
    TheoryLayer first = ls.get(0);
    TheoryLayer prev = ls.get(depth - 2);
    TheoryLayer last = ls.get(depth - 1);
    double k = last.kernel()[0][0];
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("K_L", k);
    m.put("K_L_over_K_1", k / first.kernel()[0][0]);
    m.put("V_over_K2_per_l", last.vDiag(0) / (k * k) / depth);
    m.put("V_over_K2_growth", last.vDiag(0) / (k * k) - prev.vDiag(0) / (prev.kernel()[0][0]
        * prev.kernel()[0][0]));
    m.put("T_L", last.tDiag(0) / Math.pow(k, 1.5));
    m.put("Theta_per_l", last.theta()[0][0] / depth);
    m.put("G1_L", last.g1()[0][0]);
    return m;
  }
}

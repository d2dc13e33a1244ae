package org.rgflow.theory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hipparchus.analysis.solvers.BracketingNthOrderBrentSolver;
import org.rgflow.act.Activation;
import org.rgflow.act.ScaleInvariant;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Universality class and critical initialisation of an activation (docs/THEORY.md §4, PDLT ch. 5).
 *
 * <ul>
 *   <li>scale-invariant (slopes known): C_b = 0, C_W = 1/A₂; χ∥ = χ⊥ = 1 at every K.
 *   <li>K*=0 (σ(0) = 0, σ₁ ≠ 0, a₁ = σ₃/σ₁ + ¾(σ₂/σ₁)² &lt; 0): C_b = 0, C_W = 1/σ₁²; K ≈ 1/((−a₁)ℓ),
 *       χ⊥ ≈ 1 − p⊥/ℓ with p⊥ = b₁/a₁, b₁ = σ₃/σ₁ + (σ₂/σ₁)².
 *   <li>half-stable: a root K* of f(K) = ⟨zσσ′⟩_K/K − ⟨σ′²⟩_K (bracketed on a log grid over
 *       [1e-3, 1e3], refined by Brent), C_W = 1/⟨σ′²⟩_{K*}, C_b = K* − C_W⟨σ²⟩_{K*} ≥ 0; half-stability is
 *       checked by iterating the kernel map from K*(1 ± 0.05).
 *   <li>none: with the reason.
 * </ul>
 * Large-depth behaviour is measured by iterating the single-input recursions to ℓ = 1000
 * ({@link TheoryEngine#layers}, equal widths so ρ = 1).
 */
public final class Criticality {
  private Criticality() {}

  /** Depth at which the large-depth numbers are measured. */
  public static final int DEPTH = 1000;

  /**
   * @param cls "scale-invariant", "K*=0", "half-stable" or "none"
   * @param cb critical C_b (NaN if none)
   * @param cw critical C_W (NaN if none)
   * @param kStar fixed point (NaN for scale-invariant: every K is fixed; 0 for K*=0)
   * @param chiPar χ∥ at the critical point, computed numerically (limit K → 0 for K*=0)
   * @param chiPerp χ⊥ likewise
   * @param reason why "none" (empty otherwise)
   * @param constants class constants (ν, a₁, b₁, p⊥, …)
   * @param largeDepth measured large-depth numbers at ℓ = {@link #DEPTH}
   * @param behaviour how K, V/(nK²) and Θ scale with ℓ, in words with numbers
   */
  public record Report(String activation, String cls, double cb, double cw, double kStar, double chiPar,
      double chiPerp, String reason, Map<String, Double> constants, Map<String, Double> largeDepth,
      String behaviour) {

  }

  /** The report for one activation. */
  public static Report analyze(Activation act) {
    String name = act.name();
    GaussQuadrature q = new GaussQuadrature(act.kinks());
    Map<String, Double> c = new LinkedHashMap<>();
    double[] sl = act.scaleInvariantSlopes();
    if (sl != null) {
      double a2 = ScaleInvariant.a2(sl);
      double cw = 1 / a2;
      double[] m = moments(q, act, 1);
      c.put("A2", a2);
      c.put("A4", ScaleInvariant.a4(sl));
      c.put("nu", ScaleInvariant.nu(sl));
      Map<String, Double> ld = iterate(act, 0, cw, 1 / cw);
      return new Report(name, "scale-invariant", 0, cw, Double.NaN, cw * m[1], cw * m[2], "", c, ld,
          String.format("K constant (K(L)/K(1) = %.6f); V/(nK²) ≈ ν(ℓ−1)/n, ν = %.6g (measured V/K²/(ℓ−1) "
              + "= %.6g); Θ ∝ ℓ (Θ/ℓ = %.6g with λ_b = λ_W = 1, K = 1)", ld.get("K_L_over_K_1"), c.get("nu"),
              ld.get("V_over_K2_per_l"), ld.get("Theta_per_l")));
    }
    if (act.derivativeIsSingular()) {
      return none(name, c, name + ": σ′ is a Dirac delta, so χ⊥ = C_W⟨σ′²⟩ is infinite, and ⟨σ²⟩_K does not"
          + " depend on K (χ∥ = 0): no critical point");
    }
    double s0 = act.value(0);
    double s1 = act.taylor(1);
    double s2 = act.taylor(2);
    double s3 = act.taylor(3);
    if (s0 == 0 && Double.isFinite(s1) && s1 != 0 && Double.isFinite(s2) && Double.isFinite(s3)) {
      double a1 = s3 / s1 + 0.75 * (s2 / s1) * (s2 / s1);
      double b1 = s3 / s1 + (s2 / s1) * (s2 / s1);
      if (a1 < 0) {
        double cw = 1 / (s1 * s1);
        c.put("a1", a1);
        c.put("b1", b1);
        c.put("p_perp", b1 / a1);
        double ks = 1e-6;
        double[] m = moments(q, act, ks);
        Map<String, Double> ld = iterate(act, 0, cw, 1 / cw);
        double kl = ld.get("K_L") * DEPTH;
        ld.put("K_times_l_times_minus_a1", kl * -a1);
        return new Report(name, "K*=0", 0, cw, 0, cw * m[1], cw * m[2], "", c, ld, String.format(
            "K ≈ 1/((−a1)ℓ) with a1 = %.6g (measured (−a1)Kℓ = %.5f at ℓ = %d); V/(nK²) → (2/3)ℓ/n "
            + "(measured V/K²/ℓ = %.5f); χ⊥ ≈ 1 − p⊥/ℓ, p⊥ = %.6g; Θ ∝ ℓ^%.3f for constant λ_b = λ_W = 1",
            a1, kl * -a1, DEPTH, ld.get("V_over_K2_per_l"), b1 / a1, ld.get("Theta_exponent")));
      }
    }
    // half-stable search
    org.hipparchus.analysis.UnivariateFunction f = k -> {
      double[] m = moments(q, act, k);
      return m[1] - m[2];
    };
    int np = 121;
    double prevK = 1e-3;
    double prevF = f.value(prevK);
    boolean allPos = prevF > 0;
    boolean allNeg = prevF < 0;
    BracketingNthOrderBrentSolver solver = new BracketingNthOrderBrentSolver(1e-14, 1e-300, 5);
    for (int i = 1; i < np; i++) {
      double k = Math.pow(10, -3 + 6.0 * i / (np - 1));
      double fk = f.value(k);
      allPos &= fk > 0;
      allNeg &= fk < 0;
      if (prevF * fk < 0) {
        double ks = solver.solve(500, f, prevK, k);
        double[] m = moments(q, act, ks);
        double cw = 1 / m[2];
        double cb = ks - cw * m[0];
        if (cb >= -1e-12) {
          cb = Math.max(cb, 0);
          // Half-stability: with g(K) = C_b + C_W⟨σ²⟩_K, g′(K*) = χ∥ = 1, so near K* the map is
          // δ → δ + ½ g″ δ² (δ = K − K*): it attracts from the side where g″δ < 0, like
          // |δ| ≈ 2/(|g″| ℓ), and repels from the other. g″ = C_W ∂²_K⟨σ²⟩ (docs/THEORY.md §1 Hermite form).
          double g2 = cw * secondDerivative(q, act, ks);
          double up = flow(q, act, cb, cw, ks * 1.05, ks);
          double down = flow(q, act, cb, cw, ks * 0.95, ks);
          c.put("g2", g2);
          c.put("g2_times_K_star", g2 * ks);
          c.put("dist_after_2000_from_above", up);
          c.put("dist_after_2000_from_below", down);
          String side = g2 < 0 ? "above" : "below";
          String other = g2 < 0 ? "below" : "above";
          Map<String, Double> ld = new LinkedHashMap<>();
          ld.put("g2", g2);
          ld.put("rel_dist_from_above", up);
          ld.put("rel_dist_from_below", down);
          return new Report(name, "half-stable", cb, cw, ks, cw * m[1], cw * m[2], "", c, ld, String.format(
              "K → K* = %.10g from %s only: g″(K*) = %.4g ≠ 0 with χ∥ = χ⊥ = 1, so |K − K*| ≈ 2/(|g″|ℓ) "
              + "from %s and K drifts away from %s (iterated 2000 layers from K*(1±0.05): relative "
              + "distance %.4g from above, %.4g from below)", ks, side, g2, side, other, up, down));
        }
      }
      prevK = k;
      prevF = fk;
    }
    StringBuilder why = new StringBuilder(name + ": ");
    if (s0 != 0) {
      why.append("σ(0) ≠ 0 so K*=0 is impossible, and ");
    } else if (!(s1 != 0) || !Double.isFinite(s1)) {
      why.append("σ′(0) = 0 (or undefined) so the K*=0 class does not apply, and ");
    } else {
      why.append("a1 ≥ 0 so K*=0 is not attractive, and ");
    }
    why.append("f(K)=⟨zσσ′⟩/K−⟨σ′²⟩ has no root with C_b ≥ 0 on [1e-3,1e3]")
        .append(allNeg ? " (f<0)" : allPos ? " (f>0)" : "");
    return none(name, c, why.toString());
  }

  private static Report none(String name, Map<String, Double> c, String reason) {
    return new Report(name, "none", Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, reason, c,
        Map.of(), "no critical point: K and the NTK grow or decay exponentially or flow to a trivial fixed point");
  }

  /**
   * The fixed point K* of the kernel map g(K) = C_b + C_W⟨σ²⟩_K reached from K = C_b + C_W + 1, and
   * the susceptibilities there, χ∥ = g′(K*) = C_W ∂_K⟨σ²⟩ and χ⊥ = C_W⟨σ′²⟩ (docs/THEORY.md §4): the
   * quantities of the (C_b, C_W) phase diagram (PDLT §5.2). Newton's method on g(K) − K, kept in
   * [0, start]; for a concave map (tanh-like) it converges from above to the largest fixed point. K*
   * below 1e-8 counts as 0, where χ is taken at K = 1e-8 (the K → 0 limit).
   *
   * @return {K*, χ∥, χ⊥}; NaNs when no fixed point was found in 200 steps
   */
  public static double[] fixedPoint(Activation act, double cb, double cw) {
    GaussQuadrature q = new GaussQuadrature(act.kinks());
    double k = cb + cw + 1;
    double floor = 1e-8;
    for (int i = 0; i < 200; i++) {
      double kk = Math.max(k, floor);
      double[] m = moments(q, act, kk);
      double h = cb + cw * m[0] - kk;
      double dh = cw * m[1] - 1;
      double next = dh < 0 ? kk - h / dh : cb + cw * m[0];
      next = Math.max(0, Math.min(next, cb + cw + 1));
      if (Math.abs(next - kk) <= 1e-12 * Math.max(1, kk) || (next <= floor && kk <= floor)) {
        double ks = Math.max(next, floor);
        double[] ms = moments(q, act, ks);
        return new double[] {next <= floor ? 0 : next, cw * ms[1], cw * ms[2]};
      }
      k = next;
    }
    return new double[] {Double.NaN, Double.NaN, Double.NaN};
  }

  /** {⟨σ²⟩, ⟨zσσ′⟩/K = ∂_K⟨σ²⟩ (Hermite form ½⟨σ²H2⟩), ⟨σ′²⟩} at K. */
  static double[] moments(GaussQuadrature q, Activation act, double k) {
    double inv = 1 / k;
    return q.expect(new double[][] {{k}}, 3, (z, o) -> {
      double s = act.value(z[0]);
      double d = act.d1(z[0]);
      double y = z[0] * inv;
      o[0] = s * s;
      o[1] = 0.5 * s * s * (y * y - inv);
      o[2] = d * d;
    });
  }

  /** ∂²_K⟨σ²⟩_K = ⟨σ²(z⁴ − 6Kz² + 3K²)⟩/(4K⁴) (docs/THEORY.md §1). */
  static double secondDerivative(GaussQuadrature q, Activation act, double k) {
    double k2 = k * k;
    return q.expect(new double[][] {{k}}, 1, (z, o) -> {
      double s = act.value(z[0]);
      double x2 = z[0] * z[0];
      o[0] = s * s * (x2 * x2 - 6 * k * x2 + 3 * k2);
    })[0] / (4 * k2 * k2);
  }

  /** |K_2000 − K*|/K* after iterating K → C_b + C_W⟨σ²⟩_K 2000 times from k0. */
  private static double flow(GaussQuadrature q, Activation act, double cb, double cw, double k0, double ks) {
    double k = k0;
    for (int i = 0; i < 2000 && Double.isFinite(k) && k < 1e6 * ks; i++) {
      k = cb + cw * moments(q, act, k)[0];
    }
    return Math.abs(k - ks) / ks;
  }

  /** Iterates the single-input recursions to {@link #DEPTH} with K^{(1)} = k1, λ_b = λ_W = 1. */
  private static Map<String, Double> iterate(Activation act, double cb, double cw, double gram) {
    NetworkSpec spec = NetworkSpec.uniform(1, 1_000_000, DEPTH, act, cb, cw, 1, 1);
    List<TheoryLayer> ls = TheoryEngine.layers(spec, Inputs.fromNormsAndAngles(1, new double[] {Math.sqrt(gram)},
        new double[1][1])).layers();
    TheoryLayer first = ls.get(0);
    TheoryLayer last = ls.get(DEPTH - 1);
    TheoryLayer half = ls.get(DEPTH / 2 - 1);
    double k = last.kernel()[0][0];
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("K_L", k);
    m.put("K_L_over_K_1", k / first.kernel()[0][0]);
    m.put("V_over_K2_per_l", last.vDiag(0) / (k * k) / (act.scaleInvariantSlopes() != null ? DEPTH - 1 : DEPTH));
    m.put("Theta_per_l", last.theta()[0][0] / DEPTH);
    m.put("Theta_exponent", Math.log(last.theta()[0][0] / half.theta()[0][0]) / Math.log(2));
    m.put("G1_L", last.g1()[0][0]);
    dntk(m, spec, ls, "");
    if (DntkTheory.unsupported(spec) == null) {
      NetworkSpec noBias = NetworkSpec.uniform(1, 1_000_000, DEPTH, act, cb, cw, 0, 1);
      dntk(m, noBias, TheoryEngine.layers(noBias, Inputs.fromNormsAndAngles(1,
          new double[] {Math.sqrt(gram)}, new double[1][1])).layers(), "_lambda_b_0");
    }
    return m;
  }

  /**
   * P/Θ² and Q/Θ² per layer at ℓ = {@link #DEPTH} (docs/THEORY.md §16): the dNTK grows like ℓ/n at
   * criticality (relu with λ_b = 0: P = 0, Q/Θ² → ℓ/3; tanh: P/Θ² → −ℓ/12).
   */
  private static void dntk(Map<String, Double> m, NetworkSpec spec, List<TheoryLayer> ls, String suffix) {
    if (DntkTheory.unsupported(spec) != null) {
      return;
    }
    DntkTheory.Result d = DntkTheory.single(spec, ls);
    double th = ls.get(DEPTH - 1).theta()[0][0];
    m.put("P_over_Theta2_per_l" + suffix, d.p()[DEPTH - 1][0] / (th * th) / DEPTH);
    m.put("Q_over_Theta2_per_l" + suffix, d.q()[DEPTH - 1][0] / (th * th) / DEPTH);
  }
}

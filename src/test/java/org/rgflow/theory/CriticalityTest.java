package org.rgflow.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;

/**
 * Criticality classes vs docs/THEORY.md §4. Run: {@code mvn -q -B test -Dtest=CriticalityTest}.
 * Critical constants are closed forms (exact to 1e-12); χ at a half-stable K* must be 1 to 1e-8;
 * large-depth numbers at ℓ = 1000 carry O(log ℓ/ℓ) corrections (bars 2–3%).
 */
class CriticalityTest {
  @Test
  void scaleInvariant() {
    Criticality.Report r = Criticality.analyze(Activations.relu());
    assertEquals("scale-invariant", r.cls());
    assertEquals(0, r.cb());
    assertEquals(2, r.cw(), 1e-12);
    assertEquals(1, r.chiPar(), 1e-10);
    assertEquals(1, r.chiPerp(), 1e-10);
    assertEquals(5, r.largeDepth().get("V_over_K2_per_l"), 1e-8);
    assertEquals(1, r.largeDepth().get("K_L_over_K_1"), 1e-10);
    assertEquals(1, Criticality.analyze(Activations.linear()).cw(), 1e-12);
    double a = 0.3;
    assertEquals(2 / (1 + a * a), Criticality.analyze(Activations.leakyRelu(a)).cw(), 1e-12);
    assertEquals("scale-invariant", Criticality.analyze(Activations.monomial(1)).cls());
  }

  /**
   * The dNTK at large depth (docs/THEORY.md §16): relu with λ_b = 0 has P = 0 and Q/Θ² = (ℓ²−1)/(3ℓ),
   * so (Q/Θ²)/ℓ = (1 − 1/ℓ²)/3 at ℓ = 1000; with λ_b = λ_W = 1, r = 1/3 and (Q/Θ²)/ℓ → 1/9. tanh (and
   * sin), p⊥ = 1: P/Θ² → −ℓ/12 where Θ stays O(1) (λ_b = 0 here; the 1/ℓ schedule likewise), but
   * −ℓ/30 with constant λ_b = 1, where Θ ≈ ℓ/2 and B ≈ ℓ³/20 (docs/THEORY.md §16; O(log ℓ/ℓ)
   * corrections at ℓ = 1000: bar 3%).
   */
  @Test
  void dntkLargeDepth() {
    Criticality.Report r = Criticality.analyze(Activations.relu());
    double l = Criticality.DEPTH;
    assertEquals(0, r.largeDepth().get("P_over_Theta2_per_l_lambda_b_0"), 0);
    assertEquals((1 - 1 / (l * l)) / 3, r.largeDepth().get("Q_over_Theta2_per_l_lambda_b_0"), 1e-9);
    assertEquals(0, r.largeDepth().get("P_over_Theta2_per_l"), 0);
    assertEquals(1.0 / 9, r.largeDepth().get("Q_over_Theta2_per_l"), 1e-3);
    for (var act : new org.rgflow.act.Activation[] {Activations.tanh(), Activations.sin()}) {
      Criticality.Report t = Criticality.analyze(act);
      assertEquals(-1.0 / 30, t.largeDepth().get("P_over_Theta2_per_l"), 0.03 / 30, act.name());
      assertEquals(-1.0 / 12, t.largeDepth().get("P_over_Theta2_per_l_lambda_b_0"), 0.03 / 12, act.name());
      System.out.printf("[criticality dNTK] %s: P/Θ²/ℓ = %.5f (λ_b=0: %.5f), Q/Θ²/ℓ = %.5f (λ_b=0: %.5f)%n",
          act.name(), t.largeDepth().get("P_over_Theta2_per_l"),
          t.largeDepth().get("P_over_Theta2_per_l_lambda_b_0"), t.largeDepth().get("Q_over_Theta2_per_l"),
          t.largeDepth().get("Q_over_Theta2_per_l_lambda_b_0"));
    }
  }

  @Test
  void kStarZero() {
    Criticality.Report r = Criticality.analyze(Activations.tanh());
    assertEquals("K*=0", r.cls());
    assertEquals(0, r.cb());
    assertEquals(1, r.cw(), 1e-12);
    assertEquals(-2, r.constants().get("a1"), 1e-12);
    assertEquals(1, r.constants().get("p_perp"), 1e-12);
    assertEquals(1, r.chiPar(), 1e-5); // at K = 1e-6: 1 + 2 a1 K
    assertEquals(1, r.largeDepth().get("K_times_l_times_minus_a1"), 0.02);
    assertEquals(2.0 / 3, r.largeDepth().get("V_over_K2_per_l"), 0.03);
    assertEquals(Math.PI / 4, Criticality.analyze(Activations.erf()).cw(), 1e-12);
    assertEquals("K*=0", Criticality.analyze(Activations.sin()).cls());
  }

  @Test
  void halfStable() {
    for (var act : new org.rgflow.act.Activation[] {Activations.gelu(), Activations.swish()}) {
      Criticality.Report r = Criticality.analyze(act);
      assertEquals("half-stable", r.cls(), r.toString());
      assertEquals(1, r.chiPar(), 1e-8, r.toString());
      assertEquals(1, r.chiPerp(), 1e-8, r.toString());
      assertTrue(r.cb() >= 0);
      // fixed point: K* = C_b + C_W ⟨σ²⟩_{K*}
      double s2 = Criticality.moments(new org.rgflow.gauss.GaussQuadrature(act.kinks()), act, r.kStar())[0];
      assertEquals(r.kStar(), r.cb() + r.cw() * s2, 1e-10 * r.kStar());
      double up = r.largeDepth().get("rel_dist_from_above");
      double down = r.largeDepth().get("rel_dist_from_below");
      // marginal flow: χ∥ = 1 means power-law (not exponential) motion; after 2000 layers from
      // K*(1 ± 0.05) the kernel has neither run away nor collapsed (one-sidedness is reported, not asserted)
      assertTrue(Math.max(up, down) < 0.06 && Math.min(up, down) < 0.05, r.behaviour());
      // Half-stability: g′(K*) = χ∥ = 1 and g″(K*) ≠ 0 for the kernel map g(K) = C_b + C_W⟨σ²⟩_K.
      // The reported g″ (Hermite form) must equal a central second difference of g itself.
      var q = new org.rgflow.gauss.GaussQuadrature(act.kinks());
      double ks = r.kStar();
      java.util.function.DoubleUnaryOperator map = k -> r.cb() + r.cw() * Criticality.moments(q, act, k)[0];
      java.util.function.DoubleUnaryOperator second = h ->
          (map.applyAsDouble(ks + h) - 2 * map.applyAsDouble(ks) + map.applyAsDouble(ks - h)) / (h * h);
      double h = 1e-2 * ks;
      // Richardson extrapolation of the O(h²) truncation error (swish's g″ is small against g⁗h²).
      double fd = (4 * second.applyAsDouble(h / 2) - second.applyAsDouble(h)) / 3;
      double g2 = r.constants().get("g2");
      assertEquals(g2, fd, 1e-3 * Math.abs(g2), "g'' vs finite difference: " + r.behaviour());
      assertTrue(Math.abs(g2 * ks) > 1e-6, "g''(K*) is not distinguishable from 0: " + r.behaviour());
      assertTrue(r.behaviour().contains(g2 < 0 ? "from above only" : "from below only"), r.behaviour());
    }
  }

  @Test
  void none() {
    for (String n : new String[] {"sigmoid", "softplus", "step", "monomial(2)", "monomial(3)"}) {
      Criticality.Report r = Criticality.analyze(Activations.parse(n));
      assertEquals("none", r.cls(), n + " " + r);
      assertTrue(Double.isNaN(r.cw()));
      assertTrue(r.reason().startsWith(n), r.reason());
    }
    assertTrue(Criticality.analyze(Activations.sigmoid()).reason().contains("σ(0) ≠ 0"));
    assertTrue(Criticality.analyze(Activations.sigmoid()).reason().contains("(f<0)"));
    assertTrue(Criticality.analyze(Activations.softplus()).reason().contains("(f>0)"));
  }
}

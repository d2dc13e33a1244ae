package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.spec.SpecException;
import org.rgflow.theory.Criticality;
import org.rgflow.theory.ResidualCriticality;

/**
 * Residual criticality (docs/THEORY.md §14.4): the critical (C_b, C_W) from γ² + ξ²C_W A₂ = 1
 * (scale-invariant) and γ² + ξ²C_W σ₁² = 1 (K* = 0 class), χ∥ = χ⊥ = 1 there, the closed-form ν(γ)
 * against the recursions iterated to ℓ = 1000 (V/K² growth per layer), and the inverse γ(ν).
 * Run: {@code mvn -q test -Dtest=ResidualCriticalityTest}.
 */
class ResidualCriticalityTest {

  private static Criticality.Report at(Activation a, double gamma, double xi, double nu) {
    return ResidualCriticality.analyze(a, Criticality.analyze(a), gamma, xi, nu);
  }

  @Test
  void reluAtGammaHalfHasCwOnePointFiveAndNuWithT() {
    Activation relu = Activations.relu();
    Criticality.Report r = at(relu, 0.5, 1, Double.NaN);
    assertEquals("scale-invariant", r.cls());
    assertEquals(0, r.cb(), 0);
    assertEquals(1.5, r.cw(), 1e-15);
    assertEquals(1, r.chiPar(), 1e-12);
    assertEquals(1, r.chiPerp(), 1e-12);
    double nu = r.constants().get("nu");
    assertEquals(ResidualReference.nuScaleInvariant(1, 0, 0.5, true), nu, 1e-12);
    assertEquals(6.4273, nu, 1e-4);
    assertEquals(3.5625, r.constants().get("nu_without_T"), 1e-12);
    assertEquals(nu, r.largeDepth().get("V_over_K2_growth"), 1e-6 * nu);
    // ξ only rescales C_W: γ² + ξ² C_W A₂ = 1, same ν
    Criticality.Report x = at(relu, 0.5, 0.5, Double.NaN);
    assertEquals(6.0, x.cw(), 1e-14);
    assertEquals(nu, x.largeDepth().get("V_over_K2_growth"), 1e-6 * nu);
    // leaky relu: the T term is there, smaller
    Activation leaky = Activations.parse("leaky_relu(0.2)");
    Criticality.Report l = at(leaky, 0.7, 1, Double.NaN);
    assertEquals((1 - 0.49) / ((1 + 0.04) / 2), l.cw(), 1e-12);
    assertEquals(l.constants().get("nu"), l.largeDepth().get("V_over_K2_growth"),
        1e-6 * l.constants().get("nu"));
  }

  @Test
  void tanhAtGammaPointNineIsKStarZeroWithNuTwoThirdsOneMinusGammaToTheFour() {
    Criticality.Report r = at(Activations.tanh(), 0.9, 1, Double.NaN);
    assertEquals("K*=0", r.cls());
    assertEquals(0.19, r.cw(), 1e-14);
    assertEquals(1, r.chiPar(), 1e-4);
    assertEquals(1, r.chiPerp(), 1e-4);
    double nu = 2.0 / 3 * (1 - Math.pow(0.9, 4));
    assertEquals(nu, r.constants().get("nu"), 1e-12);
    // the K*=0 approach has log corrections: at ℓ = 1000 the per-layer growth is within 1%
    assertEquals(nu, r.largeDepth().get("V_over_K2_growth"), 0.01 * nu);
    // K ≈ 1/((1−γ²)(−a₁)ℓ) with a₁ = −2
    assertEquals(1, r.largeDepth().get("K_L") * 1000 * 0.19 * 2, 0.05);
  }

  @Test
  void inverseGivesTheGammasOfAChosenNu() {
    Activation relu = Activations.relu();
    List<Double> two = ResidualCriticality.gammaFor(relu, "scale-invariant", 6.0);
    assertEquals(2, two.size(), two.toString());
    for (double g : two) {
      assertEquals(6.0, ResidualCriticality.nu(relu, "scale-invariant", g, true), 1e-10);
      Criticality.Report r = at(relu, g, 1, 6.0);
      assertEquals(6.0, r.largeDepth().get("V_over_K2_growth"), 1e-5);
    }
    List<Double> one = ResidualCriticality.gammaFor(relu, "scale-invariant", 4.0);
    assertEquals(1, one.size(), one.toString());
    assertTrue(ResidualCriticality.gammaFor(relu, "scale-invariant", 7.0).isEmpty());
    List<Double> t = ResidualCriticality.gammaFor(Activations.tanh(), "K*=0", 0.5);
    assertEquals(1, t.size());
    assertEquals(Math.pow(0.25, 0.25), t.get(0), 1e-10);
  }

  @Test
  void gammaOneIsRefused() {
    SpecException e = assertThrows(SpecException.class,
        () -> at(Activations.relu(), 1.0, 1, Double.NaN));
    assertEquals("--gamma", e.field());
  }
}

package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.core.Obs;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.ResidualNtkAD;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryLayer;

/**
 * theory.ResidualNtkAD, A = n Cov(Θ̂_ii, Θ̂_kk), D = n Cov(Θ̂_ii, z_k²) and U = n E[Θ̂_ii z_k] at the
 * first residual layer (layer 2): at γ = 0 equal to the engine's MLP A, D to 1e-9 (U = 0); the
 * closed forms for ReLU; the engine's values (from theory.ResidualNtkFluct) equal them; the CPU ensemble
 * agrees within 3 SE (n = 64, L = 2, ℓ/n = 0.031, E = 4000).
 */
class ResidualNtkADTest {

  @ParameterizedTest(name = "{0} C_b={1} C_W={2} xi={3}")
  @CsvSource({"relu, 0, 2, 1", "tanh, 0.1, 1.3, 1", "relu, 0.2, 1.7, 0.8", "tanh, 0.1, 1.1, 1.2"})
  void gammaZeroIsTheEnginesMlp(String act, double cb, double cw, double xi) {
    NetworkSpec spec = ResidualTheoryTest.spec(act, 64, 3, cb, cw, 0.5, 1, 0, xi);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {0.9}, new double[1][1]);
    TheoryEngine.Theory t = TheoryEngine.layers(spec, in);
    TheoryLayer first = t.layers().get(0);
    TheoryLayer e = t.layers().get(1);
    double[] r = ResidualNtkAD.layer2(spec, first.kernel()[0][0], first.theta()[0][0]);
    assertEquals(e.a()[0], r[0], 1e-9 * Math.abs(e.a()[0]) + 1e-12, "A layer 2");
    assertEquals(e.d()[0], r[1], 1e-9 * Math.abs(e.d()[0]) + 1e-12, "D layer 2");
    assertEquals(0, r[2], 0, "U layer 2");
  }

  /** ReLU, K¹ = Θ¹ = 1, λ_W = 1: Var(σ² + C_W σ′²) etc. from ⟨σ²⟩ = ½, ⟨σ⁴⟩ = 3/2, ⟨z³θ(z)⟩ = 2/√(2π). */
  @Test
  void reluClosedForms() {
    for (double gamma : new double[] {0.5, 0.9}) {
      double cw = 2 * (1 - gamma * gamma);
      NetworkSpec spec = ResidualTheoryTest.spec("relu", 64, 3, 0, cw, 0.5, 1, gamma, 1);
      double[] r = ResidualNtkAD.layer2(spec, 1, 1);
      double a = 1.25 + 2 * cw * 0.25 + cw * cw * 0.25;
      double d = cw * (1.25 + cw * 0.25) + gamma * gamma;
      double u = gamma * (2 + cw) / Math.sqrt(2 * Math.PI);
      System.out.printf("[ResidualNtkADTest] relu gamma=%s layer 2: A %.6f D %.6f U %.6f%n", gamma,
          r[0], r[1], r[2]);
      assertEquals(a, r[0], 1e-9, "A");
      assertEquals(d, r[1], 1e-9, "D");
      assertEquals(u, r[2], 1e-9, "U");
    }
  }

  @Test
  void engineFillsEveryLayerFromTheHistoryRecursion() {
    NetworkSpec spec = ResidualTheoryTest.spec("tanh", 64, 3, 0, 0.19, 0.5, 1, 0.9, 1);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {1.0}, new double[1][1]);
    TheoryEngine.Theory t = TheoryEngine.layers(spec, in);
    double k1 = t.layers().get(0).kernel()[0][0];
    double th1 = t.layers().get(0).theta()[0][0];
    double[] r = ResidualNtkAD.layer2(spec, k1, th1);
    assertEquals(r[0], t.layers().get(1).a()[0], 1e-12 * Math.abs(r[0]));
    assertEquals(r[1], t.layers().get(1).d()[0], 1e-12 * Math.abs(r[1]));
    org.rgflow.theory.ResidualNtkFluct.Series s =
        org.rgflow.theory.ResidualNtkFluct.of(spec, k1, th1);
    assertEquals(s.a()[2], t.layers().get(2).a()[0], 0, "A layer 3");
    assertEquals(s.d()[2], t.layers().get(2).d()[0], 0, "D layer 3");
    assertTrue(!Double.isNaN(t.layers().get(2).b()[0]), "B layer 3 filled");
  }

  /** λ_W = 0 rows: for tanh, σ² and σ′² nearly cancel in a at λ_W = 1 (A = 0.015), so also a = C_WΘσ′². */
  @ParameterizedTest(name = "{0} gamma={1} lambda_W={2}")
  @CsvSource({"relu, 0.5, 1, 1401", "relu, 0.9, 1, 1402", "tanh, 0.5, 1, 1403", "tanh, 0.9, 1, 1404",
      "tanh, 0.5, 0, 1405", "tanh, 0.9, 0, 1406"})
  void ensembleAgreesAtLayerTwo(String act, double gamma, double lw, long seed) {
    int n = 64;
    long ensemble = 4000;
    double cw = (1 - gamma * gamma) * (act.equals("relu") ? 2 : 1);
    NetworkSpec spec = ResidualTheoryTest.spec(act, n, 2, 0, cw, 0.5, lw, gamma, 1);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {1.0}, new double[1][1]);
    Agreement.Paired p = Agreement.run(new org.rgflow.ensemble.CpuEnsemble(), spec, in, ensemble,
        seed, true);
    for (Obs o : new Obs[] {Obs.A, Obs.D}) {
      double m = p.m(2).value().get(o).getFlat(0);
      double se = p.m(2).err().get(o).getFlat(0);
      double th = p.t(2).theory().get(o).getFlat(0);
      System.out.printf("[ResidualNtkADTest] %s gamma=%s lambda_W=%s n=%d L=2 E=%d: %s %.5f +- %.5f, theory %.5f"
          + " (z %.2f)%n", act, gamma, lw, n, ensemble, o, m, se, th, (m - th) / se);
      assertEquals(th, m, 3 * se, o + " " + act + " γ=" + gamma);
    }
  }
}

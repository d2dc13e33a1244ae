package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.ResidualNtkFluct;
import org.rgflow.theory.ResidualSeries;

/**
 * The depth-history A, D, U, V, T of theory.ResidualNtkFluct against the independent particle
 * Monte Carlo ResidualParticleMc (the exact single-input z-law, θ by its conditional mean;
 * docs/THEORY.md §17.9) at layers 3 and 4, critical, C_b = 0, K^{(1)} = Θ^{(1)} = 1, λ_b = 0.5,
 * fixed seeds, k = 3 (SE from 50 batch means); and, where the single-time closure of A, D differs
 * (tanh γ = 0.9, λ_W = 0: by 19–24%), the Monte Carlo rejects it by more than 10 SE. A few seconds
 * each (single-threaded cost O(nLE), about 1 s on an idle core).
 */
class ResidualParticleMcTest {

  static ResidualParticleMc.Result mc(NetworkSpec spec, int n, long ensemble, long seed) {
    double[] kInf = ResidualSeries.closure(spec, 1, true).k();
    return ResidualParticleMc.run(spec, 1, 1, kInf, n, ensemble, 50, seed);
  }

  static NetworkSpec spec(String act, double gamma, double lw, int depth) {
    double cw = (1 - gamma * gamma) * (act.equals("relu") ? 2 : 1);
    return ResidualTheoryTest.spec(act, 64, depth, 0, cw, 0.5, lw, gamma, 1);
  }

  /** n = 512 (relu, 1/n corrections ≲ 1 SE there) or 256 (tanh), E = 20000, L = 4. */
  @ParameterizedTest(name = "{0} gamma={1} lambda_W={2} n={3}")
  @CsvSource({"relu, 0.5, 1, 512, 41", "relu, 0.9, 1, 512, 42", "tanh, 0.5, 0, 256, 43",
      "tanh, 0.9, 0, 256, 44"})
  void historyAgrees(String act, double gamma, double lw, int n, long seed) {
    int depth = 4;
    NetworkSpec spec = spec(act, gamma, lw, depth);
    ResidualNtkFluct.Series h = ResidualNtkFluct.of(spec, 1, 1);
    double[][] th = {h.a(), h.d(), h.u(), h.v(), h.t()};
    ResidualParticleMc.Result r = mc(spec, n, 20000, seed);
    for (int q = 0; q < th.length; q++) {
      for (int l = 3; l <= depth; l++) {
        double m = r.mean()[q][l - 1];
        double se = r.se()[q][l - 1];
        System.out.printf("[ResidualParticleMcTest] %s gamma=%s lambda_W=%s n=%d E=20000 layer %d: %s"
            + " %.6g +- %.3g, history %.6g (z %.2f)%n", act, gamma, lw, n, l,
            ResidualParticleMc.NAMES[q], m, se, th[q][l - 1], (m - th[q][l - 1]) / se);
        assertEquals(th[q][l - 1], m, 3 * se, ResidualParticleMc.NAMES[q] + " layer " + l);
      }
    }
  }

  /** tanh γ = 0.9, λ_W = 0, n = 256, E = 20000: A at layers 3, 4 resolves history from closure. */
  @Test
  void closureRejected() {
    NetworkSpec spec = spec("tanh", 0.9, 0, 4);
    ResidualNtkFluct.Series h = ResidualNtkFluct.of(spec, 1, 1);
    ResidualNtkFluct.Series c = ResidualNtkFluct.closure(spec, 1, 1);
    ResidualParticleMc.Result r = mc(spec, 256, 20000, 45);
    for (int l = 3; l <= 4; l++) {
      double m = r.mean()[0][l - 1];
      double se = r.se()[0][l - 1];
      System.out.printf("[ResidualParticleMcTest] tanh gamma=0.9 lambda_W=0 n=256 E=20000 layer %d:"
          + " A %.6g +- %.3g, history %.6g (z %.2f), closure %.6g (z %.2f)%n", l, m, se,
          h.a()[l - 1], (m - h.a()[l - 1]) / se, c.a()[l - 1], (m - c.a()[l - 1]) / se);
      assertEquals(h.a()[l - 1], m, 3 * se, "history A layer " + l);
      assertTrue(Math.abs(m - c.a()[l - 1]) > 10 * se, "closure A rejected at layer " + l);
    }
  }

  /**
   * Slow (about a minute): relu γ = 0.9, L = 6, V, A, D at n = 1024 and 2048, E = 100000 each;
   * the Richardson value 2X(2048) − X(1024) within 3 SE of the history value (A, D, U, V, T at
   * layers 3..6).
   */
  @Tag("slow")
  @Test
  void reluDeepExtrapolates() {
    NetworkSpec spec = spec("relu", 0.9, 1, 6);
    ResidualNtkFluct.Series h = ResidualNtkFluct.of(spec, 1, 1);
    ResidualNtkFluct.Series c = ResidualNtkFluct.closure(spec, 1, 1);
    ResidualParticleMc.Result a = mc(spec, 1024, 100000, 46);
    ResidualParticleMc.Result b = mc(spec, 2048, 100000, 47);
    double[][] th = {h.a(), h.d(), h.u(), h.v(), h.t()};
    double[][] tc = {c.a(), c.d(), c.u(), c.v(), c.t()};
    for (int q = 0; q < th.length; q++) {
      for (int l = 3; l <= 6; l++) {
        double ex = 2 * b.mean()[q][l - 1] - a.mean()[q][l - 1];
        double se = Math.hypot(2 * b.se()[q][l - 1], a.se()[q][l - 1]);
        System.out.printf("[ResidualParticleMcTest] relu gamma=0.9 layer %d: %s(1024) %.6g +- %.3g,"
            + " %s(2048) %.6g +- %.3g, 2X(2048)-X(1024) %.6g +- %.3g, history %.6g (z %.2f),"
            + " closure %.6g (z %.2f)%n", l, ResidualParticleMc.NAMES[q], a.mean()[q][l - 1],
            a.se()[q][l - 1], ResidualParticleMc.NAMES[q], b.mean()[q][l - 1], b.se()[q][l - 1], ex,
            se, th[q][l - 1], (ex - th[q][l - 1]) / se, tc[q][l - 1], (ex - tc[q][l - 1]) / se);
        assertEquals(th[q][l - 1], ex, 3 * se, ResidualParticleMc.NAMES[q] + " layer " + l);
      }
    }
  }
}

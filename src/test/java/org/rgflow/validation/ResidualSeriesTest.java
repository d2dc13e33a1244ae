package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.ResidualSeries;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryLayer;

/**
 * theory.ResidualSeries (the single-input K, V, T used by the collapse figure's "without T" line and
 * by aspect-ratio): with T it equals the engine's K, V and T (TheoryEngine, multi-input code) to 1e-9
 * relative; with and without T it equals the independent {@link ResidualReference} to 1e-6, to
 * depth 8, for relu γ = 0.5 (C_W = 1.5), relu γ = 0.9, tanh γ = 0.9, tanh γ = 0.5 and an
 * off-critical relu point with ξ ≠ 1.
 */
class ResidualSeriesTest {

  @ParameterizedTest(name = "{0} C_b={1} C_W={2} gamma={3} xi={4}")
  @CsvSource({"relu, 0, 1.5, 0.5, 1", "relu, 0, 0.38, 0.9, 1", "tanh, 0, 0.19, 0.9, 1",
      "tanh, 0, 0.75, 0.5, 1", "relu, 0.2, 1.1, 0.7, 0.8"})
  void equalsTheEngineAndTheReference(String act, double cb, double cw, double gamma, double xi) {
    int depth = 8;
    NetworkSpec spec = ResidualTheoryTest.spec(act, 64, depth, cb, cw, 0.5, 1, gamma, xi);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {0.9}, new double[1][1]);
    TheoryEngine.Theory t = TheoryEngine.layers(spec, in);
    double k1 = t.layers().get(0).kernel()[0][0];
    ResidualSeries.Series with = ResidualSeries.of(spec, k1, true);
    ResidualSeries.Series without = ResidualSeries.of(spec, k1, false);
    ResidualSeries.Series closure = ResidualSeries.closure(spec, k1, true);
    ResidualReference refWith = new ResidualReference(act, depth, k1, 1, cb, cw, 0.5, 1, gamma, xi,
        true);
    ResidualReference refWithout = new ResidualReference(act, depth, k1, 1, cb, cw, 0.5, 1, gamma,
        xi, false);
    for (int l = 1; l <= depth; l++) {
      TheoryLayer e = t.layers().get(l - 1);
      close(e.kernel()[0][0], with.k()[l - 1], 1e-9, "K engine layer " + l);
      close(e.vDiag(0), with.v()[l - 1], 1e-9, "V engine layer " + l);
      close(e.tDiag(0), with.t()[l - 1], 1e-9, "T engine layer " + l);
      close(refWith.k[l - 1], with.k()[l - 1], 1e-6, "K reference layer " + l);
      // the reference implements the single-time closure: it checks ResidualSeries.closure
      close(refWith.v[l - 1], closure.v()[l - 1], 1e-6, "V closure reference layer " + l);
      if (l <= 2) {
        close(refWith.v[l - 1], with.v()[l - 1], 1e-6, "V reference layer " + l);
      }
      close(refWith.t[l - 1], with.t()[l - 1], 1e-6, "T reference layer " + l);
      close(refWithout.v[l - 1], without.v()[l - 1], 1e-6, "V without T, reference layer " + l);
      assertEquals(0.0, without.t()[l - 1], "T dropped");
    }
  }

  private static void close(double ref, double got, double rel, String what) {
    assertEquals(ref, got, rel * Math.abs(ref) + 1e-13, what);
  }
}

package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.ResidualHistoryMulti;
import org.rgflow.theory.ResidualNtkFluct;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryLayer;

/**
 * theory.ResidualHistoryMulti, the two-input depth-history V and G1 (docs/THEORY.md §17.11): on
 * one input it is ResidualNtkFluct's V (1e-8) and G1 (1e-6); on two inputs its diagonal components
 * are the single-input values of each input (V 1e-6, G1 1e-5: the two-time averages are
 * four-dimensional quadratures, error ~1e-8 in V and ~1e-6 in G1, which carries He2 weights); it
 * is symmetric under swapping the inputs and under the index symmetries of V; at γ = 0 it equals
 * the engine's MLP multi-input V and G1 (1e-9).
 */
class ResidualHistoryMultiTest {

  static double[][] k1(TheoryEngine.Theory t) {
    return t.layers().get(0).kernel();
  }

  /** Slow: about 20 s of CPU per case (four-dimensional quadratures). */
  @Tag("slow")
  @ParameterizedTest(name = "{0} gamma={1}")
  @CsvSource({"relu, 0.5, 1.5", "tanh, 0.9, 0.19"})
  void reducesToSingleInputAndIsSymmetric(String act, double gamma, double cw) {
    int depth = 3;
    NetworkSpec spec = ResidualTheoryTest.spec(act, 64, depth, 0.1, cw, 0.5, 1, gamma, 1);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {0.9, 1.2}, new double[][] {{0, 0.8}, {0, 0}});
    double[][] k = k1(TheoryEngine.layers(spec, in));
    ResidualHistoryMulti.Series two = ResidualHistoryMulti.of(spec, k);
    ResidualHistoryMulti.Series swapped = ResidualHistoryMulti.of(spec,
        new double[][] {{k[1][1], k[1][0]}, {k[0][1], k[0][0]}});
    for (int a = 0; a < 2; a++) {
      ResidualNtkFluct.Series s = ResidualNtkFluct.of(spec, k[a][a], 1);
      ResidualHistoryMulti.Series one = ResidualHistoryMulti.of(spec, new double[][] {{k[a][a]}});
      for (int l = 1; l <= depth; l++) {
        double v = s.v()[l - 1];
        double g = s.g1()[l - 1];
        assertEquals(v, one.v()[l - 1][0][0][0][0], 1e-8 * Math.abs(v) + 1e-13, "V one input " + l);
        assertEquals(g, one.g1()[l - 1][0][0], 1e-6 * Math.abs(g) + 1e-13, "G1 one input " + l);
        assertEquals(v, two.v()[l - 1][a][a][a][a], 1e-6 * Math.abs(v) + 1e-10, "V diag " + l);
        assertEquals(g, two.g1()[l - 1][a][a], 1e-5 * Math.abs(g) + 1e-9, "G1 diag " + l);
      }
    }
    for (int l = 1; l <= depth; l++) {
      double[][][][] v = two.v()[l - 1];
      double[][][][] w = swapped.v()[l - 1];
      System.out.printf("[ResidualHistoryMultiTest] %s gamma=%s layer %d: V0000 %.8g V0011 %.8g"
          + " V0101 %.8g V0001 %.8g V0111 %.8g V1111 %.8g G1_00 %.8g G1_01 %.8g G1_11 %.8g%n",
          act, gamma, l, v[0][0][0][0], v[0][0][1][1], v[0][1][0][1], v[0][0][0][1], v[0][1][1][1],
          v[1][1][1][1], two.g1()[l - 1][0][0], two.g1()[l - 1][0][1], two.g1()[l - 1][1][1]);
      double scale = Math.abs(v[0][0][0][0]) + Math.abs(v[1][1][1][1]) + 1e-12;
      for (int i = 0; i < 16; i++) {
        int a = i >> 3 & 1;
        int b = i >> 2 & 1;
        int c = i >> 1 & 1;
        int d = i & 1;
        assertEquals(v[a][b][c][d], v[b][a][c][d], 1e-12 * scale, "V (12) symmetry");
        assertEquals(v[a][b][c][d], v[c][d][a][b], 1e-12 * scale, "V pair symmetry");
        assertEquals(v[a][b][c][d], w[1 - a][1 - b][1 - c][1 - d], 1e-6 * scale, "input swap");
      }
      double gs = Math.abs(two.g1()[l - 1][0][0]) + 1e-12;
      assertEquals(two.g1()[l - 1][0][1], two.g1()[l - 1][1][0], 1e-12 * gs, "G1 symmetry");
      assertEquals(two.g1()[l - 1][0][1], swapped.g1()[l - 1][1][0], 1e-5 * gs, "G1 input swap");
    }
  }

  @ParameterizedTest(name = "{0} C_b={1} C_W={2} xi={3}")
  @CsvSource({"relu, 0, 2, 1", "tanh, 0.1, 1.3, 1", "relu, 0.2, 1.7, 0.8", "tanh, 0.1, 1.1, 1.2"})
  void gammaZeroIsTheEnginesMlp(String act, double cb, double cw, double xi) {
    int depth = 5;
    NetworkSpec spec = ResidualTheoryTest.spec(act, 64, depth, cb, cw, 0.5, 1, 0, xi);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {0.9, 1.2}, new double[][] {{0, 0.8}, {0, 0}});
    TheoryEngine.Theory t = TheoryEngine.layers(spec, in);
    ResidualHistoryMulti.Series s = ResidualHistoryMulti.of(spec, k1(t));
    for (int l = 1; l <= depth; l++) {
      TheoryLayer e = t.layers().get(l - 1);
      for (int i = 0; i < 16; i++) {
        int a = i >> 3 & 1;
        int b = i >> 2 & 1;
        int c = i >> 1 & 1;
        int d = i & 1;
        double ve = e.v()[a][b][c][d];
        assertEquals(ve, s.v()[l - 1][a][b][c][d], 1e-9 * Math.abs(ve) + 1e-12,
            "V " + a + b + c + d + " layer " + l);
      }
      for (int i = 0; i < 4; i++) {
        double g = e.g1()[i / 2][i % 2];
        assertEquals(g, s.g1()[l - 1][i / 2][i % 2], 1e-9 * Math.abs(g) + 1e-10,
            "G1 " + i + " layer " + l);
      }
    }
  }
}

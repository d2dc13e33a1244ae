package org.rgflow.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rgflow.act.Activations;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Repeated inputs in the full multi-input tensors ({@link DistinctInputs}, docs/THEORY.md §16, §19):
 * the network on (x, x, y) is the network on (x, y), so every component of A, B, D, F (and P, Q) on
 * (x, x, y) or (x, y, x, y) is the (x, y) problem's component at the merged indices, and on (x, x)
 * the single-input value; per component |Δ| ≤ 1e-10·|want| + 1e-14·(layer's largest component), the
 * small absolute floor only for components that vanish (layer 1, where every tensor is 0).
 */
class RepeatedInputsTest {
  static NetworkSpec spec(String act) {
    return act.equals("relu")
        ? NetworkSpec.uniform(8, 64, 5, Activations.parse("relu"), 0.1, 2, 0.5, 1)
        : NetworkSpec.uniform(8, 64, 5, Activations.parse(act), 0.2, 1.5, 0.5, 1);
  }

  /** Two fixed inputs x (id 0) and y (id 1), n0 = 8. */
  static final double[][] XY = {
    {1.1, -0.4, 0.7, 0.2, -1.3, 0.5, 0.9, -0.6},
    {0.3, 0.8, -0.5, 1.2, 0.1, -0.9, 0.4, 0.6}
  };

  /** The inputs XY[ids[0]], XY[ids[1]], …: a repeated id is the same vector. */
  static Inputs inputs(int... ids) {
    double[][] x = new double[ids.length][];
    for (int i = 0; i < ids.length; i++) {
      x[i] = XY[ids[i]].clone();
    }
    return new Inputs(x);
  }

  static double[][][][][][] fluct(NetworkSpec spec, List<TheoryLayer> layers) {
    NtkFluctuations.Full f = NtkFluctuations.full(spec, layers);
    DntkTheory.Full pq = DntkTheory.full(spec, layers);
    return new double[][][][][][] {f.a(), f.b(), f.d(), f.f(), pq.p(), pq.q()};
  }

  static final String[] NAMES = {"A", "B", "D", "F", "P", "Q"};

  /** got on the inputs ids against want (the distinct problem) at the indices map[c]. */
  static double check(String act, int[] ids, int[] map, double[][][][][][] want,
      double[][][][][][] got) {
    int n = ids.length;
    int w = want[0][0].length;
    double worst = 0;
    for (int o = 0; o < want.length; o++) {
      for (int l = 0; l < want[o].length; l++) {
        double scale = 0;
        for (int f = 0; f < w * w * w * w; f++) {
          scale = Math.max(scale, Math.abs(want[o][l][f / (w * w * w)][f / (w * w) % w][f / w % w][f % w]));
        }
        for (int f = 0; f < n * n * n * n; f++) {
          int[] c = {f / (n * n * n), f / (n * n) % n, f / n % n, f % n};
          double e = want[o][l][map[c[0]]][map[c[1]]][map[c[2]]][map[c[3]]];
          double g = got[o][l][c[0]][c[1]][c[2]][c[3]];
          String what = act + " " + java.util.Arrays.toString(ids) + " " + NAMES[o] + java.util.Arrays.toString(c) + " layer " + (l + 1);
          assertTrue(Double.isFinite(g), what + " finite");
          assertEquals(e, g, 1e-10 * Math.abs(e) + 1e-14 * scale, what);
          if (e != 0) {
            worst = Math.max(worst, Math.abs(g - e) / Math.abs(e));
          }
        }
      }
    }
    return worst;
  }

  @ParameterizedTest
  @ValueSource(strings = {"relu", "tanh"})
  void repeatedInputsGiveTheDistinctProblemsValues(String act) {
    NetworkSpec spec = spec(act);
    double[][][][][][] pair = fluct(spec, TheoryEngine.layers(spec, inputs(0, 1)).layers());
    double worst = 0;
    for (int[] ids : new int[][] {{0, 0, 1}, {0, 1, 0, 1}}) {
      double[][][][][][] got = fluct(spec, TheoryEngine.layers(spec, inputs(ids)).layers());
      worst = Math.max(worst, check(act, ids, ids, pair, got));
    }
    // (y, x, y): the pair problem in its own order (y, x), since a relabelled pair runs its quadrature
    // on a permuted K (other nodes; for tanh a ~1e-10 difference, a quadrature limit, not a merge)
    double[][][][][][] yx = fluct(spec, TheoryEngine.layers(spec, inputs(1, 0)).layers());
    worst = Math.max(worst, check(act, new int[] {1, 0, 1}, new int[] {0, 1, 0}, yx,
        fluct(spec, TheoryEngine.layers(spec, inputs(1, 0, 1)).layers())));
    // (x, x): the single-input values, from the one-input problem's recursions
    List<TheoryLayer> one = TheoryEngine.layers(spec, inputs(0)).layers();
    double[][][][][][] single = fluct(spec, one);
    for (int l = 0; l < one.size(); l++) {
      TheoryLayer tl = one.get(l);
      double[] diag = {tl.a()[0], tl.b()[0], tl.d()[0], tl.f()[0]};
      for (int o = 0; o < 4; o++) {
        assertEquals(diag[o], single[o][l][0][0][0][0], 0.0, NAMES[o] + " one input");
      }
    }
    int[] xx = {0, 0};
    worst = Math.max(worst, check(act, xx, new int[] {0, 0}, single, fluct(spec,
        TheoryEngine.layers(spec, inputs(xx)).layers())));
    System.out.printf("[repeated inputs] %s: worst |Δ|/|want| %.2e%n", act, worst);
  }
}

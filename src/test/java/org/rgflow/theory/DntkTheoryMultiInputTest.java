package org.rgflow.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rgflow.act.Activations;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * P and Q on three distinct inputs (docs/THEORY.md §16, "Three and four distinct inputs"): exact
 * properties of {@link DntkTheory#subset} and of the full tensors it fills.
 */
class DntkTheoryMultiInputTest {
  static NetworkSpec spec(String act) {
    return switch (act) {
      case "relu" -> NetworkSpec.uniform(8, 64, 4, Activations.parse("relu"), 0.1, 2, 0.5, 1);
      case "gelu" -> NetworkSpec.uniform(8, 64, 4, Activations.parse("gelu"), 0.1, 1.8, 0.5, 1);
      default -> NetworkSpec.uniform(8, 64, 4, Activations.parse(act), 0.2, 1.5, 0.5, 1);
    };
  }

  static final double[] NORMS = {1.0, 1.3, 0.8};

  static double[][] angles() {
    double[][] ang = new double[3][3];
    ang[0][1] = ang[1][0] = Math.PI / 3;
    ang[0][2] = ang[2][0] = Math.PI / 2;
    ang[1][2] = ang[2][1] = Math.PI / 4;
    return ang;
  }

  /** The three inputs in the order perm (input i of the result is input perm[i] of the base set). */
  static Inputs three(int... perm) {
    double[][] a = angles();
    double[] norms = new double[3];
    double[][] ang = new double[3][3];
    for (int i = 0; i < 3; i++) {
      norms[i] = NORMS[perm[i]];
      for (int j = 0; j < 3; j++) {
        ang[i][j] = a[perm[i]][perm[j]];
      }
    }
    return Inputs.fromNormsAndAngles(8, norms, ang);
  }

  /** The default 3-D rule with 12 instead of 8 Gauss–Legendre points per panel. */
  static final GaussQuadrature.Rule TANH3 = new GaussQuadrature.Rule(8.5, 1.7, 12);

  static double scale(double[][][][][] t, int l, int m) {
    double s = 1e-300;
    for (int f = 0; f < m * m * m * m; f++) {
      s = Math.max(s, Math.abs(t[l][f / (m * m * m)][f / (m * m) % m][f / m % m][f % m]));
    }
    return s;
  }

  /**
   * The generic m-input code on two inputs reproduces {@link DntkTheory#pair} (separately written, with
   * its own 2-D integrand layout) on all 16 components at every layer to 1e-12 of the layer's largest
   * component: the index placement of the m-input recursions is the pair's.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tanh", "relu", "gelu"})
  void genericCodeOnTwoInputsIsThePairProblem(String act) {
    NetworkSpec spec = spec(act);
    List<TheoryLayer> layers = TheoryEngine.layers(spec, three(0, 1, 2)).layers();
    DntkTheory.Result one = DntkTheory.single(spec, layers);
    for (int[] ab : new int[][] {{0, 1}, {0, 2}, {2, 1}}) {
      double[][][][][][] pr = DntkTheory.pair(spec, layers, ab[0], ab[1], one);
      double[][][][][][] sb = DntkTheory.subset(spec, layers, ab, null);
      for (int o = 0; o < 2; o++) {
        for (int l = 0; l < layers.size(); l++) {
          double tol = 1e-12 * scale(pr[o], l, 2);
          for (int f = 0; f < 16; f++) {
            int[] c = {f >> 3 & 1, f >> 2 & 1, f >> 1 & 1, f & 1};
            assertEquals(pr[o][l][c[0]][c[1]][c[2]][c[3]], sb[o][l][c[0]][c[1]][c[2]][c[3]], tol,
                act + (o == 0 ? " P" : " Q") + java.util.Arrays.toString(c) + " layer " + (l + 1));
          }
        }
      }
    }
  }

  /**
   * The three-input problem (3-D quadrature) on its own components with fewer distinct inputs — e.g.
   * P_{0022}, whose recursion still sums Σ_β over all three inputs — reproduces the pair and single
   * values the full tensors take for them: relu (default rule) to 1e-10 of the layer's largest
   * component; tanh on a 12-point rule ({@link #TANH3}) to 1e-7. The default 3-D rule (8 points per
   * panel) is off by 1.3e-4 relative for tanh at layer 2, where K^{(1)} is large and σ′ narrow: a
   * quadrature limit, not a recursion difference (observed with TANH3: 1.9e-8 at layer 2, 3e-10 at
   * layer 3, at 2.6× the cost). The third input's linear-response weights must vanish for this to hold.
   */
  @ParameterizedTest
  @ValueSource(strings = {"relu", "tanh"})
  void tripleReducesToPairsOnRepeatedInputs(String act) {
    NetworkSpec spec = spec(act);
    List<TheoryLayer> layers = TheoryEngine.layers(spec, three(0, 1, 2)).layers();
    DntkTheory.Full full = DntkTheory.full(spec, layers);
    double[][][][][][] tr = DntkTheory.subset(spec, layers, new int[] {0, 1, 2},
        act.equals("relu") ? null : TANH3);
    double rel = act.equals("relu") ? 1e-10 : 1e-7;
    double[][][][][][] ft = {full.p(), full.q()};
    int checked = 0;
    for (int o = 0; o < 2; o++) {
      for (int l = 0; l < layers.size(); l++) {
        double tol = rel * scale(ft[o], l, 3);
        for (int f = 0; f < 81; f++) {
          int[] c = {f / 27, f / 9 % 3, f / 3 % 3, f % 3};
          int mask = 1 << c[0] | 1 << c[1] | 1 << c[2] | 1 << c[3];
          if (mask == 7) {
            continue;
          }
          assertEquals(ft[o][l][c[0]][c[1]][c[2]][c[3]], tr[o][l][c[0]][c[1]][c[2]][c[3]], tol,
              act + (o == 0 ? " P" : " Q") + java.util.Arrays.toString(c) + " layer " + (l + 1));
          checked++;
        }
      }
    }
    assertEquals(2 * layers.size() * (81 - 36), checked);
  }

  /**
   * Inputs (x, x, y): identical inputs are merged, so every component equals the two-input (x, y)
   * tensors at the merged indices to 1e-12 relative, none is NaN; and the three-input problem on
   * (x, x′, y) with x′ a copy of x rotated by 1e-3 rad stays within 1e-2 relative of those values
   * (relu, default rule), i.e. the genuine three-input components are continuous onto the pair.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tanh", "relu"})
  void repeatedInputReducesToTwoInputs(String act) {
    NetworkSpec spec = spec(act);
    double[][] a2 = {{0, Math.PI / 2}, {Math.PI / 2, 0}};
    Inputs two = Inputs.fromNormsAndAngles(8, new double[] {1.0, 0.8}, a2);
    double[][] a3 = {{0, 0, Math.PI / 2}, {0, 0, Math.PI / 2}, {Math.PI / 2, Math.PI / 2, 0}};
    Inputs dup = Inputs.fromNormsAndAngles(8, new double[] {1.0, 1.0, 0.8}, a3);
    List<TheoryLayer> l2 = TheoryEngine.layers(spec, two).layers();
    List<TheoryLayer> l3 = TheoryEngine.layers(spec, dup).layers();
    DntkTheory.Full f2 = DntkTheory.full(spec, l2);
    DntkTheory.Full f3 = DntkTheory.full(spec, l3);
    int[] map = {0, 0, 1};
    double[][][][][][] t2 = {f2.p(), f2.q()};
    double[][][][][][] t3 = {f3.p(), f3.q()};
    for (int o = 0; o < 2; o++) {
      for (int l = 0; l < l2.size(); l++) {
        double tol = 1e-12 * scale(t2[o], l, 2);
        for (int f = 0; f < 81; f++) {
          int[] c = {f / 27, f / 9 % 3, f / 3 % 3, f % 3};
          double got = t3[o][l][c[0]][c[1]][c[2]][c[3]];
          assertTrue(Double.isFinite(got), act + " finite");
          assertEquals(t2[o][l][map[c[0]]][map[c[1]]][map[c[2]]][map[c[3]]], got, tol,
              act + (o == 0 ? " P" : " Q") + java.util.Arrays.toString(c) + " layer " + (l + 1));
        }
      }
    }
    if (!act.equals("relu")) {
      return;
    }
    double e = 1e-3;
    double[][] a3e = {{0, e, Math.PI / 2}, {e, 0, Math.PI / 2}, {Math.PI / 2, Math.PI / 2, 0}};
    // x′ in the plane of x and a fourth direction: angle e to x, still orthogonal to y
    Inputs near = Inputs.fromNormsAndAngles(8, new double[] {1.0, 1.0, 0.8}, a3e);
    List<TheoryLayer> ln = TheoryEngine.layers(spec, near).layers();
    double[][][][][][] tn = DntkTheory.subset(spec, ln, new int[] {0, 1, 2}, null);
    double worst = 0;
    for (int o = 0; o < 2; o++) {
      for (int l = 0; l < l2.size(); l++) {
        double sc = scale(t2[o], l, 2);
        for (int f = 0; f < 81; f++) {
          int[] c = {f / 27, f / 9 % 3, f / 3 % 3, f % 3};
          if ((1 << c[0] | 1 << c[1] | 1 << c[2] | 1 << c[3]) != 7) {
            continue;
          }
          double want = t2[o][l][map[c[0]]][map[c[1]]][map[c[2]]][map[c[3]]];
          double got = tn[o][l][c[0]][c[1]][c[2]][c[3]];
          worst = Math.max(worst, Math.abs(got - want) / (sc + 1e-300));
          assertEquals(want, got, 1e-2 * sc,
              "near-duplicate " + (o == 0 ? "P" : "Q") + java.util.Arrays.toString(c) + " layer " + (l + 1));
        }
      }
    }
    System.out.printf("[dNTK N_D=3] relu near-duplicate (angle %.0e): worst |Δ|/scale %.2e%n", e, worst);
  }

  /**
   * Relabelling the inputs permutes the tensors: full P, Q on (x₀, x₁, x₂) in the order π equal those
   * on the base order at the permuted indices (the 3-D quadrature then runs on a permuted K, different
   * nodes), to 1e-9 of the layer's largest component for relu, 1e-5 for tanh (default rule, quadrature-limited:
   * observed 2.3e-6); P is
   * symmetric under α₁ ↔ α₂ to 1e-12; every component is finite, and the three-distinct ones are not all
   * zero.
   */
  @ParameterizedTest
  @ValueSource(strings = {"relu", "tanh"})
  void permutationSymmetryAndNoNaN(String act) {
    NetworkSpec spec = spec(act);
    List<TheoryLayer> base = TheoryEngine.layers(spec, three(0, 1, 2)).layers();
    DntkTheory.Full fb = DntkTheory.full(spec, base);
    int[] perm = {2, 0, 1};
    List<TheoryLayer> pl = TheoryEngine.layers(spec, three(perm)).layers();
    DntkTheory.Full fp = DntkTheory.full(spec, pl);
    double rel = act.equals("relu") ? 1e-9 : 1e-5;
    double[][][][][][] tb = {fb.p(), fb.q()};
    double[][][][][][] tp = {fp.p(), fp.q()};
    double mixed = 0;
    for (int o = 0; o < 2; o++) {
      for (int l = 0; l < base.size(); l++) {
        double sc = scale(tb[o], l, 3);
        for (int f = 0; f < 81; f++) {
          int[] c = {f / 27, f / 9 % 3, f / 3 % 3, f % 3};
          double x = tp[o][l][c[0]][c[1]][c[2]][c[3]];
          assertTrue(Double.isFinite(x), act + " finite " + java.util.Arrays.toString(c));
          assertEquals(tb[o][l][perm[c[0]]][perm[c[1]]][perm[c[2]]][perm[c[3]]], x, rel * sc,
              act + (o == 0 ? " P" : " Q") + java.util.Arrays.toString(c) + " layer " + (l + 1));
          if (o == 0) {
            assertEquals(x, tp[o][l][c[0]][c[2]][c[1]][c[3]], 1e-12 * sc, "P symmetric in α1 ↔ α2");
          }
          if ((1 << c[0] | 1 << c[1] | 1 << c[2] | 1 << c[3]) == 7) {
            mixed = Math.max(mixed, Math.abs(x));
          }
        }
      }
    }
    assertTrue(mixed > 0.05, act + ": three-input components not vacuous (" + mixed + ")");
  }

  /**
   * Four distinct inputs (slow: the 4-D problem takes about half a minute per layer): every component of
   * the full P and Q is finite, and the four-input problem on its components with fewer distinct inputs
   * reproduces the triple, pair and single values of the full tensors — relu (kinks split exactly) to
   * RELU4 of the largest component. (tanh on the default 4-D rule: 1.4e-4 absolute at scale 1, the
   * quadrature limit seen in 3-D.)
   */
  @Tag("slow")
  @Test
  void fourInputsFiniteAndReduceToTriples() {
    NetworkSpec spec = NetworkSpec.uniform(8, 64, 3, Activations.parse("relu"), 0.1, 2, 0.5, 1);
    Inputs in = new Inputs(new double[][] {{1, 0.5, -0.3, 0.8, 1.2, -1, 0.4, 0.9},
        {-0.6, 1.1, 0.7, 0.2, -0.9, 1.3, 0.5, -0.2}, {0.3, -0.8, 1.2, 1, 0.1, 0.6, -1.1, 0.7},
        {1.1, 0.9, 0.4, -0.7, 0.6, 0.2, 0.8, -1}});
    List<TheoryLayer> layers = TheoryEngine.layers(spec, in).layers();
    DntkTheory.Full full = DntkTheory.full(spec, layers);
    double[][][][][][] s4 = DntkTheory.subset(spec, layers, new int[] {0, 1, 2, 3}, null);
    double[][][][][][] ft = {full.p(), full.q()};
    for (int o = 0; o < 2; o++) {
      for (int l = 0; l < layers.size(); l++) {
        double tol = RELU4 * scale(ft[o], l, 4);
        for (int f = 0; f < 256; f++) {
          int[] c = {f / 64, f / 16 % 4, f / 4 % 4, f % 4};
          double x = ft[o][l][c[0]][c[1]][c[2]][c[3]];
          assertTrue(Double.isFinite(x), "finite " + java.util.Arrays.toString(c));
          if ((1 << c[0] | 1 << c[1] | 1 << c[2] | 1 << c[3]) != 15) {
            assertEquals(x, s4[o][l][c[0]][c[1]][c[2]][c[3]], tol,
                (o == 0 ? "P" : "Q") + java.util.Arrays.toString(c) + " layer " + (l + 1));
          }
        }
      }
    }
  }

  static final double RELU4 = 1e-8;
}

package org.rgflow.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The many-input theory (docs/THEORY.md, "Theory on many inputs"): every component of a run on N
 * inputs equals the run on a subset of them (each index set's average is computed the same way
 * whatever N is, given the same order of the inputs; held to 1e-12 relative to the tensor's scale,
 * well inside the 1e-8 bar), results are
 * bit-identical for 1 and 3 threads, and {@code kernelsOnly} gives the full run's K and Θ.
 * Run: {@code mvn -q -B test -Dtest=ManyInputsTest}.
 */
class ManyInputsTest {

  static Inputs random(int nd, int n0, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[nd][n0];
    for (int a = 0; a < nd; a++) {
      double scale = 0.6 + 0.8 * r.nextDouble();
      for (int j = 0; j < n0; j++) {
        x[a][j] = scale * r.nextGaussian() + 0.4 * (j % 3 == 0 ? 1 : 0);
      }
    }
    return new Inputs(x);
  }

  static Inputs subset(Inputs in, int[] idx) {
    double[][] x = new double[idx.length][];
    for (int i = 0; i < idx.length; i++) {
      x[i] = in.vector(idx[i]);
    }
    return new Inputs(x);
  }

  static TheoryEngine.Options opts(int threads, boolean kernelsOnly) {
    return new TheoryEngine.Options(threads, kernelsOnly, null);
  }

  static double scale(double[][] m) {
    double s = 0;
    for (double[] r : m) {
      for (double v : r) {
        s = Math.max(s, Math.abs(v));
      }
    }
    return s;
  }

  static double scale4(double[][][][] v) {
    double s = 0;
    for (double[][][] a : v) {
      for (double[][] b : a) {
        s = Math.max(s, scale(b));
      }
    }
    return s;
  }

  static void close(double e, double a, double tol, String what) {
    assertTrue(Math.abs(a - e) <= tol, what + ": expected " + e + " got " + a + " (tol " + tol + ")");
  }

  /** Every theory array of the subset run equals the full run's at the subset's indices. */
  static void checkSubsets(NetworkSpec spec, Inputs in, int[][] subsets, double rel) {
    List<TheoryLayer> full = TheoryEngine.layers(spec, in, opts(2, false)).layers();
    for (int[] idx : subsets) {
      List<TheoryLayer> sub = TheoryEngine.layers(spec, subset(in, idx), opts(1, false)).layers();
      assertEquals(full.size(), sub.size());
      for (int l = 0; l < full.size(); l++) {
        TheoryLayer f = full.get(l);
        TheoryLayer s = sub.get(l);
        double sk = rel * scale(f.kernel());
        double sg = rel * Math.max(scale(f.g1()), 1e-300);
        double sv = rel * Math.max(scale4(f.v()), 1e-300);
        double st = rel * scale(f.theta());
        int m = idx.length;
        for (int i = 0; i < m; i++) {
          String at = "layer " + (l + 1) + " subset " + java.util.Arrays.toString(idx) + " [" + i + "]";
          close(f.a()[idx[i]], s.a()[i], rel * Math.abs(f.a()[idx[i]]) + 1e-300, "A " + at);
          close(f.d()[idx[i]], s.d()[i], rel * Math.abs(f.d()[idx[i]]) + 1e-300, "D " + at);
          for (int j = 0; j < m; j++) {
            close(f.kernel()[idx[i]][idx[j]], s.kernel()[i][j], sk, "K " + at + j);
            close(f.g1()[idx[i]][idx[j]], s.g1()[i][j], sg, "G1 " + at + j);
            close(f.theta()[idx[i]][idx[j]], s.theta()[i][j], st, "Theta " + at + j);
            for (int p = 0; p < m; p++) {
              for (int q = 0; q < m; q++) {
                close(f.v()[idx[i]][idx[j]][idx[p]][idx[q]], s.v()[i][j][p][q], sv,
                    "V " + at + j + p + q);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void reluSubsetsOfSixInputsEqualTheSingleSetRuns() {
    NetworkSpec spec = NetworkSpec.uniform(8, 32, 4, Activations.relu(), 0.05, 2, 1, 1);
    checkSubsets(spec, random(6, 8, 11), new int[][] {{0, 1, 2, 3}, {5, 2, 4}, {1, 3, 4, 5}, {3}}, 1e-12);
  }

  @Test
  void leakyReluSubsetsEqualTheSingleSetRuns() {
    NetworkSpec spec = NetworkSpec.uniform(8, 32, 3, Activations.leakyRelu(0.2), 0.1, 1.8, 1, 1);
    checkSubsets(spec, random(5, 8, 12), new int[][] {{0, 2, 3, 4}, {1, 4}}, 1e-12);
  }

  @Test
  void tanhSubsetsOfFiveInputsEqualTheSingleSetRuns() {
    NetworkSpec spec = NetworkSpec.uniform(8, 32, 3, Activations.tanh(), 0.1, 1.2, 1, 1);
    // in increasing order: a reordered set changes tanh's 3- and 4-dim quadrature by its own error
    // (≈1e-9 absolute here), which is not what this test is about
    checkSubsets(spec, random(5, 8, 13), new int[][] {{0, 1, 3, 4}, {0, 2, 4}}, 1e-12);
  }

  /**
   * Smooth σ (SmoothProductRule for the index sets): subsets in another order than the full run's,
   * so each set's lattice is built on a permuted covariance, agree to 1e-10 of each tensor's scale;
   * and 1 and 3 threads are bit-identical.
   */
  @Test
  void smoothSigmaSubsetsInAnyOrderAgreeAndThreadsAreBitIdentical() {
    for (Activation act : new Activation[] {Activations.tanh(), Activations.gelu(), Activations.swish()}) {
      NetworkSpec spec = NetworkSpec.uniform(8, 32, 3, act, 0.1, act.name().equals("tanh") ? 1.2 : 1.6, 1, 1);
      Inputs in = random(5, 8, 14);
      checkSubsets(spec, in, new int[][] {{4, 1, 3, 0}, {2, 0, 4}, {3, 1}}, 1e-10);
      List<TheoryLayer> one = TheoryEngine.layers(spec, in, opts(1, false)).layers();
      List<TheoryLayer> three = TheoryEngine.layers(spec, in, opts(3, false)).layers();
      for (int l = 0; l < one.size(); l++) {
        identical(one.get(l), three.get(l));
      }
    }
  }

  static void identical(TheoryLayer a, TheoryLayer b) {
    int n = a.kernel().length;
    for (int i = 0; i < n; i++) {
      assertEquals(a.a()[i], b.a()[i], 0.0);
      assertEquals(a.b()[i], b.b()[i], 0.0);
      assertEquals(a.d()[i], b.d()[i], 0.0);
      assertEquals(a.f()[i], b.f()[i], 0.0);
      for (int j = 0; j < n; j++) {
        assertEquals(a.kernel()[i][j], b.kernel()[i][j], 0.0);
        assertEquals(a.g1()[i][j], b.g1()[i][j], 0.0);
        assertEquals(a.theta()[i][j], b.theta()[i][j], 0.0);
        for (int p = 0; p < n; p++) {
          for (int q = 0; q < n; q++) {
            assertEquals(a.v()[i][j][p][q], b.v()[i][j][p][q], 0.0);
          }
        }
      }
    }
  }

  @Test
  void oneAndThreeThreadsAreBitIdentical() {
    for (Activation act : new Activation[] {Activations.relu(), Activations.tanh()}) {
      boolean relu = act.name().equals("relu");
      // tanh on fewer inputs and layers: its 4-dim averages take ≈ 0.2 s each
      NetworkSpec spec = NetworkSpec.uniform(8, 24, relu ? 4 : 2, act, 0.1, relu ? 2 : 1.1, 1, 1);
      Inputs in = random(relu ? 7 : 5, 8, 21);
      List<TheoryLayer> one = TheoryEngine.layers(spec, in, opts(1, false)).layers();
      List<TheoryLayer> three = TheoryEngine.layers(spec, in, opts(3, false)).layers();
      for (int l = 0; l < one.size(); l++) {
        identical(one.get(l), three.get(l));
      }
    }
  }

  @Test
  void kernelsOnlyGivesTheFullRunsKernelAndNtk() {
    for (Activation act : new Activation[] {Activations.relu(), Activations.leakyRelu(0.1), Activations.tanh()}) {
      NetworkSpec spec = NetworkSpec.uniform(8, 24, 4, act, 0.05, act.name().equals("tanh") ? 1.1 : 1.9, 1, 1);
      Inputs in = random(5, 8, 31);
      TheoryEngine.Theory full = TheoryEngine.layers(spec, in, opts(2, false));
      TheoryEngine.Theory ko = TheoryEngine.layers(spec, in, opts(2, true));
      assertTrue(ko.notes().stream().anyMatch(s -> s.startsWith("kernels only")), act.name());
      for (int l = 0; l < full.layers().size(); l++) {
        TheoryLayer f = full.layers().get(l);
        TheoryLayer k = ko.layers().get(l);
        for (int i = 0; i < 5; i++) {
          // relu/leaky: the arc-cosine closed forms against the 2-D quadrature (≈1e-13)
          assertTrue(Double.isNaN(k.a()[i]) && Double.isNaN(k.f()[i]), "A, F not computed");
          assertEquals(f.chiPar()[i], k.chiPar()[i], 1e-11 * Math.abs(f.chiPar()[i]));
          for (int j = 0; j < 5; j++) {
            String at = act.name() + " layer " + (l + 1) + " [" + i + "][" + j + "]";
            assertEquals(f.kernel()[i][j], k.kernel()[i][j], 1e-11 * scale(f.kernel()), "K " + at);
            assertEquals(f.theta()[i][j], k.theta()[i][j], 1e-11 * scale(f.theta()), "Theta " + at);
            assertTrue(Double.isNaN(k.g1()[i][j]) && Double.isNaN(k.v()[i][j][i][j]), "G1, V " + at);
          }
        }
      }
    }
  }
}

package org.rgflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.spec.NetworkSpec;

/**
 * The CPU trainer. (1) Exact: a depth-1 network z = b + Wx is linear in its parameters, so each
 * trained network equals the kernel map applied to its own initial outputs, to rounding. (2)
 * Invariance: results do not depend on the thread count. (3) Statistical: a one-hidden-layer ReLU
 * ensemble at n = 1024 agrees with the NTK prediction within 3 SE, issue 7's bar (with 3 test points and 6
 * covariance entries, the chance of a false failure is below 1%). Run: mvn -Dtest=CpuTrainerTest test
 */
class CpuTrainerTest {
  static final double K_SE = 3;
  static long SEED = 1;

  @Test
  void depthOneNetworkIsExactlyTheLinearModel() {
    Dataset d = Dataset.builtin(3, 5);
    NetworkSpec spec = new NetworkSpec(3, new int[] {1}, Activations.parse("tanh"), new double[] {0.3},
        new double[] {1.5}, new double[] {0.7}, new double[] {1.3});
    KernelPredictions kp = Kernels.predictions(spec, d);
    double eta = 0.5 * kp.maxStableEta();
    long steps = 17;
    double[][] p = kp.map(eta, steps);
    int na = d.trainCount();
    double[][] pTest = new double[d.testCount()][];
    for (int b = 0; b < d.testCount(); b++) {
      pTest[b] = p[na + b];
    }
    CpuTrainer tr = new CpuTrainer(spec, d, new TrainSettings(eta, steps, 0, 50, 5, 1), pTest);
    for (long e = 0; e < 5; e++) {
      CpuTrainer.Outcome o = tr.trainOne(e);
      for (int i = 0; i < d.trainCount() + d.testCount(); i++) {
        double z0 = i < na ? o.zTrain0()[i] : o.zTest0()[i - na];
        double want = z0;
        for (int a = 0; a < na; a++) {
          want -= p[i][a] * (o.zTrain0()[a] - d.yTrain()[a]);
        }
        double got = i < na ? o.zTrainT()[i] : o.zTestT()[i - na];
        assertEquals(want, got, 1e-11, "network " + e + " point " + i);
      }
      // The NTK of a linear model is constant and deterministic: λ_b + λ_W x·x'/n₀.
      for (int a = 0; a < na; a++) {
        for (int b = 0; b < na; b++) {
          assertEquals(kp.ntk(eta, 0).mean().length, kp.points());
          assertEquals(o.ntk0()[a][b], o.ntkT()[a][b], 1e-12);
        }
      }
    }
    TrainResult r = tr.run();
    for (int b = 0; b < d.testCount(); b++) {
      assertEquals(0, r.departure(b), 1e-11);
    }
    assertEquals(0, r.ntkRelativeChange(), 1e-12);
  }

  @Test
  void resultsDoNotDependOnThreads() {
    Dataset d = Dataset.builtin(2, 4);
    NetworkSpec spec = new NetworkSpec(2, new int[] {16, 8, 1}, Activations.parse("tanh"),
        new double[] {0.1, 0.1, 0.1}, new double[] {1.2, 1.2, 1.2}, new double[] {1, 1, 1}, new double[] {1, 1, 1});
    KernelPredictions kp = Kernels.predictions(spec, d);
    double eta = 0.5 * kp.maxStableEta();
    double[][] pt = testMap(kp, d, eta, 20);
    TrainResult one = new CpuTrainer(spec, d, new TrainSettings(eta, 20, 0, 150, 3, 1), pt).run();
    TrainResult two = new CpuTrainer(spec, d, new TrainSettings(eta, 20, 0, 150, 3, 2), pt).run();
    for (int b = 0; b < d.testCount(); b++) {
      assertEquals(Double.doubleToLongBits(one.mean(b)), Double.doubleToLongBits(two.mean(b)));
      assertEquals(Double.doubleToLongBits(one.cov(b, 0)), Double.doubleToLongBits(two.cov(b, 0)));
    }
    assertEquals(Double.doubleToLongBits(one.ntkRelativeChange()), Double.doubleToLongBits(two.ntkRelativeChange()));
  }

  /**
   * Trajectory checkpoints: the outputs recorded after t steps are bit for bit those of the same
   * network trained for exactly t steps (t = 0 is the initial output, t = T the final one), and with
   * --tol a network that stopped early keeps its final outputs at later checkpoints.
   */
  @Test
  void checkpointsAreTheOutputsAfterThatManySteps() {
    Dataset d = Dataset.builtin(2, 4);
    NetworkSpec spec = new NetworkSpec(2, new int[] {12, 7, 1}, Activations.parse("tanh"),
        new double[] {0.1, 0.1, 0.1}, new double[] {1.2, 1.2, 1.2}, new double[] {1, 1, 1}, new double[] {1, 1, 1});
    KernelPredictions kp = Kernels.predictions(spec, d);
    double eta = 0.5 * kp.maxStableEta();
    long[] cks = {0, 1, 4, 9};
    double[][] pt = testMap(kp, d, eta, 9);
    CpuTrainer.Outcome all = new CpuTrainer(spec, d, new TrainSettings(eta, 9, 0, 1, 4, 1, cks), pt).trainOne(3);
    for (int c = 0; c < cks.length; c++) {
      CpuTrainer.Outcome o = new CpuTrainer(spec, d, new TrainSettings(eta, cks[c], 0, 1, 4, 1),
          testMap(kp, d, eta, cks[c])).trainOne(3);
      for (int b = 0; b < d.testCount(); b++) {
        assertEquals(Double.doubleToLongBits(o.zTestT()[b]), Double.doubleToLongBits(all.zTestAt()[c][b]),
            "checkpoint " + cks[c] + " point " + b);
      }
    }
    // A loose tolerance stops at once: every checkpoint is the initial (= final) output.
    CpuTrainer.Outcome early = new CpuTrainer(spec, d, new TrainSettings(eta, 9, 1e9, 1, 4, 1, cks), pt)
        .trainOne(3);
    assertEquals(0, early.steps());
    for (int c = 0; c < cks.length; c++) {
      assertEquals(early.zTest0()[0], early.zTestAt()[c][0]);
    }
    TrainResult r = new CpuTrainer(spec, d, new TrainSettings(eta, 9, 0, 40, 4, 2, cks), pt).run();
    assertEquals(4, r.checkpointCount());
    for (int b = 0; b < d.testCount(); b++) {
      assertEquals(r.mean(b), r.meanAt(3, b), 1e-15);
      assertEquals(r.cov(b, b), r.varAt(3, b), 1e-13);
      assertEquals(r.initialMean(b), r.meanAt(0, b), 1e-15);
      assertTrue(r.varAtErr(3, b) > 0);
    }
  }

  /**
   * One small step of a hidden-layer network moves the training outputs by −ηΘ̂ε to O(η²), with Θ̂ the
   * empirical NTK the trainer measures: the update and the NTK use the same learning-rate tensor. (The
   * measured Θ̂ itself agrees with Θ^{(L)} in oneHiddenLayerReluAgreesWithNtk.) The remainder is the
   * dNTK term, O(η) relative: checked by its shrinking tenfold from η = 1e-4 to 1e-5.
   */
  @Test
  void oneStepMovesOutputsByNtkTimesResidual() {
    Dataset d = Dataset.builtin(3, 5);
    NetworkSpec spec = new NetworkSpec(3, new int[] {12, 9, 1}, Activations.parse("tanh"),
        new double[] {0.2, 0.1, 0.3}, new double[] {1.3, 1.7, 0.9}, new double[] {0.5, 1.5, 0.8},
        new double[] {1.2, 0.7, 2.0});
    double[][] pt = new double[d.testCount()][d.trainCount()];
    for (long e = 0; e < 3; e++) {
      double[] rel = new double[2];
      for (int k = 0; k < 2; k++) {
        double eta = k == 0 ? 1e-4 : 1e-5;
        CpuTrainer.Outcome o = new CpuTrainer(spec, d, new TrainSettings(eta, 1, 0, 1, 9, 1), pt).trainOne(e);
        for (int a = 0; a < d.trainCount(); a++) {
          double want = 0;
          for (int b = 0; b < d.trainCount(); b++) {
            want -= eta * o.ntk0()[a][b] * (o.zTrain0()[b] - d.yTrain()[b]);
          }
          double got = o.zTrainT()[a] - o.zTrain0()[a];
          rel[k] = Math.max(rel[k], Math.abs(got - want) / Math.abs(want));
        }
      }
      // first order exact: the relative remainder is O(η) and shrinks ~10× with η
      assertTrue(rel[0] < 1e-3 && rel[1] < rel[0] / 5, "network " + e + ": " + rel[0] + ", " + rel[1]);
    }
  }

  static double[][] testMap(KernelPredictions kp, Dataset d, double eta, long steps) {
    double[][] p = kp.map(eta, steps);
    double[][] pt = new double[d.testCount()][];
    for (int b = 0; b < d.testCount(); b++) {
      pt[b] = p[d.trainCount() + b];
    }
    return pt;
  }

  /** Agreement of a trained ensemble with the NTK prediction at its step count; returns the max |z|. */
  static double checkAgainstNtk(NetworkSpec spec, Dataset d, long ensemble, long steps, double kSe, int threads) {
    KernelPredictions kp = Kernels.predictions(spec, d);
    double eta = 1.0 / kp.ntkEigenvalues()[0];
    TrainResult r = new CpuTrainer(spec, d, new TrainSettings(eta, steps, 0, ensemble, SEED, threads),
        testMap(kp, d, eta, steps)).run();
    Gaussian ntk = kp.ntk(eta, steps).block(d.trainCount(), d.testCount());
    Gaussian nngp = kp.nngp(0).block(d.trainCount(), d.testCount());
    double worst = 0;
    StringBuilder sb = new StringBuilder(String.format("%s widths %s E=%d steps=%d eta=%.4f (%.1f s), loss %.2e%n",
        spec.activation().name(), java.util.Arrays.toString(spec.widths()), ensemble, steps, eta, r.seconds(), r.loss()));
    for (int b = 0; b < d.testCount(); b++) {
      double z = (r.mean(b) - ntk.mean()[b]) / r.meanErr(b);
      worst = Math.max(worst, Math.abs(z));
      sb.append(String.format("  mean[%d] %.5f ± %.5f  ntk %.5f  nngp %.5f  z %.2f  departure %.5f ± %.5f%n", b,
          r.mean(b), r.meanErr(b), ntk.mean()[b], nngp.mean()[b], z, r.departure(b), r.departureErr(b)));
      for (int c = b; c < d.testCount(); c++) {
        double zc = (r.cov(b, c) - ntk.cov()[b][c]) / r.covErr(b, c);
        worst = Math.max(worst, Math.abs(zc));
        sb.append(String.format("  cov[%d,%d] %.5f ± %.5f  ntk %.5f  nngp %.5f  z %.2f%n", b, c, r.cov(b, c),
            r.covErr(b, c), ntk.cov()[b][c], nngp.cov()[b][c], zc));
      }
    }
    for (int a = 0; a < d.trainCount(); a++) { for (int c = a; c < d.trainCount(); c++) { sb.append(String.format("  ntk0[%d,%d] %.5f ± %.5f theory %.5f%n", a, c, r.ntkInitial(a, c), r.ntkInitialErr(a, c), kp.theta(a, c))); } }
    sb.append(String.format("  NTK relative change %.5f ± %.5f; max |z| %.2f", r.ntkRelativeChange(),
        r.ntkRelativeChangeErr(), worst));
    System.out.println(sb);
    assertTrue(worst < kSe, "max |z| " + worst + " >= " + kSe + "\n" + sb);
    return worst;
  }

  /** One hidden layer, ReLU, n = 1024, E = 500 (seed 2): about 2 s on 2 cores. */
  @Test
  void oneHiddenLayerReluAgreesWithNtk() {
    SEED = 2;
    checkAgainstNtk(relu(1024, 1), Dataset.builtin(2, 6), 500, 60, K_SE, 2);
  }

  /** ReLU, C_b = 0.1, C_W = 2, λ = 1, n0 = 2, {@code hidden} hidden layers of width n, one output. */
  static NetworkSpec relu(int n, int hidden) {
    int depth = hidden + 1;
    int[] w = new int[depth];
    java.util.Arrays.fill(w, n);
    w[depth - 1] = 1;
    double[] cb = NetworkSpec.perLayer("--cb", new double[] {0.1}, depth);
    double[] cw = NetworkSpec.perLayer("--cw", new double[] {2}, depth);
    double[] one = NetworkSpec.perLayer("--lambda-b", new double[] {1}, depth);
    return new NetworkSpec(2, w, Activations.parse("relu"), cb, cw, one, one);
  }
}

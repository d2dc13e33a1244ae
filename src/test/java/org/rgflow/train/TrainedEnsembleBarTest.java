package org.rgflow.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.spec.NetworkSpec;

/**
 * Issue 7's bar, at the ensemble sizes a 2-core machine affords (about 6 minutes): trained ensembles
 * at n = 1024 against the NTK prediction, and the departure from the kernel map against width — the
 * 1/n expansion for tanh, n^{−1/2} for ReLU. Run: mvn -Pslow -Dtest=TrainedEnsembleBarTest test
 */
@Tag("slow")
class TrainedEnsembleBarTest {
  /** tanh (C_b = 0.1, C_W = 1), one hidden layer, n = 1024, E = 2000: mean and covariance within 3 SE. */
  @Test
  void oneHiddenLayerTanhAt1024() {
    CpuTrainerTest.SEED = 3;
    NetworkSpec spec = new NetworkSpec(2, new int[] {1024, 1}, Activations.parse("tanh"), new double[] {0.1, 0.1},
        new double[] {1, 1}, new double[] {1, 1}, new double[] {1, 1});
    CpuTrainerTest.checkAgainstNtk(spec, Dataset.builtin(2, 6), 2000, 60, 3, 2);
  }

  /** ReLU, two hidden layers of 1024, E = 150 (about 20 s per 150 networks on 2 cores): within 3 SE. */
  @Test
  void threeLayersAt1024() {
    CpuTrainerTest.SEED = 4;
    CpuTrainerTest.checkAgainstNtk(CpuTrainerTest.relu(1024, 2), Dataset.builtin(2, 4), 150, 30, 3, 2);
  }

  /** tanh (C_b = 0.1, C_W = 1), two hidden layers of 1024, E = 400, 30 steps: within 3 SE. */
  @Test
  void threeLayersTanhAt1024() {
    CpuTrainerTest.SEED = 6;
    NetworkSpec spec = new NetworkSpec(2, new int[] {1024, 1024, 1}, Activations.parse("tanh"),
        new double[] {0.1, 0.1, 0.1}, new double[] {1, 1, 1}, new double[] {1, 1, 1}, new double[] {1, 1, 1});
    CpuTrainerTest.checkAgainstNtk(spec, Dataset.builtin(2, 4), 400, 30, 3, 2);
  }

  /** Departures (and their SEs, sign-flip fractions) of one-hidden-layer ensembles across widths. */
  record Scan(double[] n, double[][] dep, double[][] err, double[] flips, double[] flipsErr) {}

  static Scan scan(String act, double cw, int[] widths, long e, long seed) {
    Dataset d = Dataset.builtin(2, 6);
    Scan sc = new Scan(new double[widths.length], new double[d.testCount()][widths.length],
        new double[d.testCount()][widths.length], new double[widths.length], new double[widths.length]);
    for (int k = 0; k < widths.length; k++) {
      int n = widths[k];
      sc.n()[k] = n;
      NetworkSpec spec = new NetworkSpec(2, new int[] {n, 1}, Activations.parse(act), new double[] {0.1, 0.1},
          new double[] {cw, cw}, new double[] {1, 1}, new double[] {1, 1});
      KernelPredictions kp = Kernels.predictions(spec, d);
      double eta = 1 / kp.ntkEigenvalues()[0];
      TrainResult r = new CpuTrainer(spec, d, new TrainSettings(eta, 60, 0, e, seed, 2),
          CpuTrainerTest.testMap(kp, d, eta, 60)).run();
      for (int b = 0; b < d.testCount(); b++) {
        sc.dep()[b][k] = r.departure(b);
        sc.err()[b][k] = r.departureErr(b);
      }
      sc.flips()[k] = r.signFlips();
      sc.flipsErr()[k] = r.signFlipsErr();
      System.out.printf("%s n=%d E=%d: departures %s ± %s, sign flips %.5f ± %.5f%n", act, n, e,
          java.util.Arrays.toString(column(sc.dep(), k)), java.util.Arrays.toString(column(sc.err(), k)),
          r.signFlips(), r.signFlipsErr());
    }
    return sc;
  }

  private static double[] column(double[][] m, int k) {
    double[] c = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i][k];
    }
    return c;
  }

  /**
   * tanh (smooth; C_b = 0.1, C_W = 1), one hidden layer, widths 128–1024, E = 20000 each, 60 steps at
   * η = 1/θ_max: the mean departure from the kernel map is the 1/n expansion's. For every test point
   * resolved at n = 128 (|D| &gt; 5 SE): D = a/n + b/n² fits (p &gt; 0.001) with a 1/n coefficient
   * resolved at 3 SE, and the plain power law |D| ∝ n^p has p within 3 SE of −1 (at these widths the
   * b/n² term makes p shallower, about −0.75 to −0.9; docs/TRAINING.md).
   */
  @Test
  void tanhDepartureFollowsTheOneOverNExpansion() {
    Scan sc = scan("tanh", 1, new int[] {128, 256, 512, 1024}, 20000, 5);
    int resolved = 0;
    for (int b = 0; b < sc.dep().length; b++) {
      SeriesFit f = SeriesFit.fit(sc.n(), sc.dep()[b], sc.err()[b], -1, -2);
      System.out.printf("tanh point %d: %s: a = %.4f ± %.4f, b = %.2f ± %.2f, chi2 %.2f (%d dof), p = %.3g%n", b,
          f.label(), f.a(), f.aErr(), f.b(), f.bErr(), f.chi2(), f.dof(), f.pValue());
      if (Math.abs(sc.dep()[b][0]) < 5 * sc.err()[b][0]) {
        continue;
      }
      resolved++;
      PowerFit pf = PowerFit.fit(sc.n(), sc.dep()[b], sc.err()[b]);
      System.out.printf("tanh point %d: slope %.3f ± %.3f%n", b, pf.slope(), pf.slopeErr());
      assertTrue(f.pValue() > 1e-3, "a/n + b/n^2 rejected at point " + b + ": p = " + f.pValue());
      assertTrue(Math.abs(f.a()) > 3 * f.aErr(), "1/n coefficient not resolved at point " + b);
      assertTrue(Math.abs(pf.slope() + 1) < 3 * pf.slopeErr(), "slope " + pf.slope() + " ± " + pf.slopeErr());
    }
    assertTrue(resolved >= 1, "no test point resolved at n = 128");
  }

  /**
   * ReLU (C_b = 0.1, C_W = 2), one hidden layer, widths 128–2048, E = 10000 each: the departure is
   * NOT the 1/n expansion's. At the best-resolved test point a/n + b/n² is rejected (p &lt; 1e-4) while
   * a/√n + b/n fits (p &gt; 0.001); and the fraction of hidden units that cross the kink during training
   * falls as n^{−1/2} (fitted slope within 3 SE of −1/2) — the mechanism in docs/TRAINING.md.
   */
  @Test
  void reluDepartureStartsAtInverseSquareRootOfWidth() {
    Scan sc = scan("relu", 2, new int[] {128, 256, 512, 1024, 2048}, 10000, 5);
    int best = 0;
    for (int b = 0; b < sc.dep().length; b++) {
      if (Math.abs(sc.dep()[b][4]) / sc.err()[b][4] > Math.abs(sc.dep()[best][4]) / sc.err()[best][4]) {
        best = b;
      }
    }
    SeriesFit one = SeriesFit.fit(sc.n(), sc.dep()[best], sc.err()[best], -1, -2);
    SeriesFit half = SeriesFit.fit(sc.n(), sc.dep()[best], sc.err()[best], -0.5, -1);
    PowerFit flips = PowerFit.fit(sc.n(), sc.flips(), sc.flipsErr());
    System.out.printf("relu point %d: %s chi2 %.1f p %.3g | %s: a = %.4f ± %.4f chi2 %.2f p %.3g | sign flips"
        + " slope %.3f ± %.3f%n", best, one.label(), one.chi2(), one.pValue(), half.label(), half.a(), half.aErr(),
        half.chi2(), half.pValue(), flips.slope(), flips.slopeErr());
    assertTrue(one.pValue() < 1e-4, "a/n + b/n^2 not rejected: p = " + one.pValue());
    assertTrue(half.pValue() > 1e-3, "a/sqrt(n) + b/n rejected: p = " + half.pValue());
    assertTrue(Math.abs(flips.slope() + 0.5) < 3 * flips.slopeErr(), "sign-flip slope " + flips.slope());
  }
}

package org.rgflow.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.spec.NetworkSpec;

/**
 * Issue 7's bar, at the ensemble sizes a 2-core machine affords (minutes): trained ensembles at
 * n = 1024 against the NTK prediction, and the departure from the kernel map against width with a
 * fitted power law. Run: mvn -Pslow -Dtest=TrainedEnsembleBarTest test
 */
@Tag("slow")
class TrainedEnsembleBarTest {
  /** tanh (C_b = 0.1, C_W = 1), one hidden layer, n = 1024, E = 2000: mean and covariance within 3.5 SE. */
  @Test
  void oneHiddenLayerTanhAt1024() {
    CpuTrainerTest.SEED = 3;
    NetworkSpec spec = new NetworkSpec(2, new int[] {1024, 1}, Activations.parse("tanh"), new double[] {0.1, 0.1},
        new double[] {1, 1}, new double[] {1, 1}, new double[] {1, 1});
    CpuTrainerTest.checkAgainstNtk(spec, Dataset.builtin(2, 6), 2000, 60, 3.5, 2);
  }

  /** ReLU, two hidden layers of 1024, E = 150 (about 20 s per 150 networks on 2 cores): within 3.5 SE. */
  @Test
  void threeLayersAt1024() {
    CpuTrainerTest.SEED = 4;
    CpuTrainerTest.checkAgainstNtk(CpuTrainerTest.relu(1024, 2), Dataset.builtin(2, 4), 150, 30, 3.5, 2);
  }

  /**
   * A known, resolved departure: ReLU, one hidden layer, n = 1024, E = 2000. The trained mean at test
   * point 2 sits below the NTK prediction by about 0.005–0.007 (departure −0.0054 ± 0.0006 at seed 3),
   * i.e. more than 3 SE of the raw mean at this E; at E = 500 it passes (CpuTrainerTest). Asserted so
   * that a change in it is noticed; see docs/TRAINING.md "Open questions".
   */
  @Test
  void reluDepartureAt1024IsResolved() {
    Dataset d = Dataset.builtin(2, 6);
    NetworkSpec spec = CpuTrainerTest.relu(1024, 1);
    KernelPredictions kp = Kernels.predictions(spec, d);
    double eta = 1 / kp.ntkEigenvalues()[0];
    TrainResult r = new CpuTrainer(spec, d, new TrainSettings(eta, 60, 0, 2000, 3, 2),
        CpuTrainerTest.testMap(kp, d, eta, 60)).run();
    System.out.printf("relu n=1024 departure at point 2: %.5f ± %.5f%n", r.departure(2), r.departureErr(2));
    assertTrue(r.departure(2) < -3 * r.departureErr(2));
  }

  /**
   * Mean departure of tanh networks (one hidden layer, C_b = 0.1, C_W = 1) from the kernel map at
   * widths 64–512, E = 2000 each; the fitted slope of |departure| against n for the test point with
   * the best-resolved departure. Observed: p ≈ −0.5 to −0.7 with χ² ≈ 0.1–0.3 (2 dof), not the −1 that
   * the 1/n expansion predicts; asserted only that the departure shrinks (p &lt; 0 by 2σ). Open question,
   * docs/TRAINING.md.
   */
  @Test
  void departureShrinksWithWidth() {
    int[] widths = {64, 128, 256, 512};
    Dataset d = Dataset.builtin(2, 6);
    double[][] dep = new double[d.testCount()][widths.length];
    double[][] err = new double[d.testCount()][widths.length];
    double[] ns = new double[widths.length];
    for (int k = 0; k < widths.length; k++) {
      int n = widths[k];
      ns[k] = n;
      NetworkSpec spec = new NetworkSpec(2, new int[] {n, 1}, Activations.parse("tanh"), new double[] {0.1, 0.1},
          new double[] {1, 1}, new double[] {1, 1}, new double[] {1, 1});
      KernelPredictions kp = Kernels.predictions(spec, d);
      double eta = 1 / kp.ntkEigenvalues()[0];
      TrainResult r = new CpuTrainer(spec, d, new TrainSettings(eta, 60, 0, 2000, 5, 2),
          CpuTrainerTest.testMap(kp, d, eta, 60)).run();
      for (int b = 0; b < d.testCount(); b++) {
        dep[b][k] = r.departure(b);
        err[b][k] = r.departureErr(b);
      }
    }
    int best = 0;
    for (int b = 0; b < d.testCount(); b++) {
      PowerFit f = PowerFit.fit(ns, dep[b], err[b]);
      System.out.printf("tanh departure at test point %d: %s ± %s; slope %.3f ± %.3f (chi2 %.2f / %d dof)%n", b,
          java.util.Arrays.toString(dep[b]), java.util.Arrays.toString(err[b]), f.slope(), f.slopeErr(), f.chi2(),
          f.points() - 2);
      if (Math.abs(dep[b][0]) / err[b][0] > Math.abs(dep[best][0]) / err[best][0]) {
        best = b;
      }
    }
    PowerFit f = PowerFit.fit(ns, dep[best], err[best]);
    assertTrue(f.slope() + 2 * f.slopeErr() < 0, "slope " + f.slope() + " ± " + f.slopeErr());
  }
}

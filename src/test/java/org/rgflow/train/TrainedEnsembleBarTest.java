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
  @Test
  void oneHiddenLayerAt1024() {
    CpuTrainerTest.SEED = 3;
    CpuTrainerTest.checkAgainstNtk(CpuTrainerTest.relu(1024, 1), Dataset.builtin(2, 6), 2000, 60, 3.5, 2);
  }

  @Test
  void threeLayersAt1024() {
    CpuTrainerTest.SEED = 4;
    CpuTrainerTest.checkAgainstNtk(CpuTrainerTest.relu(1024, 2), Dataset.builtin(2, 4), 150, 30, 3.5, 2);
  }

  /**
   * Mean departure of tanh networks (one hidden layer, C_b = 0.1, C_W = 1) from the kernel map at
   * widths 64–512, E = 2000 each; the fitted slope of |departure| against n for the test point with
   * the best-resolved departure. Asserted loosely (−1.6 &lt; p &lt; −0.5): the fit has four points.
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
    assertTrue(f.slope() < -0.5 && f.slope() > -1.6, "slope " + f.slope() + " ± " + f.slopeErr());
  }
}

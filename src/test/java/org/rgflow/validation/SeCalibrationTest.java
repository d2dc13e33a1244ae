package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.Predictions;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryResult;

/**
 * Are the standard errors honest? Over S independent ensembles (seeds 1..S) of critical ReLU
 * networks, whose K, G4 and V/(nK²) are known exactly at finite width, the pulls
 * z = (measured − exact)/SE must look standard normal: mean within ±4/√S of 0 and root mean square
 * within [0.8, 1.25] (for S = 100 Gaussian pulls the rms has standard deviation ≈ 0.07, so both
 * bounds are beyond 3σ). A 3-SE test of one ensemble means something only if this holds.
 *
 * <p>Slow (about a minute on 2 cores): {@code mvn -Pslow test -Dtest=SeCalibrationTest}.
 */
@Tag("slow")
class SeCalibrationTest {
  @Test
  void pullsOfExactObservablesAreStandardNormal() {
    int n = 64;
    int depth = 3;
    long ensemble = 500;
    int seeds = 100;
    NetworkSpec spec = NetworkSpec.uniform(8, n, depth, Activations.parse("relu"), 0, 2, 1, 1);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {1.0}, new double[1][1]);
    TheoryResult t = Predictions.compute(spec, in);
    Obs[] obs = {Obs.K, Obs.G4, Obs.V_over_nK2};
    double[][] sum = new double[obs.length][depth + 1];
    double[][] sumSq = new double[obs.length][depth + 1];
    for (int s = 1; s <= seeds; s++) {
      EnsembleResult r = new CpuEnsemble().run(spec, in, new RunSettings(ensemble, s, 2, 64, false, 1),
          null);
      for (int o = 0; o < obs.length; o++) {
        for (int l = obs[o] == Obs.V_over_nK2 ? 2 : 1; l <= depth; l++) {
          double v = r.layers().get(l - 1).value().get(obs[o]).scalar();
          double e = r.layers().get(l - 1).err().get(obs[o]).scalar();
          double th = t.layers().get(l - 1).theory().get(obs[o]).scalar();
          double z = (v - th) / e;
          sum[o][l] += z;
          sumSq[o][l] += z * z;
        }
      }
    }
    StringBuilder report = new StringBuilder();
    boolean ok = true;
    for (int o = 0; o < obs.length; o++) {
      for (int l = obs[o] == Obs.V_over_nK2 ? 2 : 1; l <= depth; l++) {
        double mean = sum[o][l] / seeds;
        double rms = Math.sqrt(sumSq[o][l] / seeds);
        boolean good = Math.abs(mean) <= 4 / Math.sqrt(seeds) && rms >= 0.8 && rms <= 1.25;
        ok &= good;
        report.append(String.format("%s layer %d: mean pull %.3f, rms pull %.3f%s%n", obs[o], l, mean,
            rms, good ? "" : "  <-- outside"));
      }
    }
    System.out.print(report);
    assertTrue(ok, "pulls over " + seeds + " seeds (E=" + ensemble + ", n=" + n + "):\n" + report);
  }
}

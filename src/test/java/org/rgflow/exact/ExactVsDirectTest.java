package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Exact sampler vs direct sampler, statistically (STYLE.md #3, second kind): every measured
 * observable K, V/nK², kurtosis, G4, G6 and, with the NTK, Θ, A, B, D, F at every layer agrees within
 * 3 SE (combined) — see {@link Agreement}. Run: {@code mvn -q test -Dtest=ExactVsDirectTest}.
 */
class ExactVsDirectTest {
  static Inputs inputs(int n0, int nd, long salt) {
    java.util.Random r = new java.util.Random(salt);
    double[][] x = new double[nd][n0];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < n0; j++) {
        x[a][j] = r.nextGaussian();
      }
    }
    return new Inputs(x);
  }

  @Test
  void reluTwoInputsWithNtk() {
    NetworkSpec spec = Agreement.spec(5, new int[] {32, 32, 32}, Activations.parse("relu"), 0, 2);
    int c = Agreement.assertAgree("relu n=32 L=3 N_D=2", spec, inputs(5, 2, 1), 4000, true, 4, 11);
    assertTrue(c > 100);
  }
}

package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The stronger exactness check: at tiny widths (2–3) the law of (z, Θ̂) is far from Gaussian, and
 * any approximation in the conditional sampling (dropped correlations between backward vectors, a
 * wrong projection, a missing bias coordinate) would show at large E. Compared at 3 combined SE: the
 * means of K = E z_α z_β, E[z_α z_β z_γ z_δ] (through V), E z⁴, Θ = E Θ̂_ii;αβ, A ∝ E Θ̂_ii Θ̂_kk,
 * B ∝ E Θ̂_ik², D ∝ E Θ̂_ii z_k², F ∝ E Θ̂_ik z_i z_k. Run:
 * {@code mvn -q test -Dtest=SmallWidthMomentsTest}.
 */
class SmallWidthMomentsTest {
  @Test
  void reluWidthTwoAndThree() {
    NetworkSpec spec = Agreement.spec(3, new int[] {3, 2, 3}, Activations.parse("relu"), 0.1, 2);
    Inputs in = new Inputs(new double[][] {{1, -0.4, 0.3}, {0.2, 0.9, -1.1}});
    int c = Agreement.assertAgree("relu widths 3,2,3 N_D=2", spec, in, 100000, true, 3, 71);
    assertTrue(c > 60);
  }

  @Test
  void tanhWidthTwoOneInput() {
    NetworkSpec spec = Agreement.spec(2, new int[] {2, 2, 2}, Activations.parse("tanh"), 0.3, 1.6);
    Inputs in = new Inputs(new double[][] {{1.2, -0.7}});
    int c = Agreement.assertAgree("tanh widths 2,2,2 N_D=1", spec, in, 100000, true, 2, 81);
    assertTrue(c > 20);
  }
}

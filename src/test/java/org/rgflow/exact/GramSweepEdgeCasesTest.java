package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The Gram sweep at its edges (exact results): width-1 layers (groups of one neuron,
 * no Wishart part), more measured neurons than the width, N_D = 12 (the largest sign table) and
 * N_D = 13 (the per-neuron sweep), an all-zero input with C_b = 0 (every Γ zero: rank 0). Every Θ̂
 * is finite, symmetric and positive semidefinite (Θ̂ = L Lᵀ to 1e-9), and layer 1's is the exact
 * δ_ik (λ_b + λ_W x_α·x_β / n_0).
 */
class GramSweepEdgeCasesTest {
  private static Inputs inputs(int nd, int n0, long salt) {
    java.util.Random r = new java.util.Random(salt);
    double[][] x = new double[nd][n0];
    for (double[] row : x) {
      for (int j = 0; j < n0; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return new Inputs(x);
  }

  private static void checkTheta(NetworkSpec spec, Inputs in, int m, String what) {
    for (long e = 0; e < 20; e++) {
      NetworkSample s = ExactEnsemble.network(spec, in, 7, e, m);
      Agreement.assertThetaPsdAndLayerOneExact(s, spec, in, what + " e=" + e);
    }
  }

  @Test
  void widthOneLayersAndMoreMeasuredThanWidth() {
    NetworkSpec spec = Agreement.spec(3, new int[] {1, 3, 1, 4}, Activations.parse("relu"), 0.1, 2);
    checkTheta(spec, inputs(3, 3, 1), 5, "relu widths 1,3,1,4 N_D=3");
    assertNotNull(new ExactNetwork(spec, inputs(3, 3, 1), 7, 5).gramSweep);
  }

  @Test
  void twelveAndThirteenInputs() {
    NetworkSpec spec = Agreement.spec(4, new int[] {16, 8, 12}, Activations.parse("leaky_relu(0.1)"),
        0.05, 1.8);
    checkTheta(spec, inputs(12, 4, 2), 2, "leaky relu N_D=12");
    assertNotNull(new ExactNetwork(spec, inputs(12, 4, 2), 7, 2).gramSweep);
    checkTheta(spec, inputs(13, 4, 3), 2, "leaky relu N_D=13");
    assertNull(new ExactNetwork(spec, inputs(13, 4, 3), 7, 2).gramSweep, "N_D = 13: per-neuron sweep");
  }

  @Test
  void zeroInputWithoutBiasGivesZeroGram() {
    NetworkSpec spec = Agreement.spec(3, new int[] {8, 8, 8}, Activations.parse("relu"), 0, 2);
    Inputs in = new Inputs(new double[][] {{0, 0, 0}, {1, -0.5, 0.3}});
    checkTheta(spec, in, 3, "relu with a zero input, C_b = 0");
  }
}

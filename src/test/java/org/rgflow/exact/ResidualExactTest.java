package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Residual;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * The exact sampler on residual networks (issue 14; docs/EXACT_SAMPLER.md §2d): z^{(ℓ)} =
 * γ z^{(ℓ−1)} + ξ (b + Wσ) from layer 2 on. Against the direct sampler (layer/Residual.java), every
 * entry of K, V/nK², kurtosis, G4, G6, Θ, A, B, D, F at every layer within 3·√(SE_exact² +
 * SE_direct²), fixed seeds, E and the shapes named in each test.
 */
class ResidualExactTest {
  static NetworkSpec residual(String act, int n, int depth, double cb, double cw, double gamma,
      double xi) {
    NetworkSpec dense = NetworkSpec.uniform(6, n, depth, Activations.parse(act), cb, cw, 1, 1);
    List<Layer> layers = Residual.network(dense.layers(), new double[] {gamma}, new double[] {xi});
    return new NetworkSpec(6, Activations.parse(act), layers);
  }

  @Test
  void reluGammaHalfTwoInputs() {
    // relu γ = 0.5, ξ = 1 at its criticality C_W = 1.5, width 24, depth 4, N_D = 2, m = 3, E = 4000
    NetworkSpec spec = residual("relu", 24, 4, 0, 1.5, 0.5, 1);
    int c = Agreement.assertAgree("residual relu γ=0.5 width 24 L=4 N_D=2 m=3", spec,
        ExactVsDirectTest.inputs(6, 2, 51), 16000, true, 3, 71);
    assertTrue(c > 100);
  }

  @Test
  void tanhGammaNineTenthsXiAndBias() {
    // tanh γ = 0.9, ξ = 0.8, C_b = 0.05, C_W = 0.3, width 20, depth 5, N_D = 1, m = 4, E = 4000
    NetworkSpec spec = residual("tanh", 20, 5, 0.05, 0.3, 0.9, 0.8);
    int c = Agreement.assertAgree("residual tanh γ=0.9 ξ=0.8 C_b=0.05 width 20 L=5 N_D=1 m=4", spec,
        ExactVsDirectTest.inputs(6, 1, 52), 4000, true, 4, 62);
    assertTrue(c > 40);
  }

  @Test
  void forwardOnlyDeeperLeakyRelu() {
    // leaky relu γ = 0.7, ξ = 0.6, width 16, depth 8, N_D = 2, forward only, E = 4000
    NetworkSpec spec = residual("leaky_relu(0.2)", 16, 8, 0.02, 1.2, 0.7, 0.6);
    Agreement.assertAgree("residual leaky relu γ=0.7 ξ=0.6 width 16 L=8 N_D=2 forward", spec,
        ExactVsDirectTest.inputs(6, 2, 53), 4000, false, 0, 63);
  }

  @Test
  void xiZeroIsRefusedWithTheField() {
    NetworkSpec spec = residual("relu", 8, 3, 0, 2, 0.5, 0);
    assertTrue(new ExactEnsemble().unsupported(spec) != null);
    SpecException e = assertThrows(SpecException.class,
        () -> new ExactNetwork(spec, ExactVsDirectTest.inputs(6, 1, 1), 1, 2));
    assertTrue(e.field().equals("--xi"), e.field());
  }
}

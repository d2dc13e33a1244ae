package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rgflow.act.Activations;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Invariance for the exact sampler: bit-identical values and errors for chunk sizes
 * 1, 7, 64, 1000 and 1 vs 2 threads at E = 203 (not a multiple of the reduction block); network e is
 * a pure function of (seed, e) and differs between seeds. Run:
 * {@code mvn -q test -Dtest=ExactDeterminismTest}.
 */
class ExactDeterminismTest {
  private static final Inputs INPUTS = new Inputs(new double[][] {{1, 0.5, -0.2}, {0.3, -1, 0.8}});

  private static NetworkSpec spec(String act) {
    return new NetworkSpec(3, new int[] {6, 5, 4}, Activations.parse(act),
        new double[] {0.1, 0.2, 0.1}, new double[] {1.8, 1.5, 2.0}, new double[] {1, 0.5, 1},
        new double[] {1, 1, 0.7});
  }

  private static EnsembleResult run(NetworkSpec spec, int threads, int chunk, long e) {
    return new ExactEnsemble().run(spec, INPUTS, new RunSettings(e, 99, threads, chunk, true, 3),
        ProgressListener.NONE);
  }

  /** tanh takes the per-neuron NTK sweep, relu and leaky relu the Gram sweep. */
  @ParameterizedTest
  @ValueSource(strings = {"tanh", "relu", "leaky_relu(0.1)"})
  void chunkAndThreadInvariance(String act) {
    NetworkSpec spec = spec(act);
    EnsembleResult ref = run(spec, 1, 1, 203);
    int compared = 0;
    for (int chunk : new int[] {1, 7, 64, 1000}) {
      for (int threads : new int[] {1, 2}) {
        EnsembleResult r = run(spec, threads, chunk, 203);
        for (int l = 0; l < ref.layers().size(); l++) {
          LayerValues la = ref.layers().get(l);
          LayerValues lb = r.layers().get(l);
          assertEquals(la.value().keySet(), lb.value().keySet());
          for (Obs o : la.value().keySet()) {
            String what = act + " threads=" + threads + " chunk=" + chunk + " " + o + " layer " + (l + 1);
            assertArrayEquals(la.value().get(o).raw(), lb.value().get(o).raw(), 0.0, what);
            assertArrayEquals(la.err().get(o).raw(), lb.err().get(o).raw(), 0.0, what);
            compared += la.value().get(o).size();
          }
        }
      }
    }
    // 3 layers × (K 4 + V 16 + kurtosis 2 + G4 2 + G6 2 + Theta 4 + A,B,D,F 8 + T3, T21 4) × 8 runs
    assertEquals(3 * 42 * 8, compared);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tanh", "relu"})
  void networkDependsOnlyOnSeedAndIndex(String act) {
    NetworkSpec spec = spec(act);
    NetworkSample a = ExactEnsemble.network(spec, INPUTS, 5, 17, 3);
    NetworkSample b = ExactEnsemble.network(spec, INPUTS, 5, 17, 3);
    NetworkSample c = ExactEnsemble.network(spec, INPUTS, 6, 17, 3);
    for (int l = 0; l < 3; l++) {
      for (int al = 0; al < 2; al++) {
        assertArrayEquals(a.z()[l][al], b.z()[l][al], 0.0);
      }
      for (int t = 0; t < a.theta()[l].length; t++) {
        assertArrayEquals(a.theta()[l][t], b.theta()[l][t], 0.0);
      }
    }
    assertTrue(a.z(2, 0, 0) != c.z(2, 0, 0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tanh", "relu"})
  void ntkBlockIsSymmetricPositiveSemidefiniteAndLayerOneIsExact(String act) {
    NetworkSample s = ExactEnsemble.network(spec(act), INPUTS, 3, 4, 3);
    // Layer 1: Θ̂_{ik;αβ} = δ_ik (λ_b + λ_W/n0 x_α·x_β), no randomness at all.
    Agreement.assertThetaPsdAndLayerOneExact(s, spec(act), INPUTS, act);
  }
}

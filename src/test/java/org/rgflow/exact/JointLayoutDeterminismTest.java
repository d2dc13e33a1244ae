package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The joint layout (docs/EXACT_SAMPLER.md §2c) is a pure function of (seed, e): bit-identical
 * results for chunk 1 and 37 and threads 1 and 2 (relu width 8, depth 12, N_D = 2, m = 3, E = 300,
 * where the width caps the basis from level 10 down).
 */
class JointLayoutDeterminismTest {
  @Test
  void bitIdenticalForEveryChunkAndThreadCount() {
    NetworkSpec spec = NetworkSpec.uniform(4, 8, 12, Activations.parse("relu"), 0, 2, 1, 1);
    Inputs in = ExactVsDirectTest.inputs(4, 2, 71);
    EnsembleResult ref = run(spec, in, 1, 1);
    for (int[] tc : new int[][] {{1, 37}, {2, 1}, {2, 37}}) {
      EnsembleResult r = run(spec, in, tc[0], tc[1]);
      for (int l = 0; l < spec.depth(); l++) {
        LayerValues a = ref.layers().get(l);
        LayerValues b = r.layers().get(l);
        for (Obs o : new Obs[] {Obs.K, Obs.Theta, Obs.A, Obs.B, Obs.D, Obs.F}) {
          assertArrayEquals(a.value().get(o).raw(), b.value().get(o).raw(), 0.0, o + " layer " + l);
          assertArrayEquals(a.err().get(o).raw(), b.err().get(o).raw(), 0.0, o + " err layer " + l);
        }
      }
    }
  }

  private static EnsembleResult run(NetworkSpec spec, Inputs in, int threads, int chunk) {
    return new ExactEnsemble(false, ExactNetwork.JOINT).run(spec, in,
        new RunSettings(300, 5, threads, chunk, true, 3), ProgressListener.NONE);
  }
}

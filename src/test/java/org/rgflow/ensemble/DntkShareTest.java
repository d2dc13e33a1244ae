package org.rgflow.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The direct sampler's dNTK takes the NTK sweep's backward vectors ({@link CpuNetwork#shareWith}):
 * the NTK Θ̂ is bit for bit the one of a network that shares nothing, and the dNTK statistics are
 * bit for bit those of a sweep that recomputes the vectors itself ({@link CpuEnsemble#dntk}'s path),
 * for widths that are and are not multiples of the SIMD row count, with the SIMD rows warm.
 */
class DntkShareTest {
  @Test
  void sharingChangesNoBit() throws InterruptedException {
    org.rgflow.rng.Simd.startWarmUp();
    org.rgflow.rng.Simd.awaitReady(30_000);
    for (Activation act : new Activation[] {Activations.tanh(), Activations.relu()}) {
      for (int n : new int[] {21, 40}) {
        NetworkSpec spec = NetworkSpec.uniform(7, n, 3, act, 0.1, 1.5, 1, 1);
        Inputs in = Inputs.fromNormsAndAngles(7, new double[] {1, 0.8}, new double[][] {{0, 0.6}, {0, 0}});
        long seed = 99;
        CpuNetwork plain = new CpuNetwork(spec, in, seed, 4);
        DntkSweep alone = new DntkSweep(spec, in, seed, 4);
        CpuNetwork shared = new CpuNetwork(spec, in, seed, 4);
        DntkSweep sweep = new DntkSweep(spec, in, seed, 4);
        shared.shareWith(sweep);
        for (long e = 0; e < 3; e++) {
          plain.run(e);
          alone.run(e, plain.z, plain.sig);
          shared.run(e);
          sweep.run(e, shared.z, shared.sig);
          boolean nonzero = false;
          for (int l = 1; l <= 3; l++) {
            for (int r = 0; r < plain.theta[l].length; r++) {
              assertArrayEquals(plain.theta[l][r], shared.theta[l][r], 0, "theta " + act.name() + " n=" + n);
            }
            assertArrayEquals(alone.stats[l], sweep.stats[l], 0, "dntk " + act.name() + " n=" + n + " l=" + l);
            for (double v : sweep.stats[l]) {
              nonzero |= v != 0;
            }
          }
          assertTrue(nonzero);
        }
      }
    }
  }
}

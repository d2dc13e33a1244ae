package org.rgflow.ensemble;

import org.rgflow.act.Activations;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Invariance: results are bit-identical (assertEquals with delta 0 on every value
 * and error, NaN = NaN) for chunk sizes 1, 7, 64 and 1000 and for 1 vs 2 threads, with an ensemble
 * size (E = 203) that is not a multiple of the reduction block; awkward shapes (width 1 and 2,
 * E = 1) report NaN instead of crashing. Run: {@code mvn -q test -Dtest=DeterminismTest}.
 */
class DeterminismTest {
  private static final NetworkSpec SPEC = new NetworkSpec(3, new int[] {6, 5, 4},
      Activations.tanh(), new double[] {0.1, 0.2, 0.1}, new double[] {1.8, 1.5, 2.0},
      new double[] {1, 0.5, 1}, new double[] {1, 1, 0.7});
  private static final Inputs INPUTS = new Inputs(new double[][] {{1, 0.5, -0.2}, {0.3, -1, 0.8}});

  private static EnsembleResult run(int threads, int chunk, long e) {
    return new CpuEnsemble().run(SPEC, INPUTS, new RunSettings(e, 99, threads, chunk, true, 3),
        ProgressListener.NONE);
  }

  private static int assertSame(EnsembleResult a, EnsembleResult b, String what) {
    int compared = 0;
    assertEquals(a.layers().size(), b.layers().size());
    for (int l = 0; l < a.layers().size(); l++) {
      LayerValues la = a.layers().get(l);
      LayerValues lb = b.layers().get(l);
      assertEquals(la.value().keySet(), lb.value().keySet());
      for (Obs o : la.value().keySet()) {
        assertArrayEquals(la.value().get(o).raw(), lb.value().get(o).raw(), 0.0,
            what + " value " + o + " layer " + (l + 1));
        assertArrayEquals(la.err().get(o).raw(), lb.err().get(o).raw(), 0.0,
            what + " error " + o + " layer " + (l + 1));
        compared += la.value().get(o).size();
      }
    }
    return compared;
  }

  @Test
  void chunkAndThreadInvariance() {
    long e = 203;
    EnsembleResult ref = run(1, 1, e);
    int compared = 0;
    for (int chunk : new int[] {1, 7, 64, 1000}) {
      for (int threads : new int[] {1, 2}) {
        compared += assertSame(ref, run(threads, chunk, e), "threads=" + threads + " chunk=" + chunk);
      }
    }
    // 3 layers × (K 4 + V 16 + kurtosis 2 + G4 2 + G6 2 + Theta 4 + A,B,D,F 8 + T3, T21 4) × 8 runs
    assertEquals(3 * 42 * 8, compared);
    assertEquals("cpu", ref.backend());
    assertEquals(203, ref.networks());
    assertEquals(6 * 4 + 5 * 7 + 4 * 6, ref.weightsPerNetwork(), 0.0);
    for (LayerValues lv : ref.layers()) {
      assertTrue(Double.isFinite(lv.value().get(Obs.A).get(0)));
      assertTrue(Double.isFinite(lv.err().get(Obs.V_over_nK2).get(0, 1, 0, 1)));
    }
  }

  @Test
  void perNetworkHookIsWhatTheEnsembleAverages() {
    // K of a one-network ensemble equals the hook's neuron average; its error is NaN.
    EnsembleResult one = new CpuEnsemble().run(SPEC, INPUTS, new RunSettings(1, 99, 1, 1, true, 3),
        ProgressListener.NONE);
    NetworkSample s = CpuEnsemble.network(SPEC, INPUTS, 99, 0, 3);
    double k01 = 0;
    for (int i = 0; i < 5; i++) {
      k01 += s.z(2, 0, i) * s.z(2, 1, i) / 5;
    }
    assertEquals(k01, one.layers().get(1).value().get(Obs.K).get(0, 1), 1e-15);
    assertTrue(Double.isNaN(one.layers().get(1).err().get(Obs.K).get(0, 1)));
    double theta = (s.theta(3, 0, 0, 1, 1) + s.theta(3, 1, 1, 1, 1) + s.theta(3, 2, 2, 1, 1)) / 3;
    assertEquals(theta, one.layers().get(2).value().get(Obs.Theta).get(1, 1), 1e-14);
  }

  @Test
  void narrowWidthsGiveNaNNotCrash() {
    NetworkSpec narrow = new NetworkSpec(2, new int[] {1, 2, 3}, Activations.relu(),
        new double[] {0.1, 0.1, 0.1}, new double[] {2, 2, 2}, new double[] {1, 1, 1},
        new double[] {1, 1, 1});
    Inputs in = new Inputs(new double[][] {{1, 0.5}});
    AtomicLong last = new AtomicLong();
    EnsembleResult r = new CpuEnsemble().run(narrow, in, new RunSettings(50, 5, 2, 3, true, 4),
        (done, total) -> last.accumulateAndGet(done, Math::max));
    assertEquals(50, last.get());
    LayerValues l1 = r.layers().get(0);
    assertTrue(Double.isFinite(l1.value().get(Obs.K).scalar()));
    assertTrue(Double.isNaN(l1.value().get(Obs.G4).scalar()), "width 1: no pair i≠k");
    assertTrue(Double.isNaN(l1.value().get(Obs.B).scalar()), "width 1: one measured neuron");
    LayerValues l2 = r.layers().get(1);
    assertTrue(Double.isFinite(l2.value().get(Obs.G4).scalar()));
    assertTrue(Double.isNaN(l2.value().get(Obs.G6).scalar()), "width 2: no distinct triple");
    assertTrue(Double.isFinite(r.layers().get(2).value().get(Obs.G6).scalar()));
  }

  @Test
  void contractLimitsAreChecked() {
    assertThrows(org.rgflow.spec.SpecException.class, () -> new CpuEnsemble().run(SPEC, INPUTS,
        new RunSettings((1L << 32) + 1, 1, 1, 1, false, 1), ProgressListener.NONE));
    Inputs tooMany = new Inputs(new double[EnsembleRun.MAX_INPUTS + 1][3]);
    assertThrows(org.rgflow.spec.SpecException.class, () -> new CpuEnsemble().run(SPEC, tooMany,
        new RunSettings(2, 1, 1, 1, false, 1), ProgressListener.NONE));
  }

  @Test
  void divergenceIsReportedWithNetworkAndLayer() {
    NetworkSpec wild = NetworkSpec.uniform(2, 8, 200, Activations.linear(), 0, 50, 1, 1);
    Inputs in = new Inputs(new double[][] {{1, 1}});
    DivergenceException ex = assertThrows(DivergenceException.class, () -> new CpuEnsemble().run(
        wild, in, new RunSettings(4, 1, 2, 1, false, 1), ProgressListener.NONE));
    assertTrue(ex.layer() > 50 && ex.layer() < 200, "layer " + ex.layer());
  }
}

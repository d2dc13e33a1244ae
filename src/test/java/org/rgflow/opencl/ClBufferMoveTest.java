package org.rgflow.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The kernel's outputs survive a compacting GC between the kernel's execution and the host's read-back
 * (the window in which Aparapi has released its pins on the Java arrays): {@link ClEnsemble#afterExecute}
 * runs System.gc() there — which moves the small output arrays (diverged, z, the dNTK statistics) —
 * and then fills the freed heap with doubles 1.0. A read-back from a device buffer created on the old
 * host address (CL_MEM_USE_HOST_PTR on a CPU device, POCL) then returns that garbage: the high word of
 * 1.0, 0x3FF00000 = 1072693248, as a "diverged at layer" value, which is how the flaky
 * "network 3 diverged at layer 1072693248" of ClDntkVsTheoryTest looked. Checked: no divergence is
 * reported, and every network's dNTK statistics and z equal the CPU reference (ClContractTest's
 * tolerance) on awkward launch sizes (E = 13 and 7 networks in launches of 5: last launch partial), two
 * runs on one ensemble object. With the former explicit put/get buffer mode it failed 4 runs of 4
 * (diverged at layer 1072693248 twice, at layer 1 once, one JVM crash in POCL's memcpy); without it,
 * it passes. Skips without OpenCL unless RGFLOW_REQUIRE_OPENCL=1 (CI, POCL).
 */
class ClBufferMoveTest {
  @BeforeAll
  static void probeDevice() {
    ClContractTest.probeDevice();
  }

  @AfterEach
  void clearHook() {
    ClEnsemble.afterExecute = null;
  }

  static volatile Object sink;

  /** Compacting GC, then the freed space refilled with 1.0 (about 64 MiB in 64 KiB arrays). */
  static void moveAndScribble() {
    System.gc();
    List<double[]> junk = new ArrayList<>();
    for (int i = 0; i < 1024; i++) {
      double[] a = new double[8192];
      java.util.Arrays.fill(a, 1.0);
      junk.add(a);
    }
    sink = junk;
  }

  @Test
  void outputsSurviveACompactingGcBeforeReadBack() {
    ClContractTest.requireOpenCl();
    NetworkSpec spec = ClContractTest.spec(5, new int[] {13, 13, 13}, Activations.tanh(), 0.1, 1.2);
    Inputs in = ClContractTest.inputs(5, 2);
    long seed = 20261207L;
    ClEnsemble cl = new ClEnsemble(5, false);
    ClEnsemble.afterExecute = ClBufferMoveTest::moveAndScribble;
    List<String> bad = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      int count = run == 0 ? 13 : 7;
      ClEnsemble.DntkNetworks got = cl.dntk(spec, in, seed, 0, count, 4);
      ClContractTest.assertRanOnOpenCl(got.execution());
      for (int g = 0; g < count; g++) {
        double[][] ref = CpuEnsemble.dntk(spec, in, seed, g, 4);
        for (int l = 0; l < ref.length; l++) {
          ClDntkTest.compare("run " + run + " net " + g + " layer " + (l + 1), ref[l], got.stats()[g][l],
              bad);
        }
      }
      ClEnsemble.Networks nets = cl.networks(spec, in, seed, 0, count, 2);
      for (int g = 0; g < count; g++) {
        NetworkSample ref = CpuEnsemble.network(spec, in, seed, g, 2);
        NetworkSample v = nets.samples().get(g);
        for (int l = 0; l < spec.depth(); l++) {
          for (int a = 0; a < in.count(); a++) {
            ClDntkTest.compare("run " + run + " z net " + g + " layer " + (l + 1), ref.z()[l][a],
                v.z()[l][a], bad);
          }
        }
      }
    }
    if (!bad.isEmpty()) {
      fail(bad.size() + " mismatches after a GC before read-back, first: "
          + bad.subList(0, Math.min(5, bad.size())));
    }
    assertEquals(0, bad.size());
  }
}

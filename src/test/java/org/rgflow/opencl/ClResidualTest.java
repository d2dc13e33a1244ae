package org.rgflow.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.layer.Residual;
import org.rgflow.spec.NetworkSpec;

/**
 * Residual networks (layer/Residual) on the OpenCL kernel against the CPU reference, network by
 * network (every z and Θ̂ entry) and statistic by statistic, with {@link ClContractTest}'s
 * tolerances (1e-9 relative plus 1e-10 of the layer's scale; seen ≈ 1e-14). Shapes: awkward widths
 * (1, 3, 13), N_D 1, 2 and 3, one γ and ξ for every layer and per-layer lists with γ = 0 and ξ = 1
 * among them (the kernel skips those terms), relu, tanh and swish. Skips without OpenCL unless
 * RGFLOW_REQUIRE_OPENCL=1 (then fails).
 */
class ClResidualTest {

  @BeforeAll
  static void probeDevice() {
    ClContractTest.probeDevice();
  }

  static NetworkSpec residual(int n0, int width, int depth, Activation act, double cb, double cw,
      double[] gamma, double[] xi) {
    NetworkSpec dense = ClContractTest.spec(n0, uniform(width, depth), act, cb, cw);
    return new NetworkSpec(n0, act, Residual.network(dense.layers(), gamma, xi));
  }

  static int[] uniform(int n, int depth) {
    int[] w = new int[depth];
    java.util.Arrays.fill(w, n);
    return w;
  }

  static Stream<ClContractTest.Shape> shapes() {
    return Stream.of(
        new ClContractTest.Shape("residual-width13-depth4-nd2-relu-g0.5",
            residual(5, 13, 4, Activations.relu(), 0.0, 1.5, new double[] {0.5}, new double[] {1}),
            ClContractTest.inputs(5, 2), 4),
        new ClContractTest.Shape("residual-width3-depth3-nd3-tanh-g0.9-xi0.7",
            residual(4, 3, 3, Activations.tanh(), 0.1, 0.19, new double[] {0.9}, new double[] {0.7}),
            ClContractTest.inputs(4, 3), 2),
        new ClContractTest.Shape("residual-width1-depth4-nd1-relu-per-layer",
            residual(2, 1, 4, Activations.relu(), 0.2, 1.1, new double[] {0.5, 0.0, -0.8},
                new double[] {1.0, 0.6, 1.3}), ClContractTest.inputs(2, 1), 1),
        new ClContractTest.Shape("residual-width9-depth3-nd2-swish-g1.1",
            residual(3, 9, 3, Activations.swish(), 0.05, 0.9, new double[] {1.1, 0.3},
                new double[] {0.5, 1.0}), ClContractTest.inputs(3, 2), 3));
  }

  @Test
  void residualNetworksAreAccepted() {
    ClContractTest.Shape s = shapes().findFirst().orElseThrow();
    assertNull(new ClEnsemble().unsupported(s.spec()));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void residualNetworksAgreeWithCpuReference(ClContractTest.Shape s) {
    ClContractTest.requireOpenCl();
    long seed = 0x5EED0014L;
    ClEnsemble cl = new ClEnsemble(3, false); // launches of 3 + 3 + 1
    ClEnsemble.Networks got = cl.networks(s.spec(), s.inputs(), seed, 40, 7, s.ntkNeurons());
    ClContractTest.assertRanOnOpenCl(got.execution());
    assertEquals(7, got.samples().size());
    assertTrue(ClContractTest.compareNetworks(s, seed, 40, got.samples()) > 0);
  }

  @Test
  void residualStatisticsAgreeWithCpuReference() {
    ClContractTest.requireOpenCl();
    ClContractTest.Shape s = shapes().findFirst().orElseThrow();
    RunSettings rs = new RunSettings(301, 11L, 2, 16, true, s.ntkNeurons());
    EnsembleResult ref = new CpuEnsemble().run(s.spec(), s.inputs(), rs, null);
    EnsembleResult got = new ClEnsemble(0, false).run(s.spec(), s.inputs(), rs, null);
    ClContractTest.assertRanOnOpenCl(got);
    int checked = ClContractTest.compareStatistics(s + " E=301", ref, got);
    System.out.printf("[ClResidualTest] %s E=301: %d statistic components agree%n", s, checked);
  }

  @Test
  void javaThreadPoolRunsResidualNetworksToo() {
    ClContractTest.Shape s = shapes().skip(1).findFirst().orElseThrow();
    ClEnsemble jtp = new ClEnsemble(2, true);
    ClContractTest.compareNetworks(s, 5L, 0,
        jtp.networks(s.spec(), s.inputs(), 5L, 0, 5, s.ntkNeurons()).samples());
  }
}

package org.rgflow.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.opencl.ClContractTest.Shape;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.DntkBlock;
import org.rgflow.stats.KernelBlock;
import org.rgflow.stats.StatSet;

/**
 * The OpenCL dNTK (ClNetworkKernel.dntkSweep) against the CPU reference (ensemble/DntkSweep through
 * {@link CpuEnsemble#dntk}), network by network: every layer's 2·N_D⁴ statistics p and q, on awkward
 * shapes (widths 1, 2, 3, 7, 13 — at width 1 no pair i ≠ k exists and p, q are a rounding residue over
 * 0, non-finite on both sides, which is all that is required there —, N_D 1, 2
 * and 3, tanh, gelu, erf, swish, sin, sigmoid, monomial(3) and relu, whose σ″ is taken as 0 exactly as the CPU
 * source does: the δ of σ″ is not part of the measured forward equation). Tolerance as
 * {@link ClContractTest}: {@value ClContractTest#RTOL} relative plus {@value ClContractTest#ATOL} of
 * the layer's largest |value| (both sides fp64; the device's Gaussians differ by ulps). A power check
 * drops one term of the forward equation in the kernel (σ″, then the λ_W/n cross term) and requires
 * the disagreement to be far above the tolerance. Skips without OpenCL unless
 * RGFLOW_REQUIRE_OPENCL=1 (CI, POCL).
 */
class ClDntkTest {
  static double maxRelSeen;

  @BeforeAll
  static void probeDevice() {
    ClContractTest.probeDevice();
  }

  @AfterAll
  static void report() {
    System.out.printf("[ClDntkTest] max relative error seen: %.2e%n", maxRelSeen);
  }

  static Stream<Shape> shapes() {
    return Stream.of(
        new Shape("width1-depth3-nd1-tanh",
            ClContractTest.spec(1, new int[] {1, 1, 1}, Activations.tanh(), 0.1, 1.5),
            ClContractTest.inputs(1, 1), 2),
        new Shape("width3-depth2-nd2-sin",
            ClContractTest.spec(4, new int[] {3, 3}, Activations.sin(), 0.05, 1.5),
            ClContractTest.inputs(4, 2), 2),
        new Shape("width13-depth3-nd2-tanh",
            ClContractTest.spec(5, new int[] {13, 13, 13}, Activations.tanh(), 0.1, 1.2),
            ClContractTest.inputs(5, 2), 5),
        new Shape("mixed-2-3-13-nd1-relu",
            ClContractTest.spec(3, new int[] {2, 3, 13}, Activations.relu(), 0.2, 2.0),
            ClContractTest.inputs(3, 1), 3),
        new Shape("width9-depth4-nd2-swish-m1",
            ClContractTest.spec(2, new int[] {9, 9, 9, 9}, Activations.swish(), 0.3, 1.7),
            ClContractTest.inputs(2, 2), 1),
        new Shape("width13-3-nd1-sigmoid",
            ClContractTest.spec(2, new int[] {13, 3, 13}, Activations.sigmoid(), 0.3, 1.1),
            ClContractTest.inputs(2, 1), 4),
        new Shape("width13-depth3-nd2-gelu",
            ClContractTest.spec(5, new int[] {13, 13, 13}, Activations.gelu(), 0.1, 1.8),
            ClContractTest.inputs(5, 2), 4),
        new Shape("width13-3-nd1-erf",
            ClContractTest.spec(2, new int[] {13, 3, 13}, Activations.erf(), 0.3, 1.1),
            ClContractTest.inputs(2, 1), 4),
        new Shape("width3-depth3-nd2-monomial3",
            ClContractTest.spec(2, new int[] {3, 3, 3}, Activations.monomial(3), 0.1, 0.8),
            ClContractTest.inputs(2, 2), 3),
        new Shape("width7-depth3-nd3-tanh",
            ClContractTest.spec(4, new int[] {7, 7, 7}, Activations.tanh(), 0.2, 1.5),
            ClContractTest.inputs(4, 3), 3));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void networksAgreeWithCpuReference(Shape s) {
    ClContractTest.requireOpenCl();
    long seed = 0x9E3779B97F4A7C15L;
    long first = 998;
    int count = 5;
    ClEnsemble cl = new ClEnsemble(2, false); // 3 launches: 2 + 2 + 1
    ClEnsemble.DntkNetworks got = cl.dntk(s.spec(), s.inputs(), seed, first, count, s.ntkNeurons());
    ClContractTest.assertRanOnOpenCl(got.execution());
    List<String> bad = new ArrayList<>();
    int checked = 0;
    for (int g = 0; g < count; g++) {
      double[][] ref = CpuEnsemble.dntk(s.spec(), s.inputs(), seed, first + g, s.ntkNeurons());
      for (int l = 0; l < ref.length; l++) {
        checked += compare(s + " net " + (first + g) + " layer " + (l + 1), ref[l], got.stats()[g][l],
            bad);
      }
    }
    if (!bad.isEmpty()) {
      fail(s + ": " + bad.size() + " mismatches, first: " + bad.subList(0, Math.min(5, bad.size())));
    }
    assertTrue(checked > 0);
    System.out.printf("[ClDntkTest] %s: %d values, max relative error so far %.2e%n", s, checked,
        maxRelSeen);
  }

  static int compare(String what, double[] ref, double[] got, List<String> bad) {
    double scale = 0;
    for (double v : ref) {
      scale = Double.isFinite(v) ? Math.max(scale, Math.abs(v)) : scale;
    }
    for (int f = 0; f < ref.length; f++) {
      double r = ref[f];
      double v = got[f];
      if (!Double.isFinite(r) || !Double.isFinite(v)) {
        // width 1: no pair i ≠ k, so p and q are (rounding residue)/0, ±∞ or NaN on either side
        if (Double.isFinite(r) || Double.isFinite(v)) {
          bad.add(what + " [" + f + "] ref=" + r + " opencl=" + v + " (non-finite in one only)");
        }
        continue;
      }
      double diff = Math.abs(v - r);
      if (r != 0) {
        maxRelSeen = Math.max(maxRelSeen, diff / Math.abs(r));
      }
      if (!(diff <= ClContractTest.RTOL * Math.abs(r) + ClContractTest.ATOL * scale)) {
        bad.add(what + " [" + f + "] ref=" + r + " opencl=" + v);
      }
    }
    return ref.length;
  }

  /** Largest |opencl − cpu| / (layer's largest |cpu|) over networks and layers. */
  static double worstScaledDiff(Shape s, long seed, int count, int drop) {
    ClEnsemble.DntkNetworks got = new ClEnsemble(0, false).dntk(s.spec(), s.inputs(), seed, 0, count,
        s.ntkNeurons(), drop);
    ClContractTest.assertRanOnOpenCl(got.execution());
    double worst = 0;
    for (int g = 0; g < count; g++) {
      double[][] ref = CpuEnsemble.dntk(s.spec(), s.inputs(), seed, g, s.ntkNeurons());
      for (int l = 0; l < ref.length; l++) {
        double scale = 0;
        for (double v : ref[l]) {
          scale = Math.max(scale, Math.abs(v));
        }
        for (int f = 0; f < ref[l].length; f++) {
          double diff = Math.abs(got.stats()[g][l][f] - ref[l][f]);
          // layer 1: dΘ̂ = 0 exactly on both sides (scale 0)
          worst = Math.max(worst, scale == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : diff / scale);
        }
      }
    }
    return worst;
  }

  /** Power: a kernel missing the σ″ term or the λ_W/n cross term is caught at O(1), not at 1e-10. */
  @Test
  void droppedTermsAreCaught() {
    ClContractTest.requireOpenCl();
    Shape s = shapes().filter(x -> x.label().startsWith("width13-depth3")).findFirst().orElseThrow();
    double ok = worstScaledDiff(s, 5L, 3, 0);
    double noD2 = worstScaledDiff(s, 5L, 3, 1);
    double noCross = worstScaledDiff(s, 5L, 3, 2);
    System.out.printf("[ClDntkTest] power: full %.2e, without sigma'' %.2e, without cross term %.2e%n",
        ok, noD2, noCross);
    assertTrue(ok <= 10 * ClContractTest.ATOL + ClContractTest.RTOL, "full kernel: " + ok);
    assertTrue(noD2 > 1e-2, "dropping sigma'' went unnoticed: " + noD2);
    assertTrue(noCross > 1e-2, "dropping the cross term went unnoticed: " + noCross);
  }

  /** The source path: a dNTK run on OpenCL gives the CPU's P and Q (values and SEs), E = 37. */
  @Test
  void ensembleStatisticsAgreeWithCpuReference() {
    ClContractTest.requireOpenCl();
    Shape s = shapes().filter(x -> x.label().startsWith("width13-depth3")).findFirst().orElseThrow();
    RunSettings rs = new RunSettings(37, 11L, 2, 16, false, s.ntkNeurons());
    StatSet stats = StatSet.of(s.inputs().count(), List.of(KernelBlock.INSTANCE, DntkBlock.INSTANCE));
    EnsembleResult ref = new CpuEnsemble().run(new EnsembleRun(s.spec(), s.inputs(), rs, stats),
        (d, t) -> {});
    EnsembleResult got = new ClEnsemble(8, false).run(new EnsembleRun(s.spec(), s.inputs(), rs, stats),
        (d, t) -> {});
    ClContractTest.assertRanOnOpenCl(got);
    int checked = ClContractTest.compareStatistics(s + " E=37 dNTK", ref, got);
    System.out.printf("[ClDntkTest] %s E=37: %d statistic components agree%n", s, checked);
  }

  /** Residual layers and a σ′ with a Dirac delta are refused as on the CPU, before any work. */
  @Test
  void refusesWhatTheCpuRefuses() {
    NetworkSpec step = ClContractTest.spec(2, new int[] {3, 3}, Activations.step(), 0.1, 1.0);
    SpecException ex = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class,
        () -> new ClEnsemble(0, true).dntk(step, ClContractTest.inputs(2, 1), 1L, 0, 1, 2));
    assertEquals("--observables", ex.field());
  }
}

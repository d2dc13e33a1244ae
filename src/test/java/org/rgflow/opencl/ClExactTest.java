package org.rgflow.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.exact.ExactEnsemble;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Residual;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.Need;

/**
 * The exact sampler on OpenCL ({@link ClExactEnsemble}: the forward pass, and the NTK by the Gram
 * sweep's per-target layout) against the CPU exact sampler ({@link ExactEnsemble}): network by
 * network (same seed, same network indices, same Philox streams, so the same realization), statistic
 * by statistic on whole ensembles, bit-identical results for every launch size, divergence at the
 * CPU's network and layer, and the NTK cases the device does not implement refused by name. Awkward
 * shapes: widths 1–3 and 1000, N_D = 1, 2, 3 and 8 (N_D &gt; rank: Ĝ and Γ singular, Cholesky columns
 * dropped; groups smaller than the Gram's rank: the explicit Gaussian matrix; width 1000: Bartlett's
 * factor), a dead relu layer (C_b = 0: Ĝ = 0), a residual stack, E and the first network not
 * multiples of the launch size.
 *
 * <p>Tolerance (both are double precision): the device's Box–Muller uses OpenCL's log/sin/cos
 * built-ins where the CPU uses GaussMath, and the compiler may contract to FMA, so the Gaussians and
 * sums differ by a few ulp; Ĝ's dot runs in the CPU's order. Values: {@value ClContractTest#RTOL}
 * relative plus {@value ClContractTest#ATOL} of the layer's largest |value|; statistics as
 * {@link ClContractTest} (plus {@value ClContractTest#SE_FRACTION} of the reference's SE). The
 * worst error seen is printed. Without OpenCL these tests skip, and fail under
 * {@code RGFLOW_REQUIRE_OPENCL=1} (CI); the thread-pool fallback is tested everywhere.
 */
class ClExactTest {
  static double worst;

  @BeforeAll
  static void probeDevice() {
    ClContractTest.probeDevice();
  }

  @AfterAll
  static void report() {
    System.out.printf("[ClExactTest] max relative error seen (z and Θ̂, network by network): %.2e%n", worst);
  }

  record Shape(String label, NetworkSpec spec, Inputs inputs) {
    @Override
    public String toString() {
      return label;
    }
  }

  static Shape shape(String act, double cb, double cw, int n0, int nd, int... widths) {
    return new Shape(act + "-" + java.util.Arrays.toString(widths) + "-nd" + nd,
        ClContractTest.spec(n0, widths, Activations.parse(act), cb, cw), ClContractTest.inputs(n0, nd));
  }

  static Stream<Shape> shapes() {
    return Stream.of(
        shape("relu", 0.1, 2.0, 3, 8, 1, 2, 3),
        shape("relu", 0.0, 2.0, 2, 2, 2, 1, 2, 1, 2),
        shape("linear", 0.2, 0.9, 2, 1, 2, 3),
        shape("relu", 0.05, 1.9, 5, 2, 1000, 1000),
        shape("tanh", 0.1, 1.5, 6, 8, 40, 17, 40),
        shape("leaky_relu", 0.1, 1.8, 3, 3, 33, 3, 65),
        shape("gelu", 0.1, 1.8, 4, 1, 13, 13, 13),
        residual());
  }

  /** A residual stack (ξ ≠ 1, γ ≠ 0 on layers 2..4), tanh, N_D = 2. */
  static Shape residual() {
    NetworkSpec base = ClContractTest.spec(3, new int[] {9, 9, 9, 9}, Activations.tanh(), 0.1, 1.3);
    List<Layer> layers = Residual.network(base.layers(), new double[] {0.8}, new double[] {0.6});
    return new Shape("residual-tanh-9x4-nd2", new NetworkSpec(3, base.activation(), layers),
        ClContractTest.inputs(3, 2));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void networksAgreeWithTheCpuExactSampler(Shape s) {
    ClContractTest.requireOpenCl();
    long seed = 0x1234_5678_9abcL;
    long first = 7;
    int count = 5;
    ClExactEnsemble cl = new ClExactEnsemble(2, false); // launches of 2 + 2 + 1
    ClExactEnsemble.Networks got = cl.networks(s.spec(), s.inputs(), seed, first, count);
    ClContractTest.assertRanOnOpenCl(got.execution());
    assertEquals(3, got.execution().launches());
    assertTrue(compare(s, seed, got.samples()) > 0);
  }

  record NtkShape(String label, NetworkSpec spec, Inputs inputs, int ntkNeurons) {
    @Override
    public String toString() {
      return label + "-m" + ntkNeurons;
    }
  }

  static NtkShape ntkShape(String act, double cb, double cw, int n0, int nd, int m, int... widths) {
    Shape s = shape(act, cb, cw, n0, nd, widths);
    return new NtkShape(s.label(), s.spec(), s.inputs(), m);
  }

  /**
   * Shapes for the Gram sweep, each one where the CPU's cost rule picks the per-target layout (the
   * only one on the device; asserted): widths 1–3 with N_D = 8 (Γ and the groups' Z_gᵀZ_g
   * rank-deficient, groups drawn with an explicit Gaussian matrix), width 1000 (Bartlett's factor),
   * relu with C_b = 0 at width 3, leaky relu and linear (one group).
   */
  static Stream<NtkShape> ntkShapes() {
    return Stream.of(
        ntkShape("relu", 0.1, 2.0, 3, 8, 2, 1, 2, 3),
        ntkShape("relu", 0.0, 2.0, 2, 3, 3, 3, 3),
        ntkShape("relu", 0.05, 1.9, 5, 1, 6, 1000, 1000),
        ntkShape("relu", 0.1, 2.0, 4, 2, 3, 40, 17, 40),
        ntkShape("leaky_relu", 0.1, 1.8, 3, 3, 2, 33, 3, 65),
        ntkShape("linear", 0.2, 0.9, 2, 3, 4, 8, 8, 8));
  }

  @ParameterizedTest
  @MethodSource("ntkShapes")
  void ntkAgreesWithTheCpuExactSampler(NtkShape s) {
    ClContractTest.requireOpenCl();
    assertEquals(null, ClExactEnsemble.ntkRefusal(s.spec(), s.inputs().count(), s.ntkNeurons()));
    long seed = 0x5EED_0F_7E57L;
    long first = 11;
    int count = 5;
    ClExactEnsemble.Networks got = new ClExactEnsemble(2, false).networks(s.spec(), s.inputs(), seed,
        first, count, s.ntkNeurons());
    ClContractTest.assertRanOnOpenCl(got.execution());
    List<String> bad = new ArrayList<>();
    int checked = 0;
    double before = ClContractTest.maxRelSeen;
    ClContractTest.maxRelSeen = 0;
    for (NetworkSample g : got.samples()) {
      NetworkSample ref = ExactEnsemble.network(s.spec(), s.inputs(), seed, g.network(), s.ntkNeurons());
      assertArrayEquals(ref.measured(), g.measured());
      for (int l = 0; l < ref.depth(); l++) {
        checked += ClContractTest.compare(s + " z net " + g.network() + " layer " + (l + 1),
            ref.z()[l], g.z()[l], bad);
        checked += ClContractTest.compare(s + " theta net " + g.network() + " layer " + (l + 1),
            ref.theta()[l], g.theta()[l], bad);
      }
    }
    worst = Math.max(worst, ClContractTest.maxRelSeen);
    ClContractTest.maxRelSeen = Math.max(before, ClContractTest.maxRelSeen);
    if (!bad.isEmpty()) {
      fail(s + ": " + bad.size() + " mismatches, first: " + bad.subList(0, Math.min(5, bad.size())));
    }
    assertTrue(checked > 0);
  }

  /** Compares every z with ExactEnsemble.network; returns how many values were checked. */
  static int compare(Shape s, long seed, List<NetworkSample> got) {
    List<String> bad = new ArrayList<>();
    int checked = 0;
    double before = ClContractTest.maxRelSeen;
    ClContractTest.maxRelSeen = 0;
    for (NetworkSample g : got) {
      NetworkSample ref = ExactEnsemble.network(s.spec(), s.inputs(), seed, g.network(), 0);
      assertEquals(ref.depth(), g.depth());
      for (int l = 0; l < ref.depth(); l++) {
        checked += ClContractTest.compare(s + " z net " + g.network() + " layer " + (l + 1),
            ref.z()[l], g.z()[l], bad);
      }
    }
    worst = Math.max(worst, ClContractTest.maxRelSeen);
    ClContractTest.maxRelSeen = Math.max(before, ClContractTest.maxRelSeen);
    if (!bad.isEmpty()) {
      fail(s + ": " + bad.size() + " mismatches, first: " + bad.subList(0, Math.min(5, bad.size())));
    }
    return checked;
  }

  static Stream<Arguments> ensembles() {
    return Stream.of(
        Arguments.of(shape("tanh", 0.1, 1.2, 5, 2, 13, 13, 13), 1003L),
        Arguments.of(shape("relu", 0.1, 2.0, 3, 8, 1, 2, 3), 41L),
        Arguments.of(shape("relu", 0.05, 2.0, 4, 3, 3, 3), 1L),
        Arguments.of(residual(), 77L));
  }

  /** Forward-only statistics (--no-ntk), every component and its SE, against the CPU exact sampler. */
  @ParameterizedTest
  @MethodSource("ensembles")
  void everyStatisticAgreesWithTheCpuExactSampler(Shape s, long ensemble) {
    ClContractTest.requireOpenCl();
    RunSettings rs = new RunSettings(ensemble, 42L, 2, 16, false, 0);
    EnsembleResult ref = new ExactEnsemble().run(s.spec(), s.inputs(), rs, null);
    EnsembleResult got = new ClExactEnsemble().run(s.spec(), s.inputs(), rs, null);
    ClContractTest.assertRanOnOpenCl(got);
    assertEquals("exact", got.sampler());
    int n = ClContractTest.compareStatistics(s + " E=" + ensemble, ref, got);
    System.out.printf("[ClExactTest] %s E=%d: %d statistic components agree%n", s, ensemble, n);
  }

  /** Every statistic with the NTK (Θ, A, B, D, F, …) and its SE against the CPU exact sampler. */
  @ParameterizedTest
  @MethodSource("ntkEnsembles")
  void ntkStatisticsAgreeWithTheCpuExactSampler(NtkShape s, long ensemble) {
    ClContractTest.requireOpenCl();
    RunSettings rs = new RunSettings(ensemble, 43L, 2, 16, true, s.ntkNeurons());
    EnsembleResult ref = new ExactEnsemble().run(s.spec(), s.inputs(), rs, null);
    EnsembleResult got = new ClExactEnsemble(0, false).run(s.spec(), s.inputs(), rs, null);
    ClContractTest.assertRanOnOpenCl(got);
    assertTrue(ref.layers().get(0).value().containsKey(Obs.Theta), "the reference measured no NTK");
    int n = ClContractTest.compareStatistics(s + " E=" + ensemble, ref, got);
    System.out.printf("[ClExactTest] NTK %s E=%d: %d statistic components agree%n", s, ensemble, n);
  }

  static Stream<Arguments> ntkEnsembles() {
    return Stream.of(Arguments.of(ntkShape("relu", 0.1, 2.0, 4, 2, 3, 40, 17, 40), 203L),
        Arguments.of(ntkShape("relu", 0.1, 2.0, 3, 8, 2, 1, 2, 3), 33L));
  }

  @Test
  void resultsDoNotDependOnTheLaunchSize() {
    ClContractTest.requireOpenCl();
    Shape s = shape("tanh", 0.1, 1.2, 5, 2, 13, 13, 13);
    RunSettings rs = new RunSettings(150, 7L, 1, 1, false, 0);
    EnsembleResult base = null;
    for (int launch : new int[] {1, 7, 64, 0}) {
      EnsembleResult r = new ClExactEnsemble(launch, false).run(s.spec(), s.inputs(), rs, null);
      ClContractTest.assertRanOnOpenCl(r);
      if (base == null) {
        base = r;
        continue;
      }
      for (int l = 0; l < base.layers().size(); l++) {
        for (Obs o : base.layers().get(l).value().keySet()) {
          assertArrayEquals(base.layers().get(l).value().get(o).raw(),
              r.layers().get(l).value().get(o).raw(), "launch " + launch + " " + o + " layer " + (l + 1));
          assertArrayEquals(base.layers().get(l).err().get(o).raw(),
              r.layers().get(l).err().get(o).raw(), "launch " + launch + " " + o + " err");
        }
      }
    }
  }

  @Test
  void javaThreadPoolFallbackAgreesAndSaysWhy() {
    Shape s = shape("relu", 0.1, 2.0, 3, 3, 1, 2, 3);
    ClExactEnsemble jtp = new ClExactEnsemble(3, true);
    RunSettings rs = new RunSettings(9, 3L, 1, 1, false, 0);
    EnsembleResult got = jtp.run(s.spec(), s.inputs(), rs, null);
    assertFalse(((ClEnsemble.Execution) got.detail()).openCl());
    assertTrue(got.notes().stream().anyMatch(n -> n.contains("fallback: Java thread pool requested")),
        got.notes()::toString);
    compare(s, 3L, jtp.networks(s.spec(), s.inputs(), 3L, 0, 9).samples());
    ClContractTest.compareStatistics("jtp", new ExactEnsemble().run(s.spec(), s.inputs(), rs, null),
        got);
    // the Gram-sweep NTK on the thread pool too
    NtkShape n = ntkShape("relu", 0.1, 2.0, 4, 2, 3, 40, 17, 40);
    ClExactEnsemble.Networks nets = jtp.networks(n.spec(), n.inputs(), 5L, 3, 4, n.ntkNeurons());
    assertFalse(nets.execution().openCl());
    for (NetworkSample g : nets.samples()) {
      NetworkSample ref = ExactEnsemble.network(n.spec(), n.inputs(), 5L, g.network(), n.ntkNeurons());
      List<String> bad = new ArrayList<>();
      for (int l = 0; l < ref.depth(); l++) {
        ClContractTest.compare("jtp theta " + g.network(), ref.theta()[l], g.theta()[l], bad);
      }
      assertTrue(bad.isEmpty(), bad::toString);
    }
  }

  /**
   * The NTK where the CPU does not take the per-target Gram sweep (smooth σ: the per-neuron sweep;
   * narrow deep relu: the joint layout) is refused by name before any launch; so is the dNTK.
   */
  @Test
  void refusesTheNtkItDoesNotImplementWithTheReason() {
    ClExactEnsemble f = new ClExactEnsemble(0, true);
    assertNull(f.unsupported(Need.NTK));
    assertNotNull(f.unsupported(Need.DNTK));
    RunSettings rs = new RunSettings(4, 1L, 1, 1, true, 2);
    Shape tanh = shape("tanh", 0.1, 1.5, 3, 2, 4, 4);
    SpecException ex = assertThrows(SpecException.class, () -> f.run(tanh.spec(), tanh.inputs(), rs,
        null));
    assertEquals("--backend", ex.field());
    assertTrue(ex.getMessage().contains("per-neuron sweep") && ex.getMessage().contains("--no-ntk"),
        ex.getMessage());
    Shape deep = shape("relu", 0.1, 2.0, 2, 2, 2, 2, 2, 2, 2, 2);
    assertTrue(ClExactEnsemble.ntkRefusal(deep.spec(), 2, 2).contains("joint"));
    assertThrows(SpecException.class, () -> f.networks(deep.spec(), deep.inputs(), 1L, 0, 1, 2));
    // without the NTK both run
    RunSettings noNtk = new RunSettings(4, 1L, 1, 1, false, 0);
    assertEquals(2, f.run(tanh.spec(), tanh.inputs(), noNtk, null).layers().size());
    assertEquals(6, f.run(deep.spec(), deep.inputs(), noNtk, null).layers().size());
  }

  /** An overflowing ensemble stops at the CPU's network and layer (|z| > 1e150 or not finite). */
  @Test
  void divergesWhereTheCpuDoes() {
    ClContractTest.requireOpenCl();
    Shape s = shape("linear", 0.0, 1e60, 3, 2, 5, 5, 5, 5, 5, 5);
    RunSettings rs = new RunSettings(6, 9L, 1, 2, false, 0);
    org.rgflow.ensemble.DivergenceException cpu = assertThrows(
        org.rgflow.ensemble.DivergenceException.class,
        () -> new ExactEnsemble().run(s.spec(), s.inputs(), rs, null));
    org.rgflow.ensemble.DivergenceException cl = assertThrows(
        org.rgflow.ensemble.DivergenceException.class,
        () -> new ClExactEnsemble(4, false).run(s.spec(), s.inputs(), rs, null));
    assertEquals(cpu.network(), cl.network());
    assertEquals(cpu.layer(), cl.layer());
    assertTrue(cpu.layer() > 1, "diverged at layer " + cpu.layer());
  }

  @Test
  void refusesWhatTheKernelCannotSample() {
    ClExactEnsemble f = new ClExactEnsemble();
    Activation act = Activations.parse("relu");
    assertEquals(null, f.unsupported(ClContractTest.spec(2, new int[] {3}, act, 0.1, 2)));
    Inputs nine = ClContractTest.inputs(2, 9);
    SpecException ex = assertThrows(SpecException.class, () -> f.networks(
        ClContractTest.spec(2, new int[] {3}, act, 0.1, 2), nine, 1L, 0, 1));
    assertEquals("--inputs", ex.field());
  }
}

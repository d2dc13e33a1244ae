package org.rgflow.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The CUDA dNTK kernel (kernels/ensemble_dntk.cu, rg_dntk, after rg_forward_nd*) on the host harness
 * (kernels/host: the unmodified .cu compiled as C++, threads as fibres, real barriers, poisoned
 * buffers with guard zones) against the CPU reference {@link CpuEnsemble#dntk}, network by network:
 * every layer's 2·N_D⁴ statistics, on awkward shapes (widths 1, 2, 3, 9, 13; N_D 1 and 2; tanh,
 * gelu, erf, swish, sin, sigmoid, monomial(3), relu with σ″ = 0 as on the CPU), under the forward and
 * the reverse thread schedule. The kernel is float32 (tangents; the dots and statistics are double):
 * tolerance {@value #RTOL} × (|value| + the layer's largest |value|). Width 1 has no pair i ≠ k: p
 * and q are non-finite on both sides, which is all that is required there. Power: the kernel's drop
 * knob removes the σ″ term, then the λ_W/n cross term, and the disagreement must exceed 1e-2 of the
 * layer's largest value. On a GPU the same kernel is checked by CudaSelfCheck (dntk case; not
 * runnable here).
 */
class CudaDntkOnHostTest {
  static final double RTOL = 1e-4;
  static final long SEED = 0x9E3779B97F4A7C15L;
  static Path bin;
  static double worst;

  @BeforeAll
  static void buildHarness() {
    String why = HostHarness.unavailableReason();
    Assumptions.assumeTrue(why == null, () -> "host harness not built: " + why);
    bin = HostHarness.build("kernels", src -> src);
  }

  @AfterAll
  static void report() {
    System.out.printf(Locale.ROOT, "[CudaDntkOnHostTest] largest error / (|v| + layer max): %.2e%n", worst);
  }

  record Shape(String label, NetworkSpec spec, Inputs inputs, int neurons) {
    @Override
    public String toString() {
      return label;
    }
  }

  static Inputs inputs(int n0, int nd) {
    double[][] x = new double[nd][n0];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < n0; j++) {
        x[a][j] = Math.sin(1.3 * (a + 1) + 0.7 * j) + 0.2 * a;
      }
    }
    return new Inputs(x);
  }

  static NetworkSpec spec(int n0, int[] widths, Activation act, double cb, double cw) {
    int d = widths.length;
    return new NetworkSpec(n0, widths, act, NetworkSpec.perLayer("--cb", new double[] {cb}, d),
        NetworkSpec.perLayer("--cw", new double[] {cw}, d),
        NetworkSpec.perLayer("--lambda-b", new double[] {0.7}, d),
        NetworkSpec.perLayer("--lambda-w", new double[] {1.3}, d));
  }

  static Stream<Shape> shapes() {
    return Stream.of(
        new Shape("width1-depth3-nd1-tanh", spec(1, new int[] {1, 1, 1}, Activations.tanh(), 0.1, 1.5),
            inputs(1, 1), 2),
        new Shape("width3-depth2-nd2-sin", spec(4, new int[] {3, 3}, Activations.sin(), 0.05, 1.5),
            inputs(4, 2), 2),
        new Shape("width13-depth3-nd2-tanh", spec(5, new int[] {13, 13, 13}, Activations.tanh(), 0.1, 1.2),
            inputs(5, 2), 5),
        new Shape("width13-depth3-nd2-gelu", spec(5, new int[] {13, 13, 13}, Activations.gelu(), 0.1, 1.8),
            inputs(5, 2), 4),
        new Shape("mixed-2-3-13-nd1-relu", spec(3, new int[] {2, 3, 13}, Activations.relu(), 0.2, 2.0),
            inputs(3, 1), 3),
        new Shape("width9-depth4-nd2-swish-m1", spec(2, new int[] {9, 9, 9, 9}, Activations.swish(), 0.3, 1.7),
            inputs(2, 2), 1),
        new Shape("width13-3-nd1-erf", spec(2, new int[] {13, 3, 13}, Activations.erf(), 0.3, 1.1),
            inputs(2, 1), 4),
        new Shape("width5-depth3-nd1-sigmoid", spec(2, new int[] {5, 5, 5}, Activations.sigmoid(), 0.3, 1.1),
            inputs(2, 1), 4),
        new Shape("width3-depth3-nd2-monomial3", spec(2, new int[] {3, 3, 3}, Activations.monomial(3), 0.1, 0.8),
            inputs(2, 2), 3));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void networksAgreeWithCpuReference(Shape s) {
    for (String sched : new String[] {"forward", "reverse"}) {
      long first = 998;
      int count = 3;
      double[][][] got = HostHarness.dntk(bin, s.spec(), s.inputs(), SEED, first, count, s.neurons(), 0,
          sched);
      List<String> bad = new ArrayList<>();
      for (int g = 0; g < count; g++) {
        double[][] ref = CpuEnsemble.dntk(s.spec(), s.inputs(), SEED, first + g, s.neurons());
        for (int l = 0; l < ref.length; l++) {
          compare(s + " " + sched + " net " + (first + g) + " layer " + (l + 1), ref[l], got[g][l], bad);
        }
      }
      if (!bad.isEmpty()) {
        fail(s + ": " + bad.size() + " mismatches, first: " + bad.subList(0, Math.min(5, bad.size())));
      }
    }
    System.out.printf(Locale.ROOT, "[CudaDntkOnHostTest] %s: worst so far %.2e%n", s, worst);
  }

  static void compare(String what, double[] ref, double[] got, List<String> bad) {
    double scale = 0;
    for (double v : ref) {
      scale = Double.isFinite(v) ? Math.max(scale, Math.abs(v)) : scale;
    }
    for (int f = 0; f < ref.length; f++) {
      double r = ref[f];
      double v = got[f];
      if (!Double.isFinite(r) || !Double.isFinite(v)) {
        if (Double.isFinite(r) || Double.isFinite(v)) {
          bad.add(what + " [" + f + "] ref=" + r + " cuda=" + v + " (non-finite in one only)");
        }
        continue;
      }
      double diff = Math.abs(v - r);
      double den = Math.abs(r) + scale;
      if (den > 0) {
        worst = Math.max(worst, diff / den);
      }
      if (!(diff <= RTOL * den)) {
        bad.add(what + " [" + f + "] ref=" + r + " cuda=" + v);
      }
    }
  }

  static double worstScaled(Shape s, int drop) {
    double[][][] got = HostHarness.dntk(bin, s.spec(), s.inputs(), 5L, 0, 3, s.neurons(), drop, "forward");
    double w = 0;
    for (int g = 0; g < 3; g++) {
      double[][] ref = CpuEnsemble.dntk(s.spec(), s.inputs(), 5L, g, s.neurons());
      for (int l = 0; l < ref.length; l++) {
        double scale = 0;
        for (double v : ref[l]) {
          scale = Math.max(scale, Math.abs(v));
        }
        for (int f = 0; f < ref[l].length; f++) {
          double diff = Math.abs(got[g][l][f] - ref[l][f]);
          w = Math.max(w, scale == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : diff / scale);
        }
      }
    }
    return w;
  }

  @Test
  void droppedTermsAreCaught() {
    Shape s = shapes().filter(x -> x.label().equals("width13-depth3-nd2-tanh")).findFirst().orElseThrow();
    double ok = worstScaled(s, 0);
    double noD2 = worstScaled(s, 1);
    double noCross = worstScaled(s, 2);
    System.out.printf(Locale.ROOT, "[CudaDntkOnHostTest] power: full %.2e, without sigma'' %.2e,"
        + " without cross term %.2e%n", ok, noD2, noCross);
    assertTrue(ok <= 2 * RTOL, "full kernel: " + ok);
    assertTrue(noD2 > 1e-2, "dropping sigma'' went unnoticed: " + noD2);
    assertTrue(noCross > 1e-2, "dropping the cross term went unnoticed: " + noCross);
  }
}

package org.rgflow.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rgflow.act.Activations;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.train.CpuTrainer;
import org.rgflow.train.Dataset;
import org.rgflow.train.Kernels;
import org.rgflow.train.TrainSettings;

/**
 * {@link ClTrainer} on the OpenCL device (POCL in CI) against {@link CpuTrainer}, network by network,
 * after 1, 10 and 100 steps: outputs at the training and test points, the NTK at the start and the
 * end, the loss (as the residual norm), the steps and the sign-flip fraction.
 *
 * <p>Both start from the same double parameters (InitRng) and run the same operations in the same
 * order; the differences are the OpenCL compiler's: it may contract a·b + c into one fma (OpenCL C's
 * default FP_CONTRACT), which changes a dot product of length n by ≲ n ulp relative to its terms,
 * and its exp (tanh here is (1 − e^{−2|z|})/(1 + e^{−2|z|}), ≤ 2–3 ulp from Java's tanh). GD with η at
 * half the stable limit propagates a state perturbation by ‖1 − ηΘ‖ ≤ 1 per step plus O(η) from the
 * change of Θ, so after T = 100 steps the error is ≲ T · n · ulp ≈ 100 · 100 · 1.1e-16 ≈ 1e-12 relative.
 * Tolerance {@value #RTOL} relative to each vector's largest entry; the worst seen is printed.
 * Skipped without an OpenCL device unless {@code RGFLOW_REQUIRE_OPENCL=1} (CI), where that fails.
 */
class ClTrainerTest {
  static final double RTOL = 1e-10;
  static final long SEED = 0x5eed_1234_abcdL;
  static final int E0 = 3;
  static final int E = 5;

  @BeforeAll
  static void needOpenCl() {
    String why = ClTrainer.unavailable();
    if (why != null && "1".equals(System.getenv("RGFLOW_REQUIRE_OPENCL"))) {
      fail("RGFLOW_REQUIRE_OPENCL=1 but no OpenCL device: " + why);
    }
    Assumptions.assumeTrue(why == null, () -> "no OpenCL device: " + why);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("relu", 2, new int[] {1, 1}, 1),
        Arguments.of("tanh", 3, new int[] {3, 2, 1}, 8),
        Arguments.of("leaky_relu(0.1)", 2, new int[] {2, 3, 2, 1}, 8),
        Arguments.of("relu", 3, new int[] {100, 1}, 8),
        Arguments.of("tanh", 2, new int[] {100, 3, 1}, 1));
  }

  static double[] fill(double v, int n) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  static double rel(double[] got, double[] want) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < want.length; i++) {
      num = Math.max(num, Math.abs(got[i] - want[i]));
      den = Math.max(den, Math.abs(want[i]));
    }
    return num == 0 ? 0 : num / den;
  }

  /** √(2L) = ‖z_A − y‖ against the scale of the outputs and labels (a converged loss is tiny). */
  static double lossErr(double got, CpuTrainer.Outcome o, double[] y) {
    double scale = 0;
    for (int a = 0; a < y.length; a++) {
      scale = Math.max(scale, Math.max(Math.abs(y[a]), Math.abs(o.zTrainT()[a])));
    }
    double d = Math.abs(Math.sqrt(2 * got) - Math.sqrt(2 * o.loss()));
    return d == 0 ? 0 : d / scale;
  }

  static double[] flat(double[][] m) {
    double[] f = new double[m.length * m[0].length];
    for (int a = 0; a < m.length; a++) {
      System.arraycopy(m[a], 0, f, a * m[0].length, m[0].length);
    }
    return f;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void agreesWithCpuTrainerNetworkByNetwork(String act, int n0, int[] widths, int na) {
    int l = widths.length;
    NetworkSpec spec = new NetworkSpec(n0, widths, Activations.parse(act), fill(0.15, l),
        fill(act.equals("tanh") ? 1.2 : 1.9, l), fill(0.8, l), fill(1.3, l));
    Dataset d = Dataset.builtin(n0, na);
    double eta = 0.5 * Kernels.predictions(spec, d).maxStableEta();
    double[][] zeros = new double[d.testCount()][na];
    double worst = 0;
    for (long t : new long[] {1, 10, 100}) {
      TrainSettings ts = new TrainSettings(eta, t, 0, E0 + E, SEED, 1, new long[] {0, t});
      CpuTrainer cpu = new CpuTrainer(spec, d, ts, zeros);
      CpuTrainer.Outcome[] got = new ClTrainer(spec, d, ts, zeros).networks(E0, E);
      for (int k = 0; k < E; k++) {
        CpuTrainer.Outcome o = cpu.trainOne(E0 + k);
        CpuTrainer.Outcome g = got[k];
        String where = String.format(Locale.ROOT, "%s widths=%s N_A=%d e=%d T=%d", act,
            java.util.Arrays.toString(widths), na, E0 + k, t);
        double[] errs = {rel(g.zTrain0(), o.zTrain0()), rel(g.zTest0(), o.zTest0()),
            rel(flat(g.ntk0()), flat(o.ntk0())), rel(g.zTrainT(), o.zTrainT()), rel(g.zTestT(), o.zTestT()),
            rel(flat(g.ntkT()), flat(o.ntkT())), rel(g.zTestAt()[1], o.zTestAt()[1]),
            lossErr(g.loss(), o, d.yTrain())};
        for (int i = 0; i < errs.length; i++) {
          worst = Math.max(worst, errs[i]);
          assertTrue(errs[i] <= RTOL, where + " quantity " + i + ": relative error " + errs[i]);
        }
        assertEquals(o.steps(), g.steps(), where);
        assertEquals(o.signFlips(), g.signFlips(), 1e-12, where + " sign flips");
      }
    }
    System.out.printf(Locale.ROOT, "opencl train %s widths=%s N_A=%d: worst relative error %.2e%n", act,
        java.util.Arrays.toString(widths), na, worst);
  }
}

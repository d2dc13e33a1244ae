package org.rgflow.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rgflow.act.Activations;
import org.rgflow.exact.ExactProbe;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * kernels/exact_forward.cu (the exact sampler's forward pass, docs/EXACT_SAMPLER.md §1), compiled as
 * C++ by the host harness, against the CPU's {@code ExactNetwork} network by network: same seed, same
 * network indices, same Philox streams (row b, layer word l | 2^30), so the two give the same
 * realization up to float rounding.
 *
 * <p>Tolerance: relative Frobenius error of z^{(l)}_a per layer and input ≤ {@value #Z_RTOL}, the
 * direct kernels' contract (CudaKernelsOnHostTest): the device Gaussian is within ~5e-6 + 2e-6|g| of
 * the reference's, L is rounded to float (2^-24 relative) and Ĝ is formed in double from float
 * activations (each rounded to 2^-24), so one layer adds ~1e-6 and the error compounds like √depth
 * through σ. The worst error seen is printed. Shapes: widths 1–3 and 1000, N_D = 1, 2 and 8 (N_D >
 * width + 1: rank-deficient Ĝ, dropped Cholesky columns), first network e0 ≠ 0.
 */
class CudaExactForwardOnHostTest {
  static final double Z_RTOL = 1e-4;
  static Path bin;

  @BeforeAll
  static void buildHarness() {
    String why = HostHarness.unavailableReason();
    Assumptions.assumeTrue(why == null, () -> "host harness not built: " + why);
    bin = HostHarness.build("exact", m -> m);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("relu", 3, new int[] {1, 2, 3}, 8, 64),
        Arguments.of("relu", 4, new int[] {3, 1, 2}, 2, 32),
        Arguments.of("linear", 2, new int[] {2, 3}, 1, 32),
        Arguments.of("relu", 5, new int[] {1000, 1000}, 2, 256),
        Arguments.of("tanh", 6, new int[] {40, 17, 40}, 8, 96),
        Arguments.of("leaky_relu", 3, new int[] {33, 3, 65}, 3, 64));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void agreesWithCpuNetworkByNetwork(String act, int n0, int[] widths, int nd, int block) {
    NetworkSpec spec = ExactProbe.spec(n0, widths, Activations.parse(act), 0.1, 1.9);
    Inputs in = inputs(n0, nd, 5 + nd);
    long seed = 0x1234_5678_9abcL;
    int first = 7;
    int count = 3;
    int depth = spec.depth();
    int[] w = new int[depth + 1];
    int[] zOff = new int[depth + 1];
    int stride = 0;
    w[0] = n0;
    for (int l = 1; l <= depth; l++) {
      w[l] = spec.width(l);
      zOff[l] = stride;
      stride += nd * w[l];
    }
    int ld = 0;
    for (int x : w) {
      ld = Math.max(ld, x);
    }
    float[] x = new float[nd * n0];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < n0; j++) {
        x[a * n0 + j] = (float) in.get(a, j);
      }
    }
    double[] cwn = new double[depth + 1];
    double[] cb = new double[depth + 1];
    for (int l = 1; l <= depth; l++) {
      cwn[l] = spec.cw(l) / w[l - 1];
      cb[l] = spec.cb(l);
    }
    CudaActivation ca = CudaActivation.of(spec.activation());
    HostHarness.Job job = new HostHarness.Job().i32("widths", w).i32("zOff", zOff).f32("x", x)
        .f64("cwn", cwn).f64("cb", cb).alloc("z", "f32", (long) stride * count).alloc("div", "i32", count)
        .launch("rg_exact_forward_nd" + nd, String.valueOf(count), block, 4L * nd * ld,
            HostHarness.Arg.i32(depth), HostHarness.Arg.buf("widths"), HostHarness.Arg.buf("zOff"),
            HostHarness.Arg.buf("x"), HostHarness.Arg.buf("cwn"), HostHarness.Arg.buf("cb"),
            HostHarness.Arg.i32(ca.code()), HostHarness.Arg.f32(ca.a()), HostHarness.Arg.f32(ca.b()),
            HostHarness.Arg.u32((int) seed), HostHarness.Arg.u32((int) (seed >>> 32)),
            HostHarness.Arg.u32(first), HostHarness.Arg.buf("z"), HostHarness.Arg.i64(stride),
            HostHarness.Arg.buf("div"))
        .dump("z", "div");
    Map<String, ByteBuffer> out = job.run(bin);
    float[] z = HostHarness.floats(out.get("z"));
    int[] div = HostHarness.ints(out.get("div"));
    double worst = 0;
    for (int k = 0; k < count; k++) {
      assertEquals(0, div[k], "network " + (first + k) + " diverged on the device");
      double[][][] ref = ExactProbe.forwardZ(spec, in, seed, first + k);
      for (int l = 1; l <= depth; l++) {
        for (int a = 0; a < nd; a++) {
          double num = 0;
          double den = 0;
          for (int i = 0; i < w[l]; i++) {
            double d = z[k * stride + zOff[l] + a * w[l] + i] - ref[l][a][i];
            num += d * d;
            den += ref[l][a][i] * ref[l][a][i];
          }
          double err = Math.sqrt(num / Math.max(den, 1e-300));
          worst = Math.max(worst, err);
          String where = String.format(Locale.ROOT, "%s n0=%d widths=%s N_D=%d e=%d l=%d a=%d", act,
              n0, java.util.Arrays.toString(widths), nd, first + k, l, a);
          assertTrue(err <= Z_RTOL, where + ": relative error " + err + " > " + Z_RTOL);
        }
      }
    }
    System.out.printf(Locale.ROOT, "exact forward %s widths=%s N_D=%d: worst relative z error %.2e%n",
        act, java.util.Arrays.toString(widths), nd, worst);
  }

  static Inputs inputs(int n0, int nd, long salt) {
    java.util.Random r = new java.util.Random(salt);
    double[][] x = new double[nd][n0];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < n0; j++) {
        x[a][j] = r.nextGaussian();
      }
    }
    return new Inputs(x);
  }
}

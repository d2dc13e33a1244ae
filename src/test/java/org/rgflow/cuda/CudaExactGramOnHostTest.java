package org.rgflow.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.exact.ExactEnsemble;
import org.rgflow.exact.ExactProbe;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * kernels/exact_gram.cu (the exact sampler's Gram-sweep NTK, per-target layout), run after
 * rg_exact_forward_nd&lt;N_D&gt; in the host harness, against the CPU's ExactNetwork network by
 * network: same seed, network indices and streams, so the same Θ̂ up to float rounding.
 *
 * <p>Tolerance: relative Frobenius error of each Θ̂^{(ℓ)} block ≤ {@value #THETA_RTOL}, the direct
 * kernels' float contract: z comes from the float forward kernel (≈ 1e-6 relative) and the Gaussians
 * are float Box–Muller (|Δg| ≤ 5e-6 + 2e-6|g|), all sums and factors double; a wrong stream or
 * formula changes Θ̂ at O(1). The worst error seen is printed. Every shape is one where the CPU's
 * cost rule picks the per-target layout (asserted). Shapes: widths 1–3 with N_D = 8 (rank-deficient
 * Γ and groups: the explicit Gaussian matrix), width 1000 (Bartlett's factor), leaky relu, linear,
 * five networks from e = 7 in one launch of a 64-thread block (E not a multiple of the block).
 */
class CudaExactGramOnHostTest {
  static final double THETA_RTOL = 1e-4;
  static Path bin;

  @BeforeAll
  static void buildHarness() {
    String why = HostHarness.unavailableReason();
    Assumptions.assumeTrue(why == null, () -> "host harness not built: " + why);
    bin = HostHarness.build("exact", m -> m);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("relu", 3, new int[] {1, 2, 3}, 8, 2),
        Arguments.of("relu", 5, new int[] {1000, 1000}, 1, 6),
        Arguments.of("relu", 4, new int[] {40, 17, 40}, 2, 3),
        Arguments.of("leaky_relu", 3, new int[] {33, 3, 65}, 3, 2),
        Arguments.of("linear", 2, new int[] {8, 8, 8}, 3, 4));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void ntkAgreesWithCpuNetworkByNetwork(String act, int n0, int[] widths, int nd, int ntkNeurons) {
    NetworkSpec spec = ExactProbe.spec(n0, widths, Activations.parse(act), 0.1, 1.9);
    assertEquals(null, ExactEnsemble.perTargetGramRefusal(spec, nd, ntkNeurons));
    Inputs in = CudaExactForwardOnHostTest.inputs(n0, nd, 11 + nd);
    long seed = 0x0DDB_A11_5EEDL;
    int first = 7;
    int count = 5;
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
    int ld = Arrays.stream(w).max().orElseThrow();
    float[] x = new float[nd * n0];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < n0; j++) {
        x[a * n0 + j] = (float) in.get(a, j);
      }
    }
    double[] cwn = new double[depth + 1];
    double[] cb = new double[depth + 1];
    double[] sw = new double[depth + 1];
    double[] sb = new double[depth + 1];
    double[] lamB = new double[depth + 1];
    double[] lamWn = new double[depth + 1];
    for (int l = 1; l <= depth; l++) {
      cwn[l] = spec.cw(l) / w[l - 1];
      cb[l] = spec.cb(l);
      sw[l] = Math.sqrt(spec.cw(l) / w[l - 1]);
      sb[l] = Math.sqrt(spec.cb(l));
      lamB[l] = spec.lambdaB(l);
      lamWn[l] = spec.lambdaW(l) / w[l - 1];
    }
    double[] slopes = spec.activation().scaleInvariantSlopes();
    ExactGramLayout g = new ExactGramLayout(spec, nd, ntkNeurons);
    CudaActivation ca = CudaActivation.of(spec.activation());
    HostHarness.Arg lo = HostHarness.Arg.u32((int) seed);
    HostHarness.Arg hi = HostHarness.Arg.u32((int) (seed >>> 32));
    HostHarness.Job job = new HostHarness.Job().i32("widths", w).i32("zOff", zOff).f32("x", x)
        .f64("cwn", cwn).f64("cb", cb).f64("sw", sw).f64("sb", sb).f64("lamB", lamB)
        .f64("lamWn", lamWn).f64("slopes", slopes).i32("mL", g.m).i32("tOff", g.tOff)
        .i32("tgOff", g.tgOff).i32("tyOff", g.tyOff)
        .alloc("z", "f32", (long) stride * count).alloc("div", "i32", count)
        .alloc("ws", "f64", g.wsStride * count).alloc("iws", "i32", g.iwsStride * count)
        .alloc("theta", "f64", g.thetaStride * count)
        .launch("rg_exact_forward_nd" + nd, String.valueOf(count), 64, 4L * nd * ld,
            HostHarness.Arg.i32(depth), HostHarness.Arg.buf("widths"), HostHarness.Arg.buf("zOff"),
            HostHarness.Arg.buf("x"), HostHarness.Arg.buf("cwn"), HostHarness.Arg.buf("cb"),
            HostHarness.Arg.i32(ca.code()), HostHarness.Arg.f32(ca.a()), HostHarness.Arg.f32(ca.b()),
            lo, hi, HostHarness.Arg.u32(first), HostHarness.Arg.buf("z"),
            HostHarness.Arg.i64(stride), HostHarness.Arg.buf("div"))
        .launch("rg_exact_gram", "1", 64, 0, HostHarness.Arg.i32(depth), HostHarness.Arg.i32(nd),
            HostHarness.Arg.i32(g.mMax), HostHarness.Arg.i32(g.gMax), HostHarness.Arg.i32(g.maxW),
            HostHarness.Arg.buf("widths"), HostHarness.Arg.buf("zOff"), HostHarness.Arg.buf("mL"),
            HostHarness.Arg.buf("tOff"), HostHarness.Arg.buf("tgOff"), HostHarness.Arg.buf("tyOff"),
            HostHarness.Arg.buf("x"), HostHarness.Arg.buf("sw"), HostHarness.Arg.buf("sb"),
            HostHarness.Arg.buf("lamB"), HostHarness.Arg.buf("lamWn"), HostHarness.Arg.buf("cwn"),
            HostHarness.Arg.buf("cb"), HostHarness.Arg.buf("slopes"), lo, hi,
            HostHarness.Arg.u32(first), HostHarness.Arg.i32(count), HostHarness.Arg.buf("z"),
            HostHarness.Arg.i64(stride), HostHarness.Arg.buf("ws"), HostHarness.Arg.i64(g.wsStride),
            HostHarness.Arg.buf("iws"), HostHarness.Arg.i64(g.iwsStride),
            HostHarness.Arg.buf("theta"), HostHarness.Arg.i64(g.thetaStride))
        .dump("div", "theta");
    Map<String, ByteBuffer> out = job.run(bin);
    int[] div = HostHarness.ints(out.get("div"));
    double[] theta = HostHarness.doubles(out.get("theta"));
    double worst = 0;
    for (int k = 0; k < count; k++) {
      assertEquals(0, div[k], "network " + (first + k) + " diverged on the device");
      NetworkSample ref = ExactEnsemble.network(spec, in, seed, first + k, ntkNeurons);
      for (int l = 1; l <= depth; l++) {
        int b = g.m[l] * nd;
        double num = 0;
        double den = 0;
        for (int p = 0; p < b; p++) {
          for (int q = 0; q < b; q++) {
            double r = ref.theta()[l - 1][p][q];
            double d = theta[(int) (k * g.thetaStride) + g.tOff[l] + p * b + q] - r;
            num += d * d;
            den += r * r;
          }
        }
        double err = Math.sqrt(num / Math.max(den, 1e-300));
        worst = Math.max(worst, err);
        String where = String.format(Locale.ROOT, "%s widths=%s N_D=%d m=%d e=%d l=%d", act,
            Arrays.toString(widths), nd, ntkNeurons, first + k, l);
        assertTrue(err <= THETA_RTOL, where + ": relative error " + err + " > " + THETA_RTOL);
      }
    }
    System.out.printf(Locale.ROOT, "exact gram %s widths=%s N_D=%d m=%d: worst relative Θ̂ error %.2e%n",
        act, Arrays.toString(widths), nd, ntkNeurons, worst);
  }
}

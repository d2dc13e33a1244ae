package org.rgflow.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our batched SGEMM kernel (kernels/gemm.cu, {@code rg_sgemm_batched}) on the host harness, launched
 * as {@link BatchedGemm} launches it (grid from {@link BatchedGemm#grid}, 256 threads, the same
 * argument list), against a double-precision CPU GEMM ({@link BatchedGemm#reference}): every entry
 * within the float bound (k + 2)·2⁻²⁴·(|α| Σ_p |a_ip b_pj| + |β c_ij|) (an fma chain of k terms, then
 * one scaling), the padding rows between m and ldc untouched, and with β = 0 a C full of NaN never
 * read. Sizes on and off the 64×64×16 tiles, all four transpose cases, batches with strides larger
 * than a matrix.
 */
class GemmOnHostTest {
  static Path bin;

  @BeforeAll
  static void build() {
    String why = HostHarness.unavailableReason();
    Assumptions.assumeTrue(why == null, () -> "host harness not built: " + why);
    bin = HostHarness.build("kernels", src -> src);
  }

  static Stream<Arguments> shapes() {
    return Stream.of(Arguments.of(1, 1, 1, false, false, 1, 1.0f, 0.0f),
        Arguments.of(65, 63, 17, false, false, 3, 0.75f, 0.5f),
        Arguments.of(64, 64, 16, true, false, 2, 1.0f, 0.0f),
        Arguments.of(100, 37, 129, false, true, 2, -1.5f, 2.0f),
        Arguments.of(33, 130, 5, true, true, 1, 0.5f, 1.0f),
        Arguments.of(200, 2, 300, false, false, 4, 1.0f, 0.0f),
        Arguments.of(7, 9, 0, false, false, 2, 1.0f, 0.25f));
  }

  /** Runs one GEMM through the harness; returns C after the launch (all batch strides). */
  static float[] run(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int lda,
      int sa, float[] b, int ldb, int sb, float beta, float[] c, int ldc, int sc, int batch) {
    int[] g = BatchedGemm.grid(m, n, batch);
    HostHarness.Job job = new HostHarness.Job().f32("A", a).f32("B", b).f32("C", c)
        .launch("rg_sgemm_batched", g[0] + "," + g[1] + "," + g[2], BatchedGemm.THREADS, 0,
            HostHarness.Arg.i32(ta ? 1 : 0), HostHarness.Arg.i32(tb ? 1 : 0), HostHarness.Arg.i32(m),
            HostHarness.Arg.i32(n), HostHarness.Arg.i32(k), HostHarness.Arg.f32(alpha),
            HostHarness.Arg.buf("A"), HostHarness.Arg.i32(lda), HostHarness.Arg.i64(sa),
            HostHarness.Arg.buf("B"), HostHarness.Arg.i32(ldb), HostHarness.Arg.i64(sb),
            HostHarness.Arg.f32(beta), HostHarness.Arg.buf("C"), HostHarness.Arg.i32(ldc),
            HostHarness.Arg.i64(sc), HostHarness.Arg.i32(batch))
        .dump("C");
    return HostHarness.floats(job.run(bin).get("C"));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void agreesWithTheCpuGemm(int m, int n, int k, boolean ta, boolean tb, int batch, float alpha,
      float beta) {
    Random r = new Random(m * 1009L + n * 31L + k);
    int lda = Math.max(1, ta ? k : m) + 3;
    int ldb = Math.max(1, tb ? n : k) + 1;
    int ldc = m + 2;
    int sa = lda * (ta ? m : k) + 5;
    int sb = ldb * (tb ? k : n) + 7;
    int sc = ldc * n + 1;
    float[] a = new float[sa * batch];
    float[] b = new float[sb * batch];
    float[] c = new float[sc * batch];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < c.length; i++) {
      c[i] = beta == 0 ? Float.NaN : (float) r.nextGaussian();  // β = 0: C must not be read
    }
    float[] got = run(ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, batch);
    double[] want = new double[m * n];
    double[] bound = new double[m * n];
    double worst = 0;
    int bad = 0;
    for (int q = 0; q < batch; q++) {
      BatchedGemm.reference(ta, tb, m, n, k, alpha, a, lda, q * sa, b, ldb, q * sb, beta, c, ldc,
          q * sc, want, bound);
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < ldc; i++) {
          int at = q * sc + i + j * ldc;
          if (i >= m) {
            bad += Float.floatToRawIntBits(got[at]) == Float.floatToRawIntBits(c[at]) ? 0 : 1;
            continue;
          }
          double d = Math.abs(got[at] - want[i + j * m]);
          worst = Math.max(worst, d / Math.max(bound[i + j * m], Double.MIN_NORMAL));
          bad += d <= bound[i + j * m] ? 0 : 1;
        }
      }
      for (int t = q * sc + ldc * n; t < (q + 1) * sc; t++) {  // the gap between batch entries
        bad += Float.floatToRawIntBits(got[t]) == Float.floatToRawIntBits(c[t]) ? 0 : 1;
      }
    }
    System.out.printf(Locale.ROOT, "[GemmOnHostTest] m=%d n=%d k=%d op=%s%s batch=%d: max error %.3f"
        + " of the float bound%n", m, n, k, ta ? "T" : "N", tb ? "T" : "N", batch, worst);
    assertEquals(0, bad, "entries outside the bound or padding written");
  }

  @Test
  void shippedPtxHasTheKernelAndThePathIsChosenWithoutThrowing() {
    String ptx = new String(CudaEnsemble.resource("gemm.ptx"), java.nio.charset.StandardCharsets.US_ASCII);
    assertTrue(ptx.contains(".entry rg_sgemm_batched("), "gemm.ptx lacks rg_sgemm_batched");
    assertTrue(ptx.contains(".target sm_75"));
    assertTrue(CudaEnsemble.resource("gemm.cu").length > 0, "gemm.cu shipped for NVRTC");
    BatchedGemm.Path p = BatchedGemm.available();
    assertTrue(BatchedGemm.describe(p).startsWith("GEMM path: "));
  }

  @Test
  void aWrongProductIsCaught() {
    // Power: the same comparison on a result with one entry off by 1e-4 relative fails.
    float[] a = {1, 2, 3, 4};
    float[] b = {1, 0, 0, 1};
    float[] c = new float[4];
    float[] got = run(false, false, 2, 2, 2, 1.0f, a, 2, 4, b, 2, 4, 0.0f, c, 2, 4, 1);
    assertEquals(java.util.List.of(1f, 2f, 3f, 4f), java.util.List.of(got[0], got[1], got[2], got[3]));
    double[] want = new double[4];
    double[] bound = new double[4];
    BatchedGemm.reference(false, false, 2, 2, 2, 1.0, a, 2, 0, b, 2, 0, 0.0, c, 2, 0, want, bound);
    assertTrue(Math.abs(got[3] * (1 + 1e-4) - want[3]) > bound[3], "the bound is tight enough to see 1e-4");
  }
}

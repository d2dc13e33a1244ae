package org.rgflow.cuda;

import java.util.Random;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;

/**
 * Strided-batched SGEMM on the device, {@code cublasSgemmStridedBatched}'s contract (column-major):
 * C_b = α op(A_b) op(B_b) + β C_b for b &lt; batch, X_b = X + b·strideX, op(A) m×k, op(B) k×n; β = 0
 * never reads C. Two paths: cuBLAS through JCublas where it loads (JCublas 12.6's JNI library needs
 * {@code libcublas.so.12}, which CUDA-13-only machines lack), else our kernel {@code rg_sgemm_batched}
 * (kernels/gemm.cu, shipped as PTX; CudaKernelsOnHost-style harness test: {@code GemmOnHostTest}).
 * For the weights-in-memory path (many inputs, training); the fused sampling kernels need no GEMM.
 *
 * <p>Use inside a current CUDA context (the caller owns it); {@link #close} frees the module or the
 * cuBLAS handle. {@link #main} is a GPU self-check of both paths against a CPU GEMM.
 */
public final class BatchedGemm implements AutoCloseable {
  /** Which implementation runs. */
  public enum Path {
    /** cuBLAS (JCublas2.cublasSgemmStridedBatched). */
    CUBLAS,
    /** Our rg_sgemm_batched kernel. */
    KERNEL
  }

  /** Tile of C per block of our kernel (RG_GEMM_T). */
  static final int TILE = 64;
  /** Threads per block of our kernel. */
  static final int THREADS = 256;
  /** The largest grid z (batch) of one launch. */
  static final int MAX_BATCH = 65535;

  private final Path path;
  private CUmodule module;
  private CUfunction kernel;
  private cublasHandle handle;

  /**
   * The path that would run here: {@link Path#CUBLAS} when JCublas's native library loads (asked for
   * cuBLAS's version, which needs no GPU), else {@link Path#KERNEL}. Never throws.
   */
  public static Path available() {
    try {
      int[] v = new int[1];
      JCublas2.cublasGetProperty(0, v);
      return Path.CUBLAS;
    } catch (Throwable t) {
      return Path.KERNEL;
    }
  }

  /** One line for {@code rgflow devices}: which GEMM path would run, and why. */
  public static String describe(Path p) {
    return p == Path.CUBLAS ? "GEMM path: cuBLAS (cublasSgemmStridedBatched via JCublas)"
        : "GEMM path: rgflow's rg_sgemm_batched kernel (cuBLAS not loadable)";
  }

  /** Grid (⌈m/64⌉, ⌈n/64⌉, batch) of our kernel. */
  static int[] grid(int m, int n, int batch) {
    return new int[] {(m + TILE - 1) / TILE, (n + TILE - 1) / TILE, batch};
  }

  /** The GEMM of {@code path} in the current context (loads the kernel, or creates a cuBLAS handle). */
  public BatchedGemm(Path path) {
    this.path = path;
    if (path == Path.CUBLAS) {
      handle = new cublasHandle();
      int rc = JCublas2.cublasCreate(handle);
      if (rc != 0) {
        throw new IllegalStateException("cublasCreate failed: " + rc);
      }
    } else {
      int[] v = new int[1];
      CudaEnsemble.check(JCudaDriver.cuDriverGetVersion(v), "cuDriverGetVersion");
      module = new CUmodule();
      if (v[0] >= CudaProbe.PTX_DRIVER) {
        CudaEnsemble.check(JCudaDriver.cuModuleLoadData(module, CudaEnsemble.ptx("gemm")),
            "cuModuleLoadData(gemm PTX)");
      } else {
        CUdevice dev = new CUdevice();
        CudaEnsemble.check(JCudaDriver.cuCtxGetDevice(dev), "cuCtxGetDevice");
        int[] major = new int[1];
        int[] minor = new int[1];
        CudaEnsemble.check(JCudaDriver.cuDeviceGetAttribute(major,
            jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev), "cc");
        CudaEnsemble.check(JCudaDriver.cuDeviceGetAttribute(minor,
            jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev), "cc");
        CudaEnsemble.check(JCudaDriver.cuModuleLoadData(module,
            CudaEnsemble.nvrtcCompile("gemm", major[0] * 10 + minor[0])), "cuModuleLoadData(gemm)");
      }
      kernel = new CUfunction();
      CudaEnsemble.check(JCudaDriver.cuModuleGetFunction(kernel, module, "rg_sgemm_batched"),
          "get rg_sgemm_batched");
    }
  }

  public Path path() {
    return path;
  }

  /**
   * C_b = α op(A_b) op(B_b) + β C_b on device pointers (column-major; leading dimensions and strides
   * in elements), asynchronously on the default stream.
   */
  public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, CUdeviceptr a,
      int lda, long strideA, CUdeviceptr b, int ldb, long strideB, float beta, CUdeviceptr c, int ldc,
      long strideC, int batch) {
    if (m < 0 || n < 0 || k < 0 || batch < 0) {
      throw new IllegalArgumentException("negative size: m=" + m + " n=" + n + " k=" + k + " batch=" + batch);
    }
    if (lda < Math.max(1, transA ? k : m) || ldb < Math.max(1, transB ? n : k) || ldc < Math.max(1, m)) {
      throw new IllegalArgumentException("leading dimension too small: lda=" + lda + " ldb=" + ldb
          + " ldc=" + ldc);
    }
    if (m == 0 || n == 0 || batch == 0) {
      return;
    }
    if (path == Path.CUBLAS) {
      int rc = JCublas2.cublasSgemmStridedBatched(handle,
          transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
          transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N, m, n, k,
          Pointer.to(new float[] {alpha}), a, lda, strideA, b, ldb, strideB,
          Pointer.to(new float[] {beta}), c, ldc, strideC, batch);
      if (rc != 0) {
        throw new IllegalStateException("cublasSgemmStridedBatched failed: " + rc);
      }
      return;
    }
    for (int b0 = 0; b0 < batch; b0 += MAX_BATCH) {
      int nb = Math.min(MAX_BATCH, batch - b0);
      int[] g = grid(m, n, nb);
      Pointer args = Pointer.to(Pointer.to(new int[] {transA ? 1 : 0}),
          Pointer.to(new int[] {transB ? 1 : 0}), Pointer.to(new int[] {m}), Pointer.to(new int[] {n}),
          Pointer.to(new int[] {k}), Pointer.to(new float[] {alpha}),
          Pointer.to(a.withByteOffset(Sizeof.FLOAT * strideA * b0)), Pointer.to(new int[] {lda}),
          Pointer.to(new long[] {strideA}), Pointer.to(b.withByteOffset(Sizeof.FLOAT * strideB * b0)),
          Pointer.to(new int[] {ldb}), Pointer.to(new long[] {strideB}),
          Pointer.to(new float[] {beta}), Pointer.to(c.withByteOffset(Sizeof.FLOAT * strideC * b0)),
          Pointer.to(new int[] {ldc}), Pointer.to(new long[] {strideC}), Pointer.to(new int[] {nb}));
      CudaEnsemble.check(JCudaDriver.cuLaunchKernel(kernel, g[0], g[1], g[2], THREADS, 1, 1, 0, null,
          args, null), "cuLaunchKernel(rg_sgemm_batched)");
    }
  }

  @Override
  public void close() {
    if (handle != null) {
      JCublas2.cublasDestroy(handle);
      handle = null;
    }
    if (module != null) {
      JCudaDriver.cuModuleUnload(module);
      module = null;
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** C = α op(A) op(B) + β C in double, column-major, one matrix (the check's reference). */
  static void reference(boolean ta, boolean tb, int m, int n, int k, double alpha, float[] a, int lda,
      int aOff, float[] b, int ldb, int bOff, double beta, float[] c, int ldc, int cOff, double[] out,
      double[] bound) {
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < m; i++) {
        double s = 0;
        double abs = 0;
        for (int p = 0; p < k; p++) {
          double x = ta ? a[aOff + p + i * lda] : a[aOff + i + p * lda];
          double y = tb ? b[bOff + j + p * ldb] : b[bOff + p + j * ldb];
          s += x * y;
          abs += Math.abs(x * y);
        }
        double cv = beta == 0 ? 0 : c[cOff + i + j * ldc];
        out[i + j * m] = alpha * s + beta * cv;
        // Float fma chain over k terms, then alpha·acc (+ beta·c): (k + 2) unit roundoffs.
        bound[i + j * m] = (k + 2) * 0x1p-24 * 1.01 * (Math.abs(alpha) * abs + Math.abs(beta * cv));
      }
    }
  }

  /**
   * GPU self-check: both paths (where they load) against {@link #reference} on awkward shapes.
   * Prints PASS/FAIL lines; exit 1 on a failure, 2 without a device.
   */
  public static void main(String[] args) {
    CudaProbe p = CudaEnsemble.probe();
    System.out.println(p.line());
    System.out.println(describe(available()));
    if (!p.available()) {
      System.out.println("SKIP: no usable CUDA device");
      System.exit(2);
    }
    CudaEnsemble.check(JCudaDriver.cuInit(0), "cuInit");
    CUdevice dev = new CUdevice();
    CudaEnsemble.check(JCudaDriver.cuDeviceGet(dev, Integer.getInteger("rgflow.cuda.device", 0)), "cuDeviceGet");
    CUcontext ctx = new CUcontext();
    CudaEnsemble.check(JCudaDriver.cuDevicePrimaryCtxRetain(ctx, dev), "retain");
    boolean ok = true;
    try {
      CudaEnsemble.check(JCudaDriver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
      int[][] shapes = {{1, 1, 1, 0, 0, 1}, {65, 63, 17, 0, 0, 3}, {64, 64, 16, 1, 0, 2},
          {100, 37, 129, 0, 1, 2}, {33, 130, 5, 1, 1, 1}, {1024, 2, 1024, 0, 0, 8}};
      for (Path path : Path.values()) {
        if (path == Path.CUBLAS && available() != Path.CUBLAS) {
          System.out.println("SKIP cuBLAS path: JCublas does not load here");
          continue;
        }
        try (BatchedGemm gemm = new BatchedGemm(path)) {
          for (int[] s : shapes) {
            ok &= checkOne(gemm, s[0], s[1], s[2], s[3] == 1, s[4] == 1, s[5]);
          }
        }
      }
    } finally {
      JCudaDriver.cuCtxSetCurrent(null);
      JCudaDriver.cuDevicePrimaryCtxRelease(dev);
    }
    System.out.println(ok ? "PASS all GEMM checks" : "FAIL some GEMM check");
    System.exit(ok ? 0 : 1);
  }

  private static boolean checkOne(BatchedGemm gemm, int m, int n, int k, boolean ta, boolean tb,
      int batch) {
    Random r = new Random(m * 31L + n * 17L + k);
    int lda = (ta ? k : m) + 3;
    int ldb = (tb ? n : k) + 1;
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
      c[i] = (float) r.nextGaussian();
    }
    float alpha = 0.75f;
    float beta = 0.5f;
    CUdeviceptr da = new CUdeviceptr();
    CUdeviceptr db = new CUdeviceptr();
    CUdeviceptr dc = new CUdeviceptr();
    float[] got = new float[c.length];
    try {
      CudaEnsemble.check(JCudaDriver.cuMemAlloc(da, 4L * a.length), "alloc");
      CudaEnsemble.check(JCudaDriver.cuMemAlloc(db, 4L * b.length), "alloc");
      CudaEnsemble.check(JCudaDriver.cuMemAlloc(dc, 4L * c.length), "alloc");
      CudaEnsemble.check(JCudaDriver.cuMemcpyHtoD(da, Pointer.to(a), 4L * a.length), "h2d");
      CudaEnsemble.check(JCudaDriver.cuMemcpyHtoD(db, Pointer.to(b), 4L * b.length), "h2d");
      CudaEnsemble.check(JCudaDriver.cuMemcpyHtoD(dc, Pointer.to(c), 4L * c.length), "h2d");
      gemm.sgemm(ta, tb, m, n, k, alpha, da, lda, sa, db, ldb, sb, beta, dc, ldc, sc, batch);
      CudaEnsemble.check(JCudaDriver.cuCtxSynchronize(), "sgemm");
      CudaEnsemble.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(got), dc, 4L * c.length), "d2h");
    } finally {
      JCudaDriver.cuMemFree(da);
      JCudaDriver.cuMemFree(db);
      JCudaDriver.cuMemFree(dc);
    }
    double worst = 0;
    boolean pass = true;
    double[] want = new double[m * n];
    double[] bound = new double[m * n];
    for (int q = 0; q < batch; q++) {
      reference(ta, tb, m, n, k, alpha, a, lda, q * sa, b, ldb, q * sb, beta, c, ldc, q * sc, want, bound);
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
          double d = Math.abs(got[q * sc + i + j * ldc] - want[i + j * m]);
          worst = Math.max(worst, d / Math.max(bound[i + j * m], Double.MIN_NORMAL));
          pass &= d <= bound[i + j * m];
        }
        for (int i = m; i < ldc; i++) {  // padding rows untouched
          pass &= got[q * sc + i + j * ldc] == c[q * sc + i + j * ldc];
        }
      }
    }
    System.out.printf("%s %-8s m=%d n=%d k=%d op=%s%s batch=%d: max error %.3f of the float bound%n",
        pass ? "PASS" : "FAIL", gemm.path(), m, n, k, ta ? "T" : "N", tb ? "T" : "N", batch, worst);
    return pass;
  }
}

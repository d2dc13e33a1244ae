package org.rgflow.device;

import java.util.LinkedHashMap;
import java.util.Map;
import jcuda.jcublas.JCublas2;

/**
 * cuBLAS through JCublas 12.6, whose JNI library links {@code libcublas.so.12}: present with a
 * CUDA 12 toolkit or runtime, absent on CUDA-13-only systems (cuBLAS 13 is {@code libcublas.so.13}).
 * The version comes from {@code cublasGetProperty}, which needs neither a handle nor a GPU.
 */
public final class CublasProbe {
  private CublasProbe() {}

  public static Capability run() {
    String label = "cuBLAS";
    try {
      int[] v = new int[3];
      for (int p = 0; p < 3; p++) { // libraryPropertyType: MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL
        int[] x = new int[1];
        JCublas2.cublasGetProperty(p, x);
        v[p] = x[0];
      }
      Map<String, Object> d = new LinkedHashMap<>();
      String version = v[0] + "." + v[1] + "." + v[2];
      d.put("version", version);
      return Capability.ok("cublas", label, "cuBLAS " + version + " (libcublas.so.12, via JCublas 12.6.0)", d);
    } catch (Throwable t) {
      String lib = NativeErrors.missingLibrary(t);
      if ("libcublas.so.12".equals(lib)) {
        return Capability.missing("cublas", label, "libcublas.so.12 not found (JCublas 12.6 needs CUDA 12's"
            + " cuBLAS); the fused CUDA kernels need no cuBLAS, and the weights-in-memory GEMM path (N_D ≳ 64) is not built yet");
      }
      return Capability.missing("cublas", label, "JCublas did not load: " + NativeErrors.describe(t));
    }
  }
}

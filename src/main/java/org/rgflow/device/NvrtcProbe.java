package org.rgflow.device;

import java.util.LinkedHashMap;
import java.util.Map;
import jcuda.nvrtc.JNvrtc;

/**
 * NVRTC, the run-time CUDA compiler, through JCuda's JNvrtc 12.6 ({@code libnvrtc.so.12}). It is
 * the fallback when the driver is too old for the shipped PTX ({@link CudaDriverProbe#PTX_MIN_DRIVER}).
 */
public final class NvrtcProbe {
  private NvrtcProbe() {}

  public static Capability run() {
    String label = "NVRTC";
    try {
      int[] major = new int[1];
      int[] minor = new int[1];
      JNvrtc.nvrtcVersion(major, minor);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("version", major[0] + "." + minor[0]);
      return Capability.ok("nvrtc", label, "NVRTC " + major[0] + "." + minor[0]
          + " (libnvrtc.so.12, via JCuda 12.6.0)", d);
    } catch (Throwable t) {
      String lib = NativeErrors.missingLibrary(t);
      if ("libnvrtc.so.12".equals(lib)) {
        return Capability.missing("nvrtc", label, "libnvrtc.so.12 not found (JNvrtc 12.6 needs CUDA 12's"
            + " NVRTC); the CUDA backend can then only load its shipped PTX (driver ≥ 13.0, r580)");
      }
      return Capability.missing("nvrtc", label, "JNvrtc did not load: " + NativeErrors.describe(t));
    }
  }
}

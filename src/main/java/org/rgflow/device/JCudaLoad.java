package org.rgflow.device;

import jcuda.driver.JCudaDriver;

/**
 * Whether JCuda's driver binding (libJCudaDriver, which needs libcuda.so.1) loads in this process.
 * Loading a native library is a once-per-process event — a second attempt only says "Could not
 * initialize class" — so the first outcome is kept here and every probe reports the same reason.
 */
public final class JCudaLoad {
  private static final Throwable FAILURE = load();

  private JCudaLoad() {}

  private static Throwable load() {
    try {
      JCudaDriver.cuDriverGetVersion(new int[1]);
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  /** Null when the binding loaded, else the one-line reason ("libcuda.so.1 not found — no NVIDIA driver", …). */
  public static String failure() {
    if (FAILURE == null) {
      return null;
    }
    return "libcuda.so.1".equals(NativeErrors.missingLibrary(FAILURE))
        ? "libcuda.so.1 not found — no NVIDIA driver"
        : "JCuda's driver binding did not load: " + NativeErrors.describe(FAILURE);
  }
}

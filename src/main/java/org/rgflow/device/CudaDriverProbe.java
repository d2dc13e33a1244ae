package org.rgflow.device;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA driver through JCuda's driver API: loads {@code libJCudaDriver} (which needs
 * {@code libcuda.so.1}, installed with the NVIDIA driver), {@code cuInit}, the driver version and,
 * per device, name, compute capability and memory. JCuda's exceptions stay disabled (return codes
 * are checked), so nothing global is changed.
 *
 * <p>The CUDA backend ships PTX of ISA 9.0 (from nvcc 13); a driver loads it only from CUDA 13.0
 * (version 13000, driver branch 580) on, so older drivers need the NVRTC fallback.
 */
public final class CudaDriverProbe {
  /** cuDriverGetVersion of CUDA 13.0: the first driver (r580) that loads PTX ISA 9.0. */
  public static final int PTX_MIN_DRIVER = 13000;

  private CudaDriverProbe() {}

  public static Capability run() {
    String label = "CUDA driver";
    String failure = JCudaLoad.failure();
    if (failure != null) {
      return Capability.missing("cuda", label, failure);
    }
    int[] version = new int[1];
    try {
      int rv = JCudaDriver.cuDriverGetVersion(version);
      if (rv != CUresult.CUDA_SUCCESS) {
        version[0] = 0;
      }
    } catch (Throwable t) {
      String lib = NativeErrors.missingLibrary(t);
      String reason = "libcuda.so.1".equals(lib) ? "libcuda.so.1 not found — no NVIDIA driver"
          : "JCuda's driver binding did not load: " + NativeErrors.describe(t);
      return Capability.missing("cuda", label, reason);
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("driver_version", version[0]);
    d.put("ptx_loads", version[0] >= PTX_MIN_DRIVER);
    int init = JCudaDriver.cuInit(0);
    if (init != CUresult.CUDA_SUCCESS) {
      return Capability.missing("cuda", label, "cuInit failed: " + CUresult.stringFor(init) + " ("
          + init + "), driver " + version(version[0]), d);
    }
    int[] count = new int[1];
    int rc = JCudaDriver.cuDeviceGetCount(count);
    if (rc != CUresult.CUDA_SUCCESS || count[0] == 0) {
      return Capability.missing("cuda", label, "driver " + version(version[0]) + " reports no CUDA device"
          + (rc != CUresult.CUDA_SUCCESS ? " (" + CUresult.stringFor(rc) + ")" : ""), d);
    }
    List<Map<String, Object>> devices = new ArrayList<>();
    StringBuilder s = new StringBuilder("driver ").append(version(version[0])).append("; ");
    for (int i = 0; i < count[0]; i++) {
      CUdevice dev = new CUdevice();
      JCudaDriver.cuDeviceGet(dev, i);
      byte[] name = new byte[256];
      JCudaDriver.cuDeviceGetName(name, name.length, dev);
      int[] major = new int[1];
      int[] minor = new int[1];
      JCudaDriver.cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
      JCudaDriver.cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
      long[] mem = new long[1];
      JCudaDriver.cuDeviceTotalMem(mem, dev);
      String n = cString(name);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", i);
      m.put("name", n);
      m.put("compute_capability", major[0] + "." + minor[0]);
      m.put("memory_bytes", mem[0]);
      devices.add(m);
      s.append(i == 0 ? "" : "; ").append("device ").append(i).append(" ").append(n).append(", compute ")
          .append(major[0]).append('.').append(minor[0]).append(", ").append(gib(mem[0]));
    }
    d.put("devices", devices);
    s.append(version[0] >= PTX_MIN_DRIVER ? "; shipped PTX (ISA 9.0) loads"
        : "; driver < " + version(PTX_MIN_DRIVER) + " (r580): shipped PTX (ISA 9.0, nvcc 13) won't load,"
            + " NVRTC fallback");
    return Capability.ok("cuda", label, s.toString(), d);
  }

  /** 12040 → "12.4 (12040)". */
  static String version(int v) {
    return v <= 0 ? "unknown" : v / 1000 + "." + v % 1000 / 10 + " (" + v + ")";
  }

  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }

  private static String cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8).strip();
  }
}

package org.rgflow.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * What {@link CudaEnsemble#probe()} found: whether the CUDA backend can run here, the driver, the
 * devices, and if not, why (for the {@code devices} command and for result notes). Safe and fast on
 * a machine without an NVIDIA driver: JCuda's native library needs {@code libcuda.so.1}, and the
 * {@link UnsatisfiedLinkError} (or any other failure) becomes the reason.
 *
 * @param available a device exists and the kernels can be loaded (shipped PTX, or NVRTC on a driver
 *     older than CUDA 13.0)
 * @param driverVersion {@code cuDriverGetVersion}, e.g. 13000 for CUDA 13.0; 0 when unknown
 * @param devices the CUDA devices, in driver order
 * @param reason why the backend is unavailable ("" when available), or how it will load the
 *     kernels when that is not the shipped PTX
 */
public record CudaProbe(boolean available, int driverVersion, List<Device> devices, String reason) {

  /** The lowest driver that loads the shipped PTX (ISA 9.0, written by nvcc 13.0). */
  public static final int PTX_DRIVER = 13000;

  /**
   * @param index device ordinal
   * @param name e.g. "NVIDIA H100 80GB HBM3"
   * @param major compute capability major
   * @param minor compute capability minor
   * @param memoryBytes total device memory
   */
  public record Device(int index, String name, int major, int minor, long memoryBytes) {
    public String describe() {
      return String.format("%d: %s (cc %d.%d, %.1f GiB)", index, name, major, minor,
          memoryBytes / (double) (1L << 30));
    }
  }

  public CudaProbe {
    devices = List.copyOf(devices);
  }

  /** "13.0" for 13000. */
  public static String versionString(int v) {
    return v <= 0 ? "unknown" : (v / 1000) + "." + (v % 1000) / 10;
  }

  /** One line, e.g. "✓ CUDA: driver 13.0, 0: NVIDIA H100 (cc 9.0, 79.1 GiB)". */
  public String line() {
    if (!available) {
      return "\u2717 CUDA: " + reason;
    }
    StringBuilder b = new StringBuilder("\u2713 CUDA: driver " + versionString(driverVersion));
    for (Device d : devices) {
      b.append(", ").append(d.describe());
    }
    if (!reason.isEmpty()) {
      b.append(" (").append(reason).append(')');
    }
    return b.toString();
  }

  static CudaProbe unavailable(int driver, List<Device> devices, String reason) {
    return new CudaProbe(false, driver, devices, reason);
  }

  static CudaProbe run() {
    int driver = 0;
    List<Device> devices = new ArrayList<>();
    String failure = org.rgflow.device.JCudaLoad.failure();
    if (failure != null) {
      return unavailable(driver, devices, failure);
    }
    try {
      int rc = JCudaDriver.cuInit(0);
      int[] v = new int[1];
      if (JCudaDriver.cuDriverGetVersion(v) == 0) {
        driver = v[0];
      }
      if (rc != 0) {
        return unavailable(driver, devices, "cuInit failed: " + CudaEnsemble.errorName(rc)
            + " (no usable NVIDIA GPU or driver)");
      }
      int[] count = new int[1];
      CudaEnsemble.check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
      for (int i = 0; i < count[0]; i++) {
        CUdevice dev = new CUdevice();
        CudaEnsemble.check(JCudaDriver.cuDeviceGet(dev, i), "cuDeviceGet");
        devices.add(describe(i, dev));
      }
    } catch (Throwable t) {
      String why = t instanceof UnsatisfiedLinkError || t instanceof NoClassDefFoundError
          ? "JCuda's driver binding could not be loaded (no libcuda.so.1: no NVIDIA driver here)"
          : "probing CUDA failed";
      return unavailable(driver, devices, why + ": " + firstLine(t));
    }
    if (devices.isEmpty()) {
      return unavailable(driver, devices, "the CUDA driver reports no device");
    }
    if (driver >= PTX_DRIVER) {
      return new CudaProbe(true, driver, devices, "");
    }
    String nvrtc = CudaEnsemble.nvrtcStatus();
    if (nvrtc.startsWith("NVRTC ")) {
      return new CudaProbe(true, driver, devices, "driver " + versionString(driver)
          + " < 13.0: kernels compiled at run time with " + nvrtc);
    }
    return unavailable(driver, devices, "driver " + versionString(driver) + " is older than CUDA 13.0,"
        + " so it cannot load the shipped PTX (ISA 9.0), and run-time compilation is unavailable: "
        + nvrtc + "; update the NVIDIA driver to >= 580");
  }

  static Device describe(int index, CUdevice dev) {
    byte[] name = new byte[256];
    CudaEnsemble.check(JCudaDriver.cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
    int len = 0;
    while (len < name.length && name[len] != 0) {
      len++;
    }
    int[] major = new int[1];
    int[] minor = new int[1];
    CudaEnsemble.check(JCudaDriver.cuDeviceGetAttribute(major,
        CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev), "cc major");
    CudaEnsemble.check(JCudaDriver.cuDeviceGetAttribute(minor,
        CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev), "cc minor");
    long[] mem = new long[1];
    CudaEnsemble.check(JCudaDriver.cuDeviceTotalMem(mem, dev), "cuDeviceTotalMem");
    return new Device(index, new String(name, 0, len, java.nio.charset.StandardCharsets.UTF_8),
        major[0], minor[0], mem[0]);
  }

  static String firstLine(Throwable t) {
    String m = String.valueOf(t.getMessage());
    int nl = m.indexOf('\n');
    return t.getClass().getSimpleName() + ": " + (nl >= 0 ? m.substring(0, nl) : m);
  }
}

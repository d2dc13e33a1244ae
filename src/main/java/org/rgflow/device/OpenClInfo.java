package org.rgflow.device;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.kernel.KernelManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rgflow.opencl.ClEnsemble;
import org.rgflow.opencl.ClProbe;

/**
 * The OpenCL backend's own probe ({@link ClEnsemble#probe()}: platform, device or why none) plus
 * what {@code --backend auto} needs beyond it: the device type (CPU, GPU, ACC), compute units and
 * memory of the same device (Aparapi's best device).
 *
 * @param probe the backend's probe
 * @param type "GPU", "CPU", "ACC", … ("" when no device)
 * @param computeUnits CL_DEVICE_MAX_COMPUTE_UNITS (0 when unknown)
 * @param memoryBytes CL_DEVICE_GLOBAL_MEM_SIZE (0 when unknown)
 */
public record OpenClInfo(ClProbe probe, String type, int computeUnits, long memoryBytes) {

  public static OpenClInfo run() {
    ClProbe p;
    try {
      p = ClEnsemble.probe();
    } catch (Throwable t) {
      return new OpenClInfo(new ClProbe(false, "", "", "probing OpenCL failed: " + NativeErrors.describe(t)),
          "", 0, 0);
    }
    if (!p.available()) {
      return new OpenClInfo(p, "", 0, 0);
    }
    try {
      Device best = KernelManager.instance().bestDevice();
      if (best instanceof OpenCLDevice cl) {
        return new OpenClInfo(p, String.valueOf(cl.getType()), cl.getMaxComputeUnits(), cl.getGlobalMemSize());
      }
    } catch (Throwable t) {
      // The probe's answer stands; only the type is unknown.
    }
    return new OpenClInfo(p, "UNKNOWN", 0, 0);
  }

  /** A GPU or an accelerator: the devices where {@code auto} prefers OpenCL to the CPU reference. */
  public boolean isGpuOrAccelerator() {
    return probe.available() && ("GPU".equals(type) || "ACC".equals(type));
  }

  /** "POCL" for the Portable Computing Language, else the platform's name. */
  public String platformShort() {
    String pl = probe.platform();
    if (pl.contains("Portable Computing Language") || pl.contains("PoCL")) {
      return "POCL";
    }
    int slash = pl.indexOf(" / ");
    return slash > 0 ? pl.substring(0, slash) : pl;
  }

  /** Platform name and version up to the first comma, whitespace collapsed. */
  static String platformBrief(String platform) {
    String s = platform.replaceAll("\\s+", " ").strip();
    int comma = s.indexOf(',');
    return comma > 0 ? s.substring(0, comma).strip() : s;
  }

  public Capability capability() {
    Map<String, Object> d = new LinkedHashMap<>();
    if (!probe.available()) {
      return Capability.missing("opencl", "OpenCL", probe.reason()
          + " (--backend opencl falls back to Aparapi's Java thread pool)", d);
    }
    d.put("device", probe.device());
    d.put("type", type);
    d.put("platform", probe.platform());
    d.put("compute_units", computeUnits);
    d.put("memory_bytes", memoryBytes);
    StringBuilder s = new StringBuilder(probe.device()).append(" — ").append(type);
    if (computeUnits > 0) {
      s.append(", ").append(computeUnits).append(" compute units");
    }
    if (memoryBytes > 0) {
      s.append(", ").append(CudaDriverProbe.gib(memoryBytes));
    }
    s.append(" (").append(platformBrief(probe.platform())).append(")");
    return Capability.ok("opencl", "OpenCL", s.toString(), d);
  }
}

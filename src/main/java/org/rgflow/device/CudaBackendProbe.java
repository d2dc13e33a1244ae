package org.rgflow.device;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rgflow.cuda.CudaEnsemble;
import org.rgflow.cuda.CudaProbe;

/**
 * Whether the CUDA source can run here: its own probe ({@link CudaEnsemble#probe()}, safe without
 * libcuda), called directly; a JCuda class that fails to link is caught and reported as the reason.
 *
 * @param available the source can run here
 * @param device the device it would run on ("" when unavailable)
 * @param reason why it cannot run ("" when available)
 */
public record CudaBackendProbe(boolean available, String device, String reason) {
  static final String CLASS = CudaEnsemble.class.getName();

  public static CudaBackendProbe run() {
    try {
      CudaProbe p = CudaEnsemble.probe();
      if (p.available()) {
        return new CudaBackendProbe(true, p.devices().isEmpty() ? "" : p.devices().get(0).name(), "");
      }
      return new CudaBackendProbe(false, "", oneLine(p.reason()));
    } catch (Throwable t) {
      return new CudaBackendProbe(false, "", "the CUDA source did not load: " + NativeErrors.describe(t));
    }
  }

  public Capability capability() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("class", CLASS);
    if (available) {
      d.put("device", device);
      return Capability.ok("cuda_backend", "CUDA backend", CLASS + (device.isEmpty() ? "" : " on " + device), d);
    }
    return Capability.missing("cuda_backend", "CUDA backend", reason, d);
  }

  private static String oneLine(String s) {
    return s.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}

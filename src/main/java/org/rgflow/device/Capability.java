package org.rgflow.device;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the capability report.
 *
 * @param id stable key in {@code devices --json}: "cuda", "cublas", "nvrtc", "opencl", "cuda_backend",
 *     "cpu", "auto"
 * @param label what a person reads, e.g. "CUDA driver"
 * @param ok ✓ (usable) or ✗
 * @param summary what was found (versions, devices, memory), "" when not ok
 * @param reason why not usable ("" when ok); always one line
 * @param details JSON-ready extra fields (versions as numbers, device lists), in order
 */
public record Capability(String id, String label, boolean ok, String summary, String reason,
    Map<String, Object> details) {

  public Capability {
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static Capability ok(String id, String label, String summary, Map<String, Object> details) {
    return new Capability(id, label, true, summary, "", details);
  }

  public static Capability missing(String id, String label, String reason, Map<String, Object> details) {
    return new Capability(id, label, false, "", reason, details);
  }

  public static Capability missing(String id, String label, String reason) {
    return missing(id, label, reason, Map.of());
  }

  /** "✓ label: summary" or "✗ label: reason". */
  public String line() {
    return (ok ? "\u2713 " : "\u2717 ") + label + ": " + (ok ? summary : reason);
  }
}

package org.rgflow.cli;

import org.rgflow.app.Engines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rgflow.opencl.ClEnsemble;
import org.rgflow.opencl.ClProbe;

/**
 * {@code rgflow devices} with the real probes: safe without GPU drivers (exit 0, one line per
 * capability, no stack trace, under 2 s). Assertions about what is installed are assumptions:
 * CUDA ✗ only where the NVIDIA kernel driver is absent (/proc/driver/nvidia), OpenCL ✓ only where
 * the OpenCL backend's probe finds a device (CI with POCL: RGFLOW_REQUIRE_OPENCL=1 makes it
 * required). Run: {@code mvn -B test -Dtest=DevicesCommandTest}.
 */
class DevicesCommandTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final List<String> IDS = List.of("cuda", "cublas", "nvrtc", "opencl", "cuda_backend", "cpu",
      "auto");

  @Test
  void safeAndFastWithOneLinePerCapability() {
    long t0 = System.nanoTime();
    Runner r = Runner.run(Engines.defaults(), "devices");
    double seconds = (System.nanoTime() - t0) * 1e-9;
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertTrue(seconds < 2, "devices took " + seconds + " s");
    List<String> lines = r.out().lines().toList();
    assertEquals(IDS.size(), lines.size(), r.out());
    String[] labels = {"CUDA driver: ", "cuBLAS: ", "NVRTC: ", "OpenCL: ", "CUDA backend: ", "CPU reference: "};
    for (int i = 0; i < labels.length; i++) {
      String l = lines.get(i);
      assertTrue(l.startsWith("\u2713 " + labels[i]) || l.startsWith("\u2717 " + labels[i]), l);
      assertTrue(l.length() > 2 + labels[i].length() + 3, "a reason or a summary: " + l);
    }
    assertTrue(lines.get(6).startsWith("\u2192 backend auto \u2192 "), lines.get(6));
    assertFalse(r.out().contains("\tat ") || r.out().contains("Exception"), r.out());
  }

  @Test
  void withoutTheNvidiaDriverCudaIsMissingWithAReason() {
    Assumptions.assumeFalse(Files.exists(Path.of("/proc/driver/nvidia")), "an NVIDIA driver is loaded");
    Runner r = Runner.run(Engines.defaults(), "devices");
    String cuda = r.out().lines().findFirst().orElseThrow();
    assertTrue(cuda.startsWith("\u2717 CUDA driver: "), cuda);
    // Either the library is missing or cuInit says why; never an empty reason.
    assertTrue(cuda.contains("libcuda.so.1 not found — no NVIDIA driver") || cuda.contains("cuInit"), cuda);
  }

  @Test
  void openClFoundWherePresent() {
    ClProbe p = ClEnsemble.probe();
    if ("1".equals(System.getenv("RGFLOW_REQUIRE_OPENCL"))) {
      assertTrue(p.available(), "RGFLOW_REQUIRE_OPENCL=1: " + p.reason());
    }
    Assumptions.assumeTrue(p.available(), "no OpenCL device: " + p.reason());
    Runner r = Runner.run(Engines.defaults(), "devices");
    String cl = r.out().lines().filter(l -> l.contains("OpenCL: ")).findFirst().orElseThrow();
    assertTrue(cl.startsWith("\u2713 OpenCL: " + p.device()), cl);
  }

  @Test
  void jsonHasEveryCapability() throws Exception {
    Runner r = Runner.run(Engines.defaults(), "devices", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = M.readTree(r.out());
    assertEquals("devices", j.get("command").asText());
    JsonNode caps = j;
    List<String> ids = new java.util.ArrayList<>(iterable(caps.fieldNames()));
    ids.removeAll(List.of("rgflow_version", "command", "library_log"));
    assertEquals(IDS, ids);
    for (String id : IDS) {
      JsonNode c = caps.get(id);
      assertTrue(c.get("ok").isBoolean(), id);
      assertTrue(c.get("label").isTextual(), id);
      String text = c.get("ok").asBoolean() ? c.get("summary").asText() : c.get("reason").asText();
      assertFalse(text.isBlank(), id);
      assertFalse(text.contains("\n"), id + ": one line");
    }
    assertTrue(List.of("cpu", "opencl", "cuda").contains(caps.get("auto").get("backend").asText()));
    if (caps.get("opencl").get("ok").asBoolean()) {
      assertTrue(caps.get("opencl").get("type").isTextual());
      assertTrue(caps.get("opencl").get("memory_bytes").asLong() > 0);
    }
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}

package org.rgflow.cli;

import org.rgflow.app.Engines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rgflow.device.Backends;
import org.rgflow.device.CudaBackendProbe;
import org.rgflow.opencl.ClEnsemble;
import org.rgflow.opencl.ClProbe;

/**
 * {@code sample --backend auto|cpu|opencl|cuda} with the real engines on a small network (width 8,
 * depth 2, E 40: seconds). What is installed decides some outcomes, so those tests state their
 * assumption. Run: {@code mvn -B test -Dtest=BackendOptionTest}.
 */
class BackendOptionTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final String[] SMALL = {"sample", "--json", "--width", "8", "--depth", "2", "--n0", "3",
      "--ensemble", "40", "--threads", "1", "--progress=false"};

  private static Runner sample(String backend) {
    List<String> a = new ArrayList<>(List.of(SMALL));
    a.add("--backend");
    a.add(backend);
    return Runner.run(Engines.defaults(), a.toArray(String[]::new));
  }

  private static List<String> notes(JsonNode j) {
    List<String> n = new ArrayList<>();
    j.get("notes").forEach(x -> n.add(x.asText()));
    return n;
  }

  @Test
  void cpuRecordsBackendAndDevice() throws Exception {
    Runner r = sample("cpu");
    assertEquals(0, r.code(), r.err());
    JsonNode j = M.readTree(r.out());
    assertEquals("cpu", j.get("backend").asText());
    assertEquals(Backends.cpuName(), j.get("device").asText());
    assertFalse(notes(j).stream().anyMatch(n -> n.startsWith("backend auto")), "no choice to explain");
  }

  @Test
  void openClRunsOnTheOpenClDevice() throws Exception {
    ClProbe p = ClEnsemble.probe();
    Assumptions.assumeTrue(p.available(), "no OpenCL device: " + p.reason());
    Runner r = sample("opencl");
    assertEquals(0, r.code(), r.err());
    JsonNode j = M.readTree(r.out());
    assertEquals("opencl", j.get("backend").asText());
    assertEquals(p.device(), j.get("device").asText());
    assertTrue(notes(j).stream().anyMatch(n -> n.startsWith("executed=OpenCL device=")), notes(j).toString());
    assertEquals(40, j.get("spec").get("ensemble").asInt());
    assertTrue(j.get("layers").get(1).get("K").isNumber());
  }

  @Test
  void cudaWithoutAGpuIsBadInputOnOneLine() {
    CudaBackendProbe p = CudaBackendProbe.run();
    Assumptions.assumeFalse(p.available(), "the CUDA backend can run here");
    Runner r = sample("cuda");
    assertEquals(Main.BAD_INPUT, r.code());
    assertEquals("", r.out());
    assertEquals(List.of("error: --backend: cuda unavailable: " + p.reason()), r.errLines());
  }

  @Test
  void autoPicksCpuHereAndSaysWhy() throws Exception {
    Assumptions.assumeFalse(CudaBackendProbe.run().available(), "the CUDA backend can run here");
    Runner r = sample("auto");
    assertEquals(0, r.code(), r.err());
    JsonNode j = M.readTree(r.out());
    String backend = j.get("backend").asText();
    String note = notes(j).stream().filter(n -> n.startsWith("backend auto \u2192 ")).findFirst().orElseThrow();
    assertTrue(note.startsWith("backend auto \u2192 " + backend + ": CUDA unavailable ("), note);
    Assumptions.assumeFalse(backend.equals("opencl"), "an OpenCL GPU is present: " + note);
    assertEquals("cpu", backend);
    assertEquals(Backends.cpuName(), j.get("device").asText());
    ClProbe p = ClEnsemble.probe();
    assertTrue(note.endsWith(p.available()
        ? "use --backend opencl to force it" : "no OpenCL device (" + p.reason() + ")"), note);
  }

  @Test
  void unknownBackendIsBadInput() {
    Runner r = sample("tpu");
    assertEquals(Main.BAD_INPUT, r.code());
    assertEquals(List.of("error: --backend: unknown backend 'tpu' (choose auto, cpu, opencl or cuda)"),
        r.errLines());
  }
}

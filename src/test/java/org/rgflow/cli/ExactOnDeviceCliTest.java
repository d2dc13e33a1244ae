package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rgflow.app.Engines;
import org.rgflow.device.CudaBackendProbe;
import org.rgflow.opencl.ClEnsemble;
import org.rgflow.opencl.ClProbe;

/**
 * {@code sample --sampler exact --backend opencl} end to end against {@code --backend cpu} on the
 * same seed: every number of every layer of the JSON report (values and standard errors) within
 * {@value #RTOL} relative plus {@value #ATOL} of that layer's largest |number| (the absolute part is
 * for numbers that vanish in theory and are rounding noise here, e.g. D and its SE at layer 1, where
 * Θ̂ is the same constant for every network: ≈ 1e-8 there, and a one-ulp change of that constant
 * moves them by tens of percent; a wrong kernel moves values by O(their SE)) — both run the exact
 * sampler on the same Philox streams in double precision and merge the per-network statistics in the
 * same fixed order, so they differ only by the device's transcendental rounding (≈ 1e-11 seen in
 * ClExactTest). With and without the NTK (relu: the Gram sweep, per-target layout). Shape: width 3
 * (not a multiple of Philox's 4), depth 2, N_D = 3, E = 101. Skips without OpenCL (fails under
 * RGFLOW_REQUIRE_OPENCL=1). Also: an NTK the device does not implement (tanh) and {@code --backend
 * cuda} without a GPU are one error line, exit 2.
 */
class ExactOnDeviceCliTest {
  static final double RTOL = 1e-9;
  static final double ATOL = 1e-8;
  private static final ObjectMapper M = new ObjectMapper();
  private static final String[] RUN = {"sample", "--json", "--width", "3", "--depth", "2", "--n0",
      "4", "--inputs", "norms=1,0.8,1.2;angles=0.7", "--ensemble", "101", "--seed", "2718", "--threads", "2",
      "--progress=false", "--sampler", "exact"};

  private static Runner sample(String... extra) {
    List<String> a = new ArrayList<>(List.of(RUN));
    a.addAll(List.of(extra));
    return Runner.run(Engines.defaults(), a.toArray(String[]::new));
  }

  private static String[] concat(String[] a, String... b) {
    List<String> l = new ArrayList<>(List.of(a));
    l.addAll(List.of(b));
    return l.toArray(String[]::new);
  }

  static void requireOpenCl() {
    ClProbe p = ClEnsemble.probe();
    if (!p.available() && "1".equals(System.getenv("RGFLOW_REQUIRE_OPENCL"))) {
      fail("RGFLOW_REQUIRE_OPENCL=1 but no OpenCL device: " + p.reason());
    }
    Assumptions.assumeTrue(p.available(), () -> "no OpenCL device: " + p.reason());
  }

  @ParameterizedTest(name = "ntk={0}")
  @ValueSource(booleans = {false, true})
  void openClStatisticsMatchTheCpuOnTheSameSeed(boolean ntk) throws Exception {
    requireOpenCl();
    String[] flag = ntk ? new String[] {"--ntk-neurons", "3"} : new String[] {"--no-ntk"};
    Runner cpu = sample(concat(flag, "--backend", "cpu"));
    assertEquals(0, cpu.code(), cpu.err());
    Runner cl = sample(concat(flag, "--backend", "opencl"));
    assertEquals(0, cl.code(), cl.err());
    JsonNode jc = M.readTree(cpu.out());
    JsonNode jo = M.readTree(cl.out());
    assertEquals("opencl", jo.get("backend").asText());
    assertEquals("exact", jo.get("spec").get("sampler").asText(), jo.get("spec").toString());
    assertTrue(notes(jo).stream().anyMatch(n -> n.startsWith("executed=OpenCL device=")),
        notes(jo).toString());
    JsonNode lc = jc.get("layers");
    JsonNode lo = jo.get("layers");
    assertEquals(2, lc.size());
    assertEquals(ntk, lc.get(0).get("Theta") != null && lc.get(0).get("Theta").isArray(),
        lc.get(0)::toString);
    assertEquals(lc.size(), lo.size());
    List<String> bad = new ArrayList<>();
    int checked = 0;
    double worst = 0;
    for (int l = 0; l < lc.size(); l++) {
      double scale = scale(lc.get(l));
      Iterator<Map.Entry<String, JsonNode>> it = lc.get(l).fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode o = lo.get(l).get(f.getKey());
        if (o == null) {
          bad.add("layer " + (l + 1) + " " + f.getKey() + " missing on opencl");
          continue;
        }
        List<Double> rs = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        if (!flatten(f.getValue(), rs) | !flatten(o, vs) || rs.size() != vs.size()) {
          if (!f.getValue().equals(o)) {
            bad.add("layer " + (l + 1) + " " + f.getKey() + ": " + f.getValue() + " vs " + o);
          }
          continue;
        }
        for (int k = 0; k < rs.size(); k++) {
          double r = rs.get(k);
          double v = vs.get(k);
          double d = Math.abs(v - r);
          if (Double.isNaN(r) || Double.isNaN(v)) {
            if (Double.isNaN(r) != Double.isNaN(v)) {
              bad.add("layer " + (l + 1) + " " + f.getKey() + "[" + k + "]: cpu " + r + " opencl " + v);
            }
            continue;
          }
          double tol = RTOL * Math.abs(r) + ATOL * scale;
          worst = Math.max(worst, d / tol);
          if (!(d <= tol)) {
            bad.add("layer " + (l + 1) + " " + f.getKey() + "[" + k + "]: cpu " + r + " opencl " + v);
          }
          checked++;
        }
      }
    }
    assertTrue(bad.isEmpty(), bad.size() + " mismatches: " + bad.subList(0, Math.min(5, bad.size())));
    assertTrue(checked >= 30, "only " + checked + " numbers compared");
    System.out.printf("[ExactOnDeviceCliTest] ntk=%b: %d numbers, worst |difference|/tolerance %.2e%n",
        ntk, checked, worst);
  }

  /** The NTK of a smooth σ takes the CPU's per-neuron sweep, not on the device: one line, exit 2. */
  @Test
  void anNtkTheDeviceDoesNotImplementIsOneErrorLine() {
    requireOpenCl();
    Runner r = sample("--backend", "opencl", "--act", "tanh");
    assertEquals(Main.BAD_INPUT, r.code(), r.err());
    assertEquals("", r.out());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).startsWith("error: --backend: the exact sampler on opencl has the"
        + " NTK only where"), r.err());
    assertTrue(r.errLines().get(0).contains("--no-ntk"), r.err());
  }

  @Test
  void cudaWithoutAGpuIsOneErrorLine() {
    CudaBackendProbe p = CudaBackendProbe.run();
    Assumptions.assumeFalse(p.available(), "the CUDA backend can run here");
    Runner r = sample("--backend", "cuda", "--no-ntk");
    assertEquals(Main.BAD_INPUT, r.code());
    assertEquals("", r.out());
    assertEquals(List.of("error: --backend: cuda unavailable: " + p.reason()), r.errLines());
  }

  /** The numbers of a JSON number or (nested) array, in order; false for anything else. */
  private static boolean flatten(JsonNode n, List<Double> out) {
    if (n.isNumber()) {
      out.add(n.asDouble());
      return true;
    }
    if (n.isTextual() && (n.asText().equals("NaN") || n.asText().endsWith("Infinity"))) {
      out.add(Double.parseDouble(n.asText()));
      return true;
    }
    if (!n.isArray()) {
      return false;
    }
    boolean ok = true;
    for (JsonNode c : n) {
      ok &= flatten(c, out);
    }
    return ok;
  }

  /** The layer's largest finite |number| (its numbers' scale, for cancellation near zero). */
  private static double scale(JsonNode layer) {
    double s = 0;
    Iterator<JsonNode> it = layer.elements();
    while (it.hasNext()) {
      List<Double> v = new ArrayList<>();
      flatten(it.next(), v);
      for (double x : v) {
        s = Double.isFinite(x) ? Math.max(s, Math.abs(x)) : s;
      }
    }
    return s;
  }

  private static List<String> notes(JsonNode j) {
    List<String> n = new ArrayList<>();
    j.get("notes").forEach(x -> n.add(x.asText()));
    return n;
  }
}

package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.rgflow.app.Engines;
import org.rgflow.cli.Main;

/**
 * {@code --sampler exact|direct|auto} on the command line (the decision itself: BackendsTest) with
 * the real engines on a small network (width 256, depth 2, E 40, where auto's cost estimate picks exact: well under a second): the
 * JSON {@code spec.sampler} records the sampler that ran and a note says why. Run:
 * {@code mvn -q test -Dtest=SamplerOptionTest}.
 */
class SamplerOptionTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static JsonNode sample(String sampler) throws Exception {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = new Main(Engines.defaults(), new PrintWriter(o), new PrintWriter(e)).run("sample",
        "--json", "--width", "256", "--depth", "2", "--n0", "3", "--ensemble", "40", "--threads", "1",
        "--progress=false", "--backend", "cpu", "--sampler", sampler);
    assertEquals(0, code, e.toString());
    return M.readTree(o.toString());
  }

  @Test
  void jsonRecordsTheSamplerThatRan() throws Exception {
    for (String[] c : new String[][] {{"auto", "exact"}, {"exact", "exact"}, {"direct", "direct"}}) {
      JsonNode j = sample(c[0]);
      assertEquals(c[1], j.get("spec").get("sampler").asText(), c[0]);
      assertEquals("cpu", j.get("backend").asText());
      boolean noted = false;
      for (JsonNode n : j.get("notes")) {
        noted |= n.asText().startsWith("sampler " + c[0] + " \u2192 " + c[1] + ":");
      }
      assertTrue(noted, j.get("notes").toString());
    }
  }

  @Test
  void unknownSamplerIsBadInput() {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = new Main(Engines.defaults(), new PrintWriter(o), new PrintWriter(e)).run("sample",
        "--sampler", "fast", "--ensemble", "4", "--progress=false");
    assertEquals(Main.BAD_INPUT, code);
    assertTrue(e.toString().contains("--sampler"), e.toString());
  }
}

package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rgflow.app.Engines;

/**
 * {@code rgflow aspect-ratio}: r* = 4/((20 + 3n_L)ν) with the class's ν (relu MLP ν = 5: 0.0348;
 * tanh 2/3: 0.261; relu residual γ = 0.5, ν = 6.42729 with T: 0.0270585), the optimal depth r*·n,
 * the measured points (V/(nK²) within 3 SE of the leading-order theory at L/n ≤ 0.04, E = 400) and
 * the figure; bad flags exit 2 with one error line naming the field, before any work.
 */
class AspectRatioCommandTest {
  static final ObjectMapper M = new ObjectMapper();

  static JsonNode json(String... args) throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = "aspect-ratio";
    System.arraycopy(args, 0, all, 1, args.length);
    all[all.length - 1] = "--json";
    Runner r = Runner.run(Engines.defaults(), all);
    assertEquals(0, r.code(), r.err());
    return M.readTree(r.out());
  }

  @Test
  void optimalRatiosOfTheClasses() throws Exception {
    JsonNode relu = json("--ensemble", "0");
    assertEquals(5.0, relu.path("nu").asDouble(), 1e-9);
    assertEquals(4.0 / 115, relu.path("r_star").asDouble(), 1e-12);
    assertEquals(128 * 4.0 / 115, relu.path("optimal_depth").asDouble(), 1e-9);
    JsonNode tanh = json("--act", "tanh", "--ensemble", "0", "--out-width", "4");
    assertEquals(2.0 / 3, tanh.path("nu").asDouble(), 1e-9);
    assertEquals(4.0 / 32 * 1.5, tanh.path("r_star").asDouble(), 1e-12);
    JsonNode res = json("--gamma", "0.5", "--ensemble", "0");
    assertEquals(1.5, res.path("cw").asDouble(), 1e-12);
    assertEquals(6.42729, res.path("nu").asDouble(), 1e-5);
    assertEquals(3.5625, res.path("nu_without_T").asDouble(), 1e-9);
    assertEquals(4.0 / 23 / res.path("nu").asDouble(), res.path("r_star").asDouble(), 1e-12);
    assertEquals(0, res.path("measured").size());
    // the series: V/(nK²) at layer 2 is 3.5625/n
    assertEquals(3.5625 / 128, res.path("theory").path(1).path("V_over_nK2").asDouble(), 1e-6);
  }

  @Test
  void measuredPointsAndFigure(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("ar");
    JsonNode r = json("--gamma", "0.5", "--width", "64", "--ensemble", "400", "--out",
        out.toString());
    assertTrue(r.path("measured").size() >= 2, r.toString());
    for (JsonNode m : r.path("measured")) {
      if (m.path("l_over_n").asDouble() <= 0.04) {
        double z = (m.path("V_over_nK2").asDouble() - m.path("theory_V_over_nK2").asDouble())
            / m.path("V_over_nK2_err").asDouble();
        assertTrue(Math.abs(z) <= 3, "depth " + m.path("depth") + ": z = " + z);
      }
    }
    assertTrue(Files.size(out.resolve("aspect-ratio.png")) > 1000);
  }

  @Test
  void badInputIsRefusedUpFront(@TempDir Path dir) throws Exception {
    String[][] cases = {{"--gamma", "1.2"}, {"--out-width", "0"}, {"--width", "1"},
        {"--ensemble", "-3"}, {"--act", "nosuch"}, {"--out", dir.resolve("f").toString()}};
    Files.writeString(dir.resolve("f"), "x");
    String[] fields = {"--gamma", "--out-width", "--width", "--ensemble", "--act", "--out"};
    for (int i = 0; i < cases.length; i++) {
      String[] a = new String[cases[i].length + 1];
      a[0] = "aspect-ratio";
      System.arraycopy(cases[i], 0, a, 1, cases[i].length);
      Runner r = Runner.run(Engines.defaults(), a);
      assertEquals(2, r.code(), String.join(" ", a) + ": " + r.err());
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.errLines().get(0).startsWith("error: " + fields[i] + ":"), r.err());
      assertFalse(r.err().contains("Exception"), r.err());
    }
  }
}

package org.rgflow.cli;

import org.rgflow.app.Engines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rgflow train} end to end, small and fast. Run: mvn -Dtest=TrainCommandTest test */
class TrainCommandTest {
  @Test
  void jsonHasPointsWithBothPredictions() throws Exception {
    Runner r = Runner.run(Engines.defaults(), "train", "--width", "32", "--ensemble", "40", "--steps", "20",
        "--threads", "2", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("train", j.get("command").asText());
    assertEquals(3, j.get("points").size());
    JsonNode p = j.get("points").get(0);
    for (String k : new String[] {"mean", "mean_err", "var", "var_err", "departure", "departure_err"}) {
      assertTrue(p.get(k).isNumber(), k);
    }
    assertTrue(p.get("theory").get("ntk").get("mean").isNumber());
    assertTrue(p.get("theory").get("nngp").get("mean").isNumber());
    assertTrue(j.get("ntk_change").get("relative_change").isNumber());
  }

  /**
   * --widths: one record per width, a power-law and two series fits per test point, and the table;
   * the trajectory's last checkpoint is the trained mean itself.
   */
  @Test
  void widthScanAndTrajectory(@TempDir Path dir) throws Exception {
    Runner r = Runner.run(Engines.defaults(), "train", "--widths", "16,32,64", "--ensemble", "60", "--steps", "12",
        "--threads", "2", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode sc = new ObjectMapper().readTree(r.out()).get("scan");
    assertEquals(3, sc.get("widths").size());
    assertEquals(64, sc.get("widths").get(2).asInt());
    assertEquals(3, sc.get("runs").size());
    JsonNode run = sc.get("runs").get(1);
    assertEquals(32, run.get("spec").get("widths").get(0).asInt());
    assertEquals(3, sc.get("departure_series_fit").size());
    JsonNode m = sc.get("departure_series_fit").get(0).get(0);
    assertEquals("a/n + b/n^2", m.get("model").asText());
    assertEquals(1, m.get("dof").asInt());
    assertTrue(m.get("p_value").asDouble() >= 0 && m.get("p_value").asDouble() <= 1);
    assertEquals(3, sc.get("departure_fit").size());
    JsonNode tr = run.get("trajectory");
    int last = tr.get("steps").size() - 1;
    assertEquals(12, tr.get("steps").get(last).asLong());
    assertEquals(0, tr.get("steps").get(0).asLong());
    assertEquals(run.get("points").get(2).get("mean").asDouble(), tr.get("mean").get(last).get(2).asDouble(), 1e-15);
    assertEquals(run.get("points").get(2).get("theory").get("ntk").get("mean").asDouble(),
        tr.get("ntk_mean_at_steps").get(last).get(2).asDouble(), 1e-12);
    assertEquals(tr.get("theory_steps").size(), tr.get("ntk_mean").size());
    assertTrue(run.get("training").get("sign_flips").asDouble() > 0);

    Runner t = Runner.run(Engines.defaults(), "train", "--widths", "16,32,64", "--ensemble", "30", "--steps", "5",
        "--threads", "2", "--report", dir.resolve("rep").toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("a/sqrt(n) + b/n"), t.out());
    assertTrue(t.out().contains("point 2:"), t.out());
    // --report: the HTML page, its figures (mean, variance, both vs step, evidence, departure and NTK
    // change vs width) and the JSON record it was drawn from
    String html = Files.readString(dir.resolve("rep/report.html"));
    assertEquals(7, html.split("<img ", -1).length - 1, t.err());
    assertTrue(Files.exists(dir.resolve("rep/figures/evidence-vs-cw.png")));
    assertTrue(html.contains("a/sqrt(n) + b/n"));
    assertEquals(3, new ObjectMapper().readTree(dir.resolve("rep/train.json").toFile()).get("scan").get("runs").size());
    Runner two = Runner.run(Engines.defaults(), "train", "--widths", "16,32");
    assertEquals(2, two.code());
    assertTrue(two.err().startsWith("error: --widths: "), two.err());
    Runner ck = Runner.run(Engines.defaults(), "train", "--steps", "10", "--checkpoints", "0,5,3");
    assertEquals(2, ck.code());
    assertTrue(ck.err().startsWith("error: --checkpoints: "), ck.err());
  }

  @Test
  void csvDataAndTable(@TempDir Path dir) throws Exception {
    Path train = dir.resolve("train.csv");
    Path test = dir.resolve("test.csv");
    Files.writeString(train, "# x1,x2,y\n1,0,0.5\n0,1,-0.2\n-1,0.2,0.1\n0.3,-1,0.7\n");
    Files.writeString(test, "0.7,0.7\n-0.7,-0.5\n");
    Runner r = Runner.run(Engines.defaults(), "train", "--act", "tanh", "--cw", "1", "--width", "16",
        "--ensemble", "20", "--steps", "10", "--data", train.toString(), "--test", test.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("rgflow train — tanh"), r.out());
    assertTrue(r.out().contains("departure"));
  }

  @Test
  void badInputIsOneLineExit2(@TempDir Path dir) throws Exception {
    Path train = dir.resolve("bad.csv");
    Files.writeString(train, "1,2,3\n1,x,3\n");
    Runner r = Runner.run(Engines.defaults(), "train", "--data", train.toString(), "--test", train.toString());
    assertEquals(2, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith("error: --data: "), r.err());
    Runner b = Runner.run(Engines.defaults(), "train", "--test", "x.csv");
    assertEquals(2, b.code());
    assertTrue(b.err().startsWith("error: --test: "), b.err());
    Runner s = Runner.run(Engines.defaults(), "train", "--act", "step");
    assertEquals(2, s.code(), s.err());
  }
}

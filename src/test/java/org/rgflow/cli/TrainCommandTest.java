package org.rgflow.cli;

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

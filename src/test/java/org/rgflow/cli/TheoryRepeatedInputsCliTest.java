package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rgflow.app.Engines;

/**
 * {@code theory} on inputs (x, x, y) (the first two identical): every number under each layer's
 * "theory" is finite, the full tensors A_full … F_full, P, Q included (docs/THEORY.md §19); NaN is
 * written as null or "NaN", so neither may appear.
 */
class TheoryRepeatedInputsCliTest {
  @ParameterizedTest
  @ValueSource(strings = {"relu", "tanh"})
  void noNaNForRepeatedInputs(String act) throws Exception {
    Runner r = Runner.run(Engines.defaults(), "theory", "--act", act, "--cw", act.equals("relu") ? "2" : "1.5",
        "--cb", "0.1", "--width", "20", "--depth", "3", "--inputs", "norms=1,1,1.2;angles=0,0.5,0.5", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode layers = new ObjectMapper().readTree(r.out()).get("layers");
    assertEquals(3, layers.size());
    List<String> bad = new ArrayList<>();
    int numbers = 0;
    for (JsonNode layer : layers) {
      JsonNode th = layer.get("theory");
      assertTrue(th.has("A_full") && th.has("F_full"), "theory has the full tensors");
      numbers += walk(th, "layer " + layer.get("layer") + " theory", bad);
    }
    assertTrue(bad.isEmpty(), act + ": not finite at " + bad);
    assertTrue(numbers > 3 * 4 * 81, act + ": " + numbers + " numbers");
  }

  private static int walk(JsonNode n, String path, List<String> bad) {
    if (n.isObject()) {
      int c = 0;
      for (var it = n.fields(); it.hasNext(); ) {
        var e = it.next();
        c += walk(e.getValue(), path + "." + e.getKey(), bad);
      }
      return c;
    }
    if (n.isArray()) {
      int c = 0;
      for (int i = 0; i < n.size(); i++) {
        c += walk(n.get(i), path + "[" + i + "]", bad);
      }
      return c;
    }
    if (n.isNull() || (n.isTextual() && n.asText().toLowerCase().contains("nan"))
        || (n.isNumber() && !Double.isFinite(n.asDouble()))) {
      bad.add(path);
    }
    return n.isNumber() ? 1 : 0;
  }
}

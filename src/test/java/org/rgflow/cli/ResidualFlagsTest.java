package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.app.Engines;

/**
 * {@code --gamma} and {@code --xi} on the command line: unequal widths, wrong list lengths and
 * negative values exit 2 with one {@code error: FIELD: ...} line and nothing on stdout; a residual
 * theory run records its layer kinds, γ and ξ. Run: {@code mvn -q test -Dtest=ResidualFlagsTest}.
 */
class ResidualFlagsTest {

  private static void refused(String field, String mentions, String... args) {
    Runner r = Runner.run(Engines.defaults(), args);
    assertEquals(Main.BAD_INPUT, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    String line = r.errLines().get(0);
    assertTrue(line.startsWith("error: " + field + ": "), line);
    assertTrue(line.contains(mentions), line);
    assertEquals("", r.out());
  }

  @Test
  void badResidualInputIsRefused() {
    refused("--widths", "equal widths", "sample", "--gamma", "0.5", "--width", "16", "--out-width",
        "4", "--depth", "3");
    refused("--widths", "equal widths", "theory", "--xi", "0.9", "--width", "16,8", "--depth", "3");
    refused("--gamma", "one per layer 2..3", "theory", "--gamma", "0.1,0.2,0.3", "--depth", "3");
    refused("--xi", "non-negative", "theory", "--gamma", "0.5", "--xi", "-1", "--depth", "3");
  }

  @Test
  void aResidualTheoryRunRecordsItsLayers() throws Exception {
    Runner r = Runner.run(Engines.defaults(), "theory", "--act", "relu", "--cw", "1.5", "--gamma",
        "0.5", "--depth", "3", "--width", "32", "--json");
    assertEquals(0, r.code(), r.err());
    com.fasterxml.jackson.databind.JsonNode spec =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).path("spec");
    assertEquals("[\"dense\",\"residual\",\"residual\"]", spec.path("layer_kinds").toString());
    assertEquals("[null,0.5,0.5]", spec.path("gamma").toString());
    assertEquals("[null,1.0,1.0]", spec.path("xi").toString());
  }

  @Test
  void criticalityOfAResidualNetwork() throws Exception {
    Runner r = Runner.run(Engines.defaults(), "criticality", "--act", "relu", "--gamma", "0.5",
        "--json");
    assertEquals(0, r.code(), r.err());
    com.fasterxml.jackson.databind.JsonNode j =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
    assertEquals(1.5, j.path("cw").asDouble(), 1e-15);
    assertEquals("scale-invariant", j.path("cls").asText());
    assertEquals(6.4273, j.path("constants").path("nu").asDouble(), 1e-4);
    refused("--nu", "no γ in [0, 1)", "criticality", "--act", "relu", "--nu", "7");
    refused("--gamma", "0 <= γ < 1", "criticality", "--act", "tanh", "--gamma", "1.5");
  }
}

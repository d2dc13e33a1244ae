package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code sample}, {@code theory} and {@code criticality} print, with fake engines (see
 * {@link FakeEngines} for the numbers). Run: {@code mvn -B test -Dtest=OutputTest}.
 */
class OutputTest {
  private static final ObjectMapper M = new ObjectMapper();
  /** Exact arithmetic on small decimals; 1e-12 only absorbs double rounding. */
  private static final double EPS = 1e-12;

  @Test
  void sampleJsonOneInput() throws IOException {
    Runner r = Runner.run(new FakeEngines(), "sample", "--json", "--width", "16", "--depth", "3",
        "--n0", "4", "--ensemble", "100", "--seed", "7", "--threads", "2", "--chunk", "5");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    JsonNode j = M.readTree(r.out());
    assertTrue(j.get("rgflow_version").isTextual());
    assertEquals("sample", j.get("command").asText());
    assertEquals("cpu", j.get("backend").asText());
    JsonNode spec = j.get("spec");
    assertEquals(4, spec.get("n0").asInt());
    assertEquals("[16,16,16]", spec.get("widths").toString());
    assertEquals("relu", spec.get("activation").asText());
    assertEquals("[0.0,0.0,0.0]", spec.get("cb").toString());
    assertEquals("[2.0,2.0,2.0]", spec.get("cw").toString());
    assertEquals(3, spec.get("lambda_w").size());
    assertEquals(100, spec.get("ensemble").asLong());
    assertEquals(7, spec.get("seed").asLong());
    assertEquals(2, spec.get("threads").asInt());
    assertEquals(5, spec.get("chunk").asInt());
    assertTrue(spec.get("ntk").get("enabled").asBoolean());
    assertEquals(4, spec.get("ntk").get("neurons").asInt());
    assertEquals("norms=1", spec.get("inputs").get("source").asText());
    assertEquals(1.0, spec.get("inputs").get("gram").get(0).get(0).asDouble(), EPS);

    JsonNode layers = j.get("layers");
    assertEquals(3, layers.size());
    JsonNode l1 = layers.get(0);
    assertEquals(1, l1.get("layer").asInt());
    assertEquals(4, l1.get("n_prev").asInt());
    assertTrue(l1.get("K").isNumber(), "N_D = 1: plain numbers");
    assertEquals(2.02, l1.get("K").asDouble(), EPS); // theory 1 + gram 1, measured +0.02
    assertEquals(0.01, l1.get("K_err").asDouble(), EPS);
    assertEquals(2.0, l1.get("theory").get("K").asDouble(), EPS);
    // G1 measured = n_prev (K_meas − (K_th − G1_th/n_prev)) = 4·(0.02 + 0.5/4) = 0.58, SE 4·0.01.
    assertEquals(0.58, l1.get("G1").asDouble(), EPS);
    assertEquals(0.04, l1.get("G1_err").asDouble(), EPS);
    assertEquals(16 * (0.02 + 0.5 / 16), layers.get(1).get("G1").asDouble(), EPS);
    assertTrue(l1.get("theory").get("Theta").isNull(), "NaN is written as null");
    assertFalse(l1.has("chi_par"), "theory-only observables have no measured key");
    assertEquals(1.0, l1.get("theory").get("chi_par").asDouble(), EPS);

    JsonNode t = j.get("timing");
    assertEquals(0.5, t.get("seconds").asDouble(), EPS);
    assertEquals(200, t.get("networks_per_second").asDouble(), EPS);
    assertEquals(200_000, t.get("weights_per_second").asDouble(), EPS);
    List<String> notes = M.convertValue(j.get("notes"), M.getTypeFactory()
        .constructCollectionType(List.class, String.class));
    assertTrue(notes.contains("fake theory") && notes.contains("fake ensemble"), notes.toString());
  }

  @Test
  void sampleJsonTwoInputsHasNestedArraysOfTheTensorsRank() throws IOException {
    Runner r = Runner.run(new FakeEngines(), "sample", "--json", "--depth", "2", "--ensemble", "10",
        "--inputs", "norms=1,2;angles=0.5");
    assertEquals(0, r.code(), r.err());
    JsonNode l2 = M.readTree(r.out()).get("layers").get(1);
    JsonNode k = l2.get("K");
    assertEquals(2, k.size());
    assertEquals(2, k.get(0).size());
    double g01 = 1 * 2 * Math.cos(0.5);
    assertEquals(2 + g01 + 0.02, k.get(0).get(1).asDouble(), EPS);
    assertEquals(2 + 4 + 0.02, k.get(1).get(1).asDouble(), EPS);
    JsonNode v = l2.get("V_over_nK2");
    assertEquals(0.2, v.get(1).get(0).get(1).get(1).asDouble(), EPS);
    assertTrue(l2.get("theory").get("Theta").get(0).get(0).isNull());
    assertEquals(2.0, l2.get("theory").get("Theta").get(0).get(1).asDouble(), EPS);
    assertEquals(2, l2.get("theory").get("chi_par").size(), "rank 1: one entry per input");
  }

  @Test
  void sampleTableIsAligned() throws IOException {
    Runner r = Runner.run(new FakeEngines(), "sample", "--depth", "2", "--ensemble", "10");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("rgflow sample — relu, n0=8, widths 256×2"), lines.get(0));
    String head = lines.get(1);
    assertTrue(head.matches("layer\\s+n_prev\\s+ℓ/n\\s+observable\\s+measured\\s+± SE\\s+theory\\s+z"), head);
    // Layer 1, K: measured 2.02 ± 0.01 vs theory 2 → z = 2.00; right-aligned under "measured".
    String k1 = lines.get(2);
    assertTrue(k1.matches("\\s*1\\s+8\\s+-\\s+K\\s+2\\.020\\s+± 0\\.010\\s+2\\.000\\s+2\\.00"), k1);
    assertEquals(head.indexOf("measured") + "measured".length(), k1.indexOf("2.020") + "2.020".length());
    assertTrue(r.out().contains("timing: 10 networks"), r.out());
    assertTrue(r.out().contains("chi_par"), "theory-only rows are shown");
  }

  /** ℓ/n per layer, and one note when |z| > 3 comes with ℓ/n > 0.02 (the theory is leading order). */
  @Test
  void leadingOrderDeviationsAreLabelled() {
    FakeEngines f = new FakeEngines();
    f.kOffset = 0.05; // z = 5 on K at every layer
    Runner narrow = Runner.run(f, "sample", "--width", "16", "--depth", "3", "--ensemble", "10");
    assertTrue(narrow.out().lines().anyMatch(l -> l.matches("\\s*2\\s+16\\s+0\\.125\\s+K\\s.*")),
        narrow.out());
    assertTrue(narrow.out().contains("note: |z| > 3 at layers 2, 3, where ℓ/n > 0.02: the theory is"
        + " leading order in 1/n"), narrow.out());
    Runner wide = Runner.run(f, "sample", "--width", "1000", "--depth", "3", "--ensemble", "10");
    assertTrue(wide.out().contains("0.00200") && !wide.out().contains("leading order"), wide.out());
  }

  /** sample/theory --out DIR: the JSON, the tidy CSV and a one-page report with figures. */
  @Test
  void outDirHoldsJsonCsvAndReport(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws IOException {
    for (String cmd : List.of("sample", "theory")) {
      java.nio.file.Path out = dir.resolve(cmd);
      Runner r = cmd.equals("sample") ? Runner.run(new FakeEngines(), cmd, "--depth", "3", "--width",
          "16", "--ensemble", "10", "--out", out.toString())
          : Runner.run(new FakeEngines(), cmd, "--depth", "3", "--width", "16", "--out", out.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals(cmd, new ObjectMapper().readTree(out.resolve("result.json").toFile())
          .get("command").asText());
      List<String> csv = java.nio.file.Files.readAllLines(out.resolve("results.csv"));
      assertTrue(csv.get(0).startsWith("point_id,status,") && csv.size() > 3 * 3, csv.toString());
      assertTrue(csv.get(1).contains(",K,"), csv.get(1));
      assertTrue(java.nio.file.Files.readString(out.resolve("report.html")).contains("<img"));
      assertTrue(r.err().contains("wrote " + out.resolve("result.json")), r.err());
    }
  }

  @Test
  void tableForTwoInputsShowsDiagonalAndZeroOne() {
    Runner r = Runner.run(new FakeEngines(), "sample", "--depth", "1", "--ensemble", "10",
        "--inputs", "norms=1,1,1;angles=0.2");
    assertEquals(0, r.code(), r.err());
    String out = r.out();
    for (String c : List.of("[0,0]", "[1,1]", "[2,2]", "[0,1]", "(0,0)(1,1)", "(0,1)(0,1)", "(2,2)(2,2)")) {
      assertTrue(out.contains(c), c + " in\n" + out);
    }
    assertFalse(out.contains("[1,2]"), "other off-diagonal components only in --json");
    assertTrue(out.contains("--json has all components"));
  }

  @Test
  void theoryJsonHasNoMeasurements() throws IOException {
    Runner r = Runner.run(new FakeEngines(), "theory", "--json", "--depth", "2", "--width", "10,20",
        "--cw", "1.5,2");
    assertEquals(0, r.code(), r.err());
    JsonNode j = M.readTree(r.out());
    assertFalse(j.has("timing"));
    assertFalse(j.has("backend"));
    assertFalse(j.get("spec").has("ensemble"));
    assertEquals("[10,20]", j.get("spec").get("widths").toString());
    assertEquals("[1.5,2.0]", j.get("spec").get("cw").toString());
    JsonNode l1 = j.get("layers").get(0);
    assertFalse(l1.has("K"));
    assertEquals(2.0, l1.get("theory").get("K").asDouble(), EPS);
  }

  @Test
  void perHiddenLayerWidthsAndOutputWidth() throws IOException {
    Runner r = Runner.run(new FakeEngines(), "theory", "--json", "--depth", "3", "--width", "10,20",
        "--out-width", "2");
    assertEquals(0, r.code(), r.err());
    assertEquals("[10,20,2]", M.readTree(r.out()).get("spec").get("widths").toString());
    Runner d = Runner.run(new FakeEngines(), "theory", "--json", "--depth", "3", "--width", "10,20");
    assertEquals("[10,20,20]", M.readTree(d.out()).get("spec").get("widths").toString());
  }

  @Test
  void runSettingsReachTheBackend() {
    FakeEngines f = new FakeEngines();
    Runner r = Runner.run(f, "sample", "--ensemble", "33", "--seed", "-5", "--threads", "3", "--chunk", "4",
        "--no-ntk", "--backend", "auto");
    assertEquals(0, r.code(), r.err());
    assertEquals(33, f.lastSettings.ensemble());
    assertEquals(-5, f.lastSettings.seed());
    assertEquals(3, f.lastSettings.threads());
    assertEquals(4, f.lastSettings.chunk());
    assertFalse(f.lastSettings.ntk());
  }

  @Test
  void ntkNeuronsAreCappedAtTheNarrowestWidthWithANote() {
    FakeEngines f = new FakeEngines();
    Runner r = Runner.run(f, "sample", "--width", "3", "--depth", "2", "--ensemble", "5");
    assertEquals(0, r.code(), r.err());
    assertEquals(3, f.lastSettings.ntkNeurons());
    assertTrue(r.out().contains("capped at the narrowest width 3"), r.out());
  }

  @Test
  void theoryFailureLeavesMeasurementsAndANote() {
    FakeEngines f = new FakeEngines() {
      @Override
      public org.rgflow.theory.TheoryResult theory(org.rgflow.spec.NetworkSpec s, org.rgflow.spec.Inputs in) {
        throw new UnsupportedOperationException("no theory here");
      }
    };
    Runner r = Runner.run(f, "sample", "--depth", "1", "--ensemble", "5");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("note: theory unavailable: no theory here"), r.out());
  }

  @Test
  void jsonStdoutStaysCleanWithProgressRequested() throws IOException {
    Runner r = Runner.run(new FakeEngines(), "sample", "--json", "--progress", "--depth", "1",
        "--ensemble", "5");
    assertEquals(0, r.code(), r.err());
    M.readTree(r.out()); // parses: nothing but JSON on stdout
  }

  @Test
  void criticalityTableAndJson() throws IOException {
    Runner t = Runner.run(new FakeEngines(), "criticality", "--act", "relu");
    assertEquals(0, t.code(), t.err());
    // fields aligned to the longest name (large_depth), NaN printed as "-"
    assertTrue(t.out().contains("\ncls          scale-invariant\n"), t.out());
    assertTrue(t.out().contains("\nk_star       -\n"), t.out());
    Runner j = Runner.run(new FakeEngines(), "criticality", "--json");
    JsonNode n = M.readTree(j.out());
    assertEquals("relu", n.get("activation").asText());
    assertEquals(2.0, n.get("cw").asDouble(), EPS);
    assertTrue(n.get("k_star").isNull());
  }
}

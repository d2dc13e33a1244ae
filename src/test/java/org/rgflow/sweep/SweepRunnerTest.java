package org.rgflow.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner with a stand-in executor (no networks): failures are recorded and the sweep goes on,
 * resume redoes nothing finished, lanes share the work, and the CSV is tidy.
 * Run: mvn -B test -Dtest=SweepRunnerTest.
 */
class SweepRunnerTest {
  static final Provenance PROV = new Provenance("test", "unknown", "host", "17");

  /** A minimal sample --json record; width 13 fails like a diverged network (exit 3). */
  static SweepRunner.Outcome fake(SweepPoint p, String backendOverride) {
    String width = p.flags().get("width");
    if (width.equals("13")) {
      return new SweepRunner.Outcome(3, null, "network 7 diverged at layer 2");
    }
    String json = "{\"command\":\"sample\",\"backend\":\"cpu\",\"device\":\"fake\",\"spec\":{\"activation\":\"relu\","
        + "\"depth\":1,\"widths\":[" + width + "],\"n0\":8,\"cb\":[0.0],\"cw\":[2.0],\"lambda_b\":[1.0],"
        + "\"lambda_w\":[1.0],\"inputs\":{\"source\":\"norms=1\",\"count\":2},\"ensemble\":10,\"seed\":0},"
        + "\"layers\":[{\"layer\":1,\"width\":" + width + ",\"n_prev\":8,\"K\":[[2.1,1.0],[1.0,2.0]],"
        + "\"K_err\":[[0.1,0.1],[0.1,0.1]],\"theory\":{\"K\":[[2.0,1.0],[1.0,2.0]],\"chi_par\":[1.0,1.0]}}]}";
    try {
      return SweepRunner.Outcome.ok(PointStore.JSON.readTree(json));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static SweepPlan plan(String widths) {
    return SweepPlan.parse("grid: {width: [" + widths + "]}", "t", Map.of("depth", "1", "seed", "0"));
  }

  @Test
  void failuresAreRecordedAndResumeRedoesNothingFinished(@TempDir Path dir) throws Exception {
    List<String> calls = Collections.synchronizedList(new ArrayList<>());
    SweepRunner r = new SweepRunner((pt, o) -> {
      calls.add(pt.flags().get("width"));
      return fake(pt, o);
    }, PROV, System::nanoTime);
    SweepPlan p = plan("4, 13, 8");
    SweepRunner.Summary s;
    try (PointStore store = new PointStore(dir).open()) {
      s = r.run(p, store, false, List.of(new SweepRunner.Lane("cpu", null)), new SweepRunner.Listener() {});
    }
    assertEquals(3, calls.size());
    assertEquals(2, s.ok());
    assertEquals(1, s.failed());
    PointStore store = new PointStore(dir);
    Map<String, JsonNode> recs = store.readPoints();
    assertEquals(3, recs.size());
    JsonNode bad = recs.get(p.points().get(1).id());
    assertEquals("failed", bad.get("status").asText());
    assertEquals(3, bad.get("error").get("exit_code").asInt());
    assertEquals("network 7 diverged at layer 2", bad.get("error").get("message").asText());
    JsonNode good = recs.get(p.points().get(0).id());
    assertEquals("ok", good.get("status").asText());
    assertEquals("sample", good.get("result").get("command").asText(), "the result is sample's JSON as printed");
    assertEquals("unknown", good.get("provenance").get("git_commit").asText());
    assertEquals("fake", good.get("provenance").get("device").asText());

    // A kill -9 leaves at most a temporary file; the next run removes it and redoes nothing finished.
    Files.writeString(dir.resolve("points").resolve(".x.json.1.1.tmp"), "{\"partial");
    calls.clear();
    SweepPlan more = plan("4, 13, 8, 16");
    try (PointStore st = new PointStore(dir).open()) {
      s = r.run(more, st, false, List.of(new SweepRunner.Lane("cpu", null)), new SweepRunner.Listener() {});
    }
    assertEquals(List.of("16"), calls);
    assertEquals(3, s.alreadyDone());
    try (Stream<Path> files = Files.list(dir.resolve("points"))) {
      assertTrue(files.noneMatch(f -> f.toString().endsWith(".tmp")));
    }
    calls.clear();
    try (PointStore st = new PointStore(dir).open()) {
      r.run(more, st, true, List.of(new SweepRunner.Lane("cpu", null)), new SweepRunner.Listener() {});
    }
    assertEquals(List.of("13"), calls, "--retry-failed reruns only the failed point");
  }

  @Test
  void lanesShareTheWorkAndAutoPointsTakeTheLaneBackend(@TempDir Path dir) {
    List<String> backends = Collections.synchronizedList(new ArrayList<>());
    SweepRunner r = new SweepRunner((pt, o) -> {
      backends.add(o != null ? o : pt.flags().getOrDefault("backend", "none"));
      return fake(pt, o);
    }, PROV, System::nanoTime);
    SweepPlan p = SweepPlan.parse("grid: {width: [1, 2, 3, 4, 5, 6]}", "t",
        Map.of("depth", "1", "backend", "auto"));
    try (PointStore store = new PointStore(dir).open()) {
      SweepRunner.Summary s = r.run(p, store, false,
          List.of(new SweepRunner.Lane("gpu", "cuda"), new SweepRunner.Lane("cpu", "cpu")),
          new SweepRunner.Listener() {});
      assertEquals(6, s.ok());
    }
    assertEquals(6, backends.size());
    assertTrue(backends.stream().allMatch(b -> b.equals("cuda") || b.equals("cpu")), backends.toString());
    assertFalse(backends.contains("auto"));
  }

  @Test
  void csvIsOneRowPerPointLayerObservableComponent(@TempDir Path dir) throws Exception {
    SweepRunner r = new SweepRunner(SweepRunnerTest::fake, PROV, System::nanoTime);
    SweepPlan p = plan("4, 13");
    try (PointStore store = new PointStore(dir).open()) {
      r.run(p, store, false, List.of(new SweepRunner.Lane("cpu", null)), new SweepRunner.Listener() {});
      Results.write(dir, Results.ordered(store.readPoints(), p));
    }
    List<String> lines = Files.readAllLines(dir.resolve("results.csv"));
    assertEquals(String.join(",", Results.COLUMNS), lines.get(0));
    // point 4: K has 4 components, chi_par 2 (theory only) → 6 rows; the failed point: 1 row
    assertEquals(1 + 6 + 1, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(1).contains(",K,\"0,0\",2.1,0.1,2,"), lines.get(1));
    assertTrue(lines.get(7).contains(",failed,") && lines.get(7).endsWith("network 7 diverged at layer 2"),
        lines.get(7));
    assertEquals(2, Files.readAllLines(dir.resolve("results.jsonl")).size());
  }
}

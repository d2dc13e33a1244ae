package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged point file is named and never silently dropped (issue 16): {@code report} exits 1
 * naming every damaged file unless {@code --skip-damaged} (then each is named on stderr), and
 * {@code sweep --resume} says why it reruns the point.
 */
class DamagedPointsTest {
  private static Path sweep(Path dir) {
    Path out = dir.resolve("s");
    Runner r = Runner.run(new FakeEngines(), "sweep", "--grid", "width=4,8", "--set", "depth=2",
        "--set", "ensemble=5", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    return out;
  }

  private static List<Path> points(Path out) throws Exception {
    try (Stream<Path> s = Files.list(out.resolve("points"))) {
      return s.sorted().toList();
    }
  }

  @Test
  void aTruncatedPointStopsTheReportAndIsRerunOnResume(@TempDir Path dir) throws Exception {
    Path out = sweep(dir);
    Path p = points(out).get(0);
    String full = Files.readString(p);
    Files.writeString(p, full.substring(0, full.length() / 2));
    Runner rep = Runner.run(new FakeEngines(), "report", out.toString());
    assertEquals(Main.FAILURE, rep.code());
    assertEquals(1, rep.errLines().size(), rep.err());
    assertTrue(rep.errLines().get(0).startsWith("error: 1 damaged point file in "), rep.err());
    assertTrue(rep.err().contains(p.getFileName() + " (not valid JSON at line "), rep.err());
    assertTrue(rep.err().contains("--skip-damaged"), rep.err());
    // the parser's own location dump ("[Source: REDACTED (...); line: 5, column: 13]") is left out
    assertTrue(rep.err().contains("the file ends early (truncated)"), rep.err());
    assertFalse(rep.err().contains("Source:") || rep.err().contains("StreamReadFeature"), rep.err());
    assertEquals("", rep.out());

    Runner skip = Runner.run(new FakeEngines(), "report", out.toString(), "--skip-damaged");
    assertEquals(0, skip.code(), skip.err());
    assertTrue(skip.err().contains("warning: skipped damaged point file " + p), skip.err());
    assertTrue(skip.out().contains("1 damaged point file skipped"), skip.out());

    Runner resumed = Runner.run(new FakeEngines(), "sweep", "--resume", "--out", out.toString());
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("note: point " + p.getFileName().toString().replace(".json", "")
        + " reruns: " + p + " is damaged (not valid JSON"), resumed.err());
    assertTrue(resumed.out().contains("1 run now (1 ok, 0 failed), 1 already finished"), resumed.out());
    assertEquals("ok", new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.toFile())
        .path("status").asText(), "the point is whole again");
    assertEquals(0, Runner.run(new FakeEngines(), "report", out.toString()).code());
  }

  @Test
  void junkInPointsIsNamedFileByFile(@TempDir Path dir) throws Exception {
    Path out = sweep(dir);
    Path pts = out.resolve("points");
    Files.writeString(pts.resolve("notes.txt"), "hello");
    Files.writeString(pts.resolve("abc.json"), "[1, 2]");
    Files.writeString(pts.resolve("empty.json"), "");
    Runner rep = Runner.run(new FakeEngines(), "report", out.toString());
    assertEquals(Main.FAILURE, rep.code());
    String line = rep.errLines().get(0);
    assertTrue(line.contains("3 damaged point files"), line);
    for (String s : List.of("abc.json (not a point record", "empty.json (empty)", "notes.txt (not a point")) {
      assertTrue(line.contains(s), line + " should name " + s);
    }
  }
}

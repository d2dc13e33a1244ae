package org.rgflow.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rgflow.app.Engines;
import org.rgflow.cli.Main;

/**
 * The residual data collapse figure from a real (small) sweep: relu at γ = 0.5 (C_W = 1.5) and
 * γ = 0.9 (C_W = 0.38), widths 16 and 32, depth 4, E = 300, plus one plain MLP point. The figure is
 * drawn, the MLP's figures do not take the residual points (no off-criticality chart for relu,
 * whose C_W = 1.5 is off the MLP's criticality), and the theory lines are the book's numbers: with T
 * n V/K² = 3.5625, 8.557, 14.27 at layers 2–4 for γ = 0.5 (docs/THEORY.md §17.2), without T equal at layer 2
 * (T^{(1)} = 0) and growing by
 * 3.5625 per layer above it (7.125, 10.6875).
 */
class ResidualCollapseTest {
  static final ObjectMapper M = new ObjectMapper();

  static List<JsonNode> sweep(Path dir, String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("sweep"));
    a.addAll(List.of(args));
    a.addAll(List.of("--out", dir.toString()));
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = new Main(Engines.defaults(), new PrintWriter(o), new PrintWriter(e))
        .run(a.toArray(String[]::new));
    assertEquals(0, code, o + "\n" + e);
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir.resolve("points"))) {
      for (Path p : s.sorted().toList()) {
        out.add(M.readTree(p.toFile()));
      }
    }
    return out;
  }

  @Test
  void figureFromASweep(@TempDir Path dir) throws Exception {
    List<JsonNode> records = new ArrayList<>(sweep(dir.resolve("res"), "--grid", "width=16,32",
        "--grid", "gamma=0.5", "--set", "act=relu", "--set", "cw=1.5", "--set", "depth=4", "--set",
        "ensemble=300", "--set", "no-ntk=true"));
    records.addAll(sweep(dir.resolve("res9"), "--grid", "width=16", "--set", "gamma=0.9", "--set",
        "act=relu", "--set", "cw=0.38", "--set", "depth=4", "--set", "ensemble=300", "--set",
        "no-ntk=true"));
    records.addAll(sweep(dir.resolve("mlp"), "--grid", "width=16", "--set", "act=relu", "--set",
        "cw=2", "--set", "depth=4", "--set", "ensemble=300", "--set", "no-ntk=true"));
    assertEquals(4, records.size());
    List<ResidualCollapse.Point> ps = ResidualCollapse.points(records);
    assertEquals(3, ps.size());

    ReportData d = new ReportData(records);
    assertEquals(1, d.points().size(), "the MLP figures see the MLP point only");
    List<String> names = HtmlReport.figures(d).stream().map(HtmlReport.Figure::name).toList();
    assertTrue(names.contains("residual-collapse-relu"), names::toString);
    assertTrue(names.contains("collapse-relu"), names::toString);
    assertFalse(names.contains("off-critical-relu"), names::toString);

    ResidualCollapse.Point p = ps.stream().filter(q -> q.gamma() == 0.5 && q.width() == 32)
        .findFirst().orElseThrow();
    ResidualCollapse.Lines t = ResidualCollapse.lines(p);
    double[] book = {3.5625, 8.618, 14.40}; // the history V (docs/THEORY.md §17.8)
    for (int l = 2; l <= 4; l++) {
      assertEquals(book[l - 2], 32 * t.withT().get(l - 1), 0.01, "with T, layer " + l);
      assertEquals(p.theory(l, "V_over_nK2"), t.withT().get(l - 1), 0.0, "recorded theory");
    }
    assertEquals(3.5625, 32 * t.withoutT().get(1), 1e-6, "layer 2: T^{(1)} = 0");
    // without T, K constant and χ∥ = 1: n V/K² grows by the layer-2 value per layer
    assertEquals(7.125, 32 * t.withoutT().get(2), 1e-6, "without T, layer 3");
    assertEquals(10.6875, 32 * t.withoutT().get(3), 1e-6, "without T, layer 4");

    HtmlReport.Written w = HtmlReport.write(dir.resolve("report"), records, "test");
    String html = Files.readString(w.html());
    assertTrue(html.contains("Residual data collapse: relu"));
    assertTrue(Files.size(dir.resolve("report/figures/residual-collapse-relu.png")) > 1000);
  }
}

package org.rgflow.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dNTK's data collapse (issue 13): a sweep that measures the dNTK (tanh at criticality, widths
 * 16 and 32, depth 3, E = 200) gets the figures P/(nΘ²) and Q/(nΘ²) against ℓ/n; one that does not
 * measure it gets neither. The plotted series is the recorded P divided by n_{ℓ−1}Θ², exactly, for the
 * measured value (with measured Θ) and the theory (with theory Θ).
 */
class DntkFigureTest {

  @Test
  void dntkFiguresOnlyWhereMeasured(@TempDir Path dir) throws Exception {
    List<JsonNode> with = ResidualCollapseTest.sweep(dir.resolve("with"), "--grid", "width=16,32",
        "--set", "act=tanh", "--set", "cw=1", "--set", "depth=3", "--set", "ensemble=200", "--set",
        "observables=kernel,moments,ntk,dntk");
    List<String> names = HtmlReport.figures(new ReportData(with)).stream()
        .map(HtmlReport.Figure::name).toList();
    assertTrue(names.contains("dntk-P-tanh") && names.contains("dntk-Q-tanh"), names::toString);

    ReportData.Point p = new ReportData(with).points().stream().filter(q -> q.width() == 32)
        .findFirst().orElseThrow();
    HtmlReport.Series s = HtmlReport.series(p, "Q", true, true);
    for (int l = 2; l <= 3; l++) {
      double th = p.value(l, "Theta");
      double tt = p.theory(l, "Theta");
      int np = p.nPrev(l);
      assertEquals(p.value(l, "Q") / (np * th * th), s.y().get(l - 2), 0.0, "measured, layer " + l);
      assertEquals(p.theory(l, "Q") / (np * tt * tt), s.t().get(l - 2), 0.0, "theory, layer " + l);
      assertEquals((double) l / 32, s.x().get(l - 2), 0.0);
    }

    List<JsonNode> without = ResidualCollapseTest.sweep(dir.resolve("without"), "--grid", "width=16",
        "--set", "act=tanh", "--set", "cw=1", "--set", "depth=3", "--set", "ensemble=200");
    List<String> plain = HtmlReport.figures(new ReportData(without)).stream()
        .map(HtmlReport.Figure::name).toList();
    assertFalse(plain.stream().anyMatch(n -> n.startsWith("dntk-")), plain::toString);
  }
}

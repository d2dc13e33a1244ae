package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rgflow.app.Engines;

/**
 * The report's captions say what its figures show (issue 16), on a real sweep: relu at criticality,
 * widths 8 and 16, depth 4, E = 300, and tanh at C_W = 2 (off criticality, as in the README's old
 * example). The collapse caption gives each width's theory at the largest common ℓ/n instead of
 * claiming one curve; the histogram draws the O(1/n) density; tanh's missing figures are explained.
 */
class ReportCaptionsTest {
  @Test
  void captionsMatchTheFigures(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("r");
    Runner r = Runner.run(Engines.defaults(), "sweep", "--grid", "act=relu|tanh", "--grid", "width=8,16",
        "--set", "depth=4", "--set", "ensemble=300", "--no-progress", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Runner rep = Runner.run(Engines.defaults(), "report", out.toString());
    assertEquals(0, rep.code(), rep.err());
    String html = Files.readString(out.resolve("report.html"));
    // relu V/(nK^2) = (1 + 5/n)^(l-1) - 1 at l/n = 0.25: 0.625 (n = 8, l = 2), 1.261 (n = 16, l = 4)
    assertTrue(html.contains("at ℓ/n = 0.25 the theory reads 0.625 (n = 8), 1.261 (n = 16)"), html);
    assertTrue(html.contains("at the widths shown they do not"), html);
    assertFalse(html.contains("fall on one curve when plotted"), html);
    assertTrue(html.contains("nearly-Gaussian distribution of one neuron at O(1/n)"), html);
    assertTrue(html.contains("tanh: no point at criticality (C_b = 0, C_W = 1 for every layer)"), html);
    assertFalse(html.contains("K* = 1.33"), html);
  }
}

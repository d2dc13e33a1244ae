package org.rgflow.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.rgflow.act.Activations;
import org.rgflow.theory.Criticality;

/**
 * The sweep report's figures as a reader sees them (issue 16): the y axis of the per-width charts
 * follows the theory and the well-measured points and marks the rest; the histogram's O(1/n)
 * density is a normalised density with the kurtosis it claims; off-critical captions quote no
 * fixed point a scale-invariant σ lacks.
 */
class ReportFiguresTest {
  private static HtmlReport.Series series(double[] x, double[] y, double[] e, double[] t) {
    HtmlReport.Series s = new HtmlReport.Series(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
        new ArrayList<>());
    for (int i = 0; i < x.length; i++) {
      s.x().add(x[i]);
      s.y().add(y[i]);
      s.e().add(e[i]);
      s.t().add(t[i]);
    }
    return s;
  }

  @Test
  void oneHeavyTailedPointDoesNotSetTheAxisAndIsNamed() {
    // the relu case: n = 32 at l/n = 0.125 read 33 ± 35 among values below 0.5
    HtmlReport.Series a = series(new double[] {0.0625, 0.125, 0.1875, 0.25},
        new double[] {0.05, 33, 0.16, 0.21}, new double[] {0.01, 35, 0.02, 0.03},
        new double[] {0.05, 0.10, 0.15, 0.20});
    HtmlReport.Series b = series(new double[] {0.125, 0.25}, new double[] {0.11, 0.24},
        new double[] {0.02, 0.05}, new double[] {0.10, 0.20});
    YAxis axis = YAxis.of(List.of(a, b));
    assertEquals(0, axis.lo());
    assertTrue(axis.hi() > 0.29 && axis.hi() < 0.4, "axis top " + axis.hi());
    XYChart c = Charts.chart("t", "x", "y");
    axis.measured(c, "n = 32 (E=2000)", "n = 32", a, Charts.color(0));
    axis.measured(c, "n = 64 (E=2000)", "n = 64", b, Charts.color(1));
    assertEquals(1, axis.outside().size());
    String cap = axis.caption("ℓ/n");
    assertTrue(cap.contains("n = 32 at ℓ/n = 0.125 reads 33 ± 35"), cap);
    assertTrue(cap.contains("1 point lies beyond it"), cap);
    assertTrue(c.getSeriesMap().containsKey("n = 32 (E=2000) beyond the axis"));
    Charts.png(c); // renders
  }

  @Test
  void noCaptionWhenEveryPointFits() {
    HtmlReport.Series a = series(new double[] {1, 2}, new double[] {1.0, 2.1}, new double[] {0.1, 0.2},
        new double[] {1.0, 2.0});
    YAxis axis = YAxis.of(List.of(a));
    axis.measured(Charts.chart("t", "x", "y"), "a", "a", a, Charts.color(0));
    assertEquals("", axis.caption("ℓ"));
    assertTrue(axis.hi() >= 2.3);
  }

  @Test
  void nearlyGaussianDensityHasUnitVarianceAndExcessKurtosisThreeV() {
    double v = 0.4;
    double m0 = 0;
    double m2 = 0;
    double m4 = 0;
    double h = 1e-3;
    for (double u = -12; u <= 12; u += h) {
      double p = HtmlReport.nearlyGaussian(u, v) * h;
      m0 += p;
      m2 += p * u * u;
      m4 += p * u * u * u * u;
    }
    assertEquals(1, m0, 1e-9);
    assertEquals(1, m2, 1e-9);
    assertEquals(3 * v, m4 - 3, 1e-8);
    assertEquals(HtmlReport.gaussian(0.7), HtmlReport.nearlyGaussian(0.7, Double.NaN), 0);
    // positive everywhere up to the largest v the histogram draws it at
    for (double u = -6; u <= 6; u += 0.01) {
      assertTrue(HtmlReport.nearlyGaussian(u, HtmlReport.NEARLY_GAUSSIAN_MAX_V) > 0);
    }
  }

  @Test
  void reluCaptionsQuoteNoFixedPointItLacks() {
    var relu = Activations.parse("relu");
    String crit = HtmlReport.fixedPointText(relu, 0, Criticality.fixedPoint(relu, 0, 2));
    assertTrue(crit.contains("every K is a fixed point"), crit);
    assertFalse(crit.contains("1.33"), crit);
    String up = HtmlReport.fixedPointText(relu, 0, Criticality.fixedPoint(relu, 0, 2.4));
    assertTrue(up.contains("χ∥ = χ⊥ = 1.200") && up.contains("K* = 0 repels"), up);
    String down = HtmlReport.fixedPointText(relu, 0.1, Criticality.fixedPoint(relu, 0.1, 1.6));
    assertTrue(down.contains("K* = 0.5"), down); // C_b/(1 − χ) = 0.1/0.2
    var tanh = Activations.parse("tanh");
    String t = HtmlReport.fixedPointText(tanh, 0.2, Criticality.fixedPoint(tanh, 0.2, 1));
    assertTrue(t.contains("K* = 0.46"), t);
  }
}

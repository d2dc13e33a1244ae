package org.rgflow.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A linear y axis scaled to what a reader should see: every theory value and every well-measured
 * point with its error bar. One heavy-tailed point (33 ± 35 among values below 1) would otherwise
 * set the axis and flatten the rest to zero. Points beyond the axis are drawn as triangles on its
 * edge, in their series' colour, and named in the caption with their value.
 */
final class YAxis {
  /** A point is well measured when its SE is at most this share of its value. */
  static final double WELL = 0.3;

  /** A point drawn beyond the axis. */
  record Outside(String series, double x, double y, double e) {}

  private final double lo;
  private final double hi;
  private final List<Outside> outside = new ArrayList<>();

  private YAxis(double lo, double hi) {
    this.lo = lo;
    this.hi = hi;
  }

  /**
   * The axis for these series (x, measured, SE, theory): from min(0, data) to the largest theory
   * value or well-measured y + SE, with 6% headroom. A point whose SE is small against the theory's
   * span counts as well measured too (values near zero).
   */
  static YAxis of(List<HtmlReport.Series> series) {
    double tMin = Double.POSITIVE_INFINITY;
    double tMax = Double.NEGATIVE_INFINITY;
    for (HtmlReport.Series s : series) {
      for (double t : s.t()) {
        if (Double.isFinite(t)) {
          tMin = Math.min(tMin, t);
          tMax = Math.max(tMax, t);
        }
      }
    }
    double span = Double.isFinite(tMax) ? tMax - Math.min(0, tMin) : 0;
    double lo = Double.isFinite(tMin) ? Math.min(0, tMin) : 0;
    double hi = Double.isFinite(tMax) ? tMax : Double.NEGATIVE_INFINITY;
    for (HtmlReport.Series s : series) {
      for (int i = 0; i < s.y().size(); i++) {
        double y = s.y().get(i);
        double e = s.e().get(i);
        if (Double.isFinite(y) && Double.isFinite(e) && well(y, e, span)) {
          lo = Math.min(lo, y - e);
          hi = Math.max(hi, y + e);
        }
      }
    }
    if (!(hi > lo)) {
      hi = lo + 1;
    }
    double pad = 0.06 * (hi - lo);
    return new YAxis(lo < 0 ? lo - pad : lo, hi + pad);
  }

  static boolean well(double y, double e, double theorySpan) {
    return e <= WELL * Math.abs(y) || e <= 0.05 * theorySpan;
  }

  double lo() {
    return lo;
  }

  double hi() {
    return hi;
  }

  List<Outside> outside() {
    return outside;
  }

  /**
   * Draws one series' measured points: those inside the axis with their error bars, those beyond it
   * as a triangle on the edge (kept in {@link #outside()} for the caption).
   */
  void measured(XYChart c, String name, String label, HtmlReport.Series s, Color color) {
    List<Double> y = new ArrayList<>();
    List<Double> ex = new ArrayList<>();
    List<Double> ey = new ArrayList<>();
    List<Double> fx = new ArrayList<>();
    List<Double> fy = new ArrayList<>();
    boolean up = false;
    for (int i = 0; i < s.y().size(); i++) {
      double v = s.y().get(i);
      if (Double.isFinite(v) && (v > hi || v < lo)) {
        outside.add(new Outside(label, s.x().get(i), v, s.e().get(i)));
        fx.add(s.x().get(i));
        fy.add(v > hi ? hi : lo);
        up |= v > hi;
        y.add(Double.NaN);
      } else {
        y.add(v);
      }
      ex.add(s.x().get(i));
      ey.add(s.e().get(i));
    }
    Charts.measured(c, name, ex, y, ey, color);
    if (!fx.isEmpty()) {
      XYSeries o = c.addSeries(name + " beyond the axis", fx, fy);
      o.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      o.setMarker(up ? SeriesMarkers.TRIANGLE_UP : SeriesMarkers.TRIANGLE_DOWN);
      o.setMarkerColor(color);
      o.setShowInLegend(false);
    }
  }

  /** Fixes the chart's y axis to this range. */
  void apply(XYChart c) {
    c.getStyler().setYAxisMin(lo);
    c.getStyler().setYAxisMax(hi);
  }

  /** The caption's sentence on the points beyond the axis, or "" when there are none. */
  String caption(String xName) {
    if (outside.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, " The axis is scaled to the theory and "
        + "to the well-measured points (SE ≤ %.0f%% of the value); %d point%s beyond it, drawn as a triangle "
        + "on its edge: ", 100 * WELL, outside.size(), outside.size() == 1 ? " lies" : "s lie"));
    for (int i = 0; i < outside.size(); i++) {
      Outside o = outside.get(i);
      b.append(i == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s at %s = %s reads %s ± %s",
          o.series(), xName, HtmlPage.num(o.x()), HtmlPage.num(o.y()), HtmlPage.num(o.e())));
    }
    return b.append('.').toString();
  }
}

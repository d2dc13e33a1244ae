package org.rgflow.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.awt.geom.Line2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** XChart helpers: one look for every figure; PNG rendering works headless (java.awt.headless=true). */
final class Charts {
  static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
      new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

  private Charts() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  static XYChart chart(String title, String x, String y) {
    XYChart c = new XYChartBuilder().width(640).height(430).title(title).xAxisTitle(x).yAxisTitle(y).build();
    org.knowm.xchart.style.XYStyler s = c.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotGridLinesColor(new Color(0xe6e6e6));
    s.setLegendPosition(Styler.LegendPosition.InsideNW);
    s.setLegendBorderColor(new Color(0xcccccc));
    s.setMarkerSize(7);
    c.getStyler().setErrorBarsColorSeriesColor(true);
    return c;
  }

  static Color color(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  /** Measured points with ± SE error bars; NaN points are dropped. */
  static void measured(XYChart c, String name, List<Double> x, List<Double> y, List<Double> err, Color color) {
    double[][] d = finite(x, y, err);
    if (d[0].length == 0) {
      return;
    }
    XYSeries s = c.addSeries(name, d[0], d[1], d[2]);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setMarkerColor(color);
    s.setLineColor(color);
  }

  /** A theory curve (line, no markers); NaN points are dropped. */
  static void theory(XYChart c, String name, List<Double> x, List<Double> y, Color color, boolean legend) {
    double[][] d = finite(x, y, null);
    if (d[0].length == 0) {
      return;
    }
    XYSeries s = c.addSeries(name, d[0], d[1]);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineStyle(new BasicStroke(1.6f));
    s.setShowInLegend(legend);
  }

  /** Line segments drawn as one series, with null gaps between polylines. */
  static void segments(XYChart c, String name, List<Double> x, List<Double> y, Color color, boolean dashed) {
    if (x.isEmpty()) {
      return;
    }
    XYSeries s = c.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setLineStyle(dashed ? SeriesLines.DASH_DASH : new BasicStroke(1.8f));
  }

  /**
   * An x axis of categories 0, 1, …: ticks only at the data's x values, labelled {@code prefix + i} at
   * integers and unlabelled elsewhere.
   */
  static void categories(XYChart c, String prefix) {
    c.getStyler().setxAxisTickLabelsFormattingFunction(
        v -> v == Math.rint(v) ? prefix + (long) Math.rint(v) : "");
  }

  /** Values at categories (x = 0, 1, …) drawn as short horizontal bars, solid or dashed; NaN dropped. */
  static void levels(XYChart c, String name, List<Double> x, List<Double> y, Color color, boolean dashed) {
    double[][] d = finite(x, y, null);
    if (d[0].length == 0) {
      return;
    }
    XYSeries s = c.addSeries(name, d[0], d[1]);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(new Level(dashed));
    s.setMarkerColor(color);
  }

  /**
   * Both axes logarithmic. An axis whose data span (max/min) is below 30 gets labels between the
   * decades too (a scan's widths rarely span one); a wider one is labelled at the decades only, where
   * the in-between labels would crowd. (No tick-label formatting function here: XChart's callback tick
   * calculator does not terminate on a log axis.)
   */
  static void logLog(XYChart c, double xSpan, double ySpan) {
    org.knowm.xchart.style.XYStyler s = c.getStyler();
    s.setXAxisLogarithmic(true);
    s.setYAxisLogarithmic(true);
    s.setXAxisLogarithmicDecadeOnly(!(xSpan < 30));
    s.setYAxisLogarithmicDecadeOnly(!(ySpan < 30));
  }

  /**
   * Measured points ± SE on a logarithmic y axis: markers, and the error bars drawn as line segments
   * cut at {@code floor} (XChart refuses error bars that reach zero on a log axis). Points that are
   * not finite and positive are dropped; returns how many were kept.
   */
  static int measuredLog(XYChart c, String name, List<Double> x, List<Double> y, List<Double> err,
      Color color, double floor) {
    List<Double> px = new ArrayList<>();
    List<Double> py = new ArrayList<>();
    List<Double> bx = new ArrayList<>();
    List<Double> by = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      Double xi = x.get(i);
      Double yi = y.get(i);
      if (!ok(xi) || !ok(yi) || xi <= 0 || yi <= 0) {
        continue;
      }
      px.add(xi);
      py.add(yi);
      Double e = err.get(i);
      if (ok(e) && e > 0) {
        if (!bx.isEmpty()) {
          bx.add(null);
          by.add(null);
        }
        bx.add(xi);
        by.add(Math.max(yi - e, floor));
        bx.add(xi);
        by.add(yi + e);
      }
    }
    if (px.isEmpty()) {
      return 0;
    }
    XYSeries s = c.addSeries(name, px, py);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setMarkerColor(color);
    if (!bx.isEmpty()) {
      XYSeries b = c.addSeries(name + " ± SE", bx, by);
      b.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      b.setMarker(SeriesMarkers.NONE);
      b.setLineColor(color);
      b.setLineStyle(new BasicStroke(1.2f));
      b.setShowInLegend(false);
    }
    return px.size();
  }

  /** A horizontal bar four markers wide (a predicted level at a category); dashed or solid. */
  static final class Level extends Marker {
    private final boolean dashed;

    Level(boolean dashed) {
      this.dashed = dashed;
    }

    @Override
    public void paint(Graphics2D g, double x, double y, int size) {
      Stroke old = g.getStroke();
      g.setStroke(dashed
          ? new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f)
          : new BasicStroke(2.2f));
      g.draw(new Line2D.Double(x - 2.0 * size, y, x + 2.0 * size, y));
      g.setStroke(old);
    }
  }

  static byte[] png(XYChart c) {
    try {
      return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double[][] finite(List<Double> x, List<Double> y, List<Double> err) {
    int n = 0;
    for (int i = 0; i < x.size(); i++) {
      if (ok(x.get(i)) && ok(y.get(i)) && (err == null || ok(err.get(i)))) {
        n++;
      }
    }
    double[][] d = new double[3][n];
    int j = 0;
    for (int i = 0; i < x.size(); i++) {
      if (ok(x.get(i)) && ok(y.get(i)) && (err == null || ok(err.get(i)))) {
        d[0][j] = x.get(i);
        d[1][j] = y.get(i);
        d[2][j] = err == null ? 0 : err.get(i);
        j++;
      }
    }
    return d;
  }

  private static boolean ok(Double v) {
    return v != null && Double.isFinite(v);
  }
}

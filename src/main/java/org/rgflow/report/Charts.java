package org.rgflow.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
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

package org.rgflow.report;

import static org.rgflow.report.HtmlPage.fig;
import static org.rgflow.report.HtmlPage.num;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.rgflow.act.Activations;
import org.rgflow.layer.Residual;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.ResidualSeries;

/**
 * The residual data collapse (issue 14; docs/THEORY.md §17): for each activation with residual
 * one-input points in a sweep, V/(nK²) against ℓ/n, one colour per γ, one marker shape per width,
 * and two theory lines per point: the leading-order theory with the three-point function T (solid;
 * the point's recorded theory) and without it (dashed; {@link ResidualSeries} with T dropped). For ReLU the two differ at O(1) in the slope ν
 * (6.43 against 3.56 at γ = 0.5); for tanh T = 0 and they coincide.
 *
 * <p>Residual points are those whose record lists a {@code residual} layer kind; {@link ReportData}
 * keeps them out of the MLP figures (their C_W is critical for the residual map, not the MLP's).
 */
final class ResidualCollapse {
  private ResidualCollapse() {}

  /** One residual one-input point: its record, activation, width, depth and the γ of layer 2. */
  record Point(JsonNode record, String activation, int width, int depth, double gamma, double xi,
      long ensemble) {

    JsonNode layer(int l) {
      return record.path("result").path("layers").path(l - 1);
    }

    double value(int l, String obs) {
      return ReportData.num(layer(l).path(obs));
    }

    double err(int l, String obs) {
      return ReportData.num(layer(l).path(obs + "_err"));
    }

    double theory(int l, String obs) {
      return ReportData.num(layer(l).path("theory").path(obs));
    }

    /** The network, rebuilt from the record (dense layer 1, residual layers 2..L). */
    NetworkSpec spec() {
      JsonNode s = record.path("result").path("spec");
      int[] widths = new int[s.path("widths").size()];
      for (int i = 0; i < widths.length; i++) {
        widths[i] = s.path("widths").path(i).asInt();
      }
      NetworkSpec dense = new NetworkSpec(s.path("n0").asInt(), widths,
          Activations.parse(activation), ReportData.doubles(s.path("cb")),
          ReportData.doubles(s.path("cw")), ReportData.doubles(s.path("lambda_b")),
          ReportData.doubles(s.path("lambda_w")));
      double[] g = new double[widths.length - 1];
      double[] x = new double[widths.length - 1];
      for (int l = 1; l < widths.length; l++) {
        g[l - 1] = s.path("gamma").path(l).asDouble();
        x[l - 1] = s.path("xi").path(l).asDouble(1.0);
      }
      return new NetworkSpec(dense.n0(), dense.activation(), Residual.network(dense.layers(), g, x));
    }
  }

  /** Whether a record's network has a residual layer. */
  static boolean isResidual(JsonNode record) {
    for (JsonNode k : record.path("result").path("spec").path("layer_kinds")) {
      if ("residual".equals(k.asText())) {
        return true;
      }
    }
    return false;
  }

  /** The finished one-input residual points of the records, uniform γ and ξ over layers 2..L. */
  static List<Point> points(List<JsonNode> records) {
    List<Point> out = new ArrayList<>();
    for (JsonNode r : records) {
      if (!"ok".equals(r.path("status").asText()) || !isResidual(r)) {
        continue;
      }
      JsonNode s = r.path("result").path("spec");
      if (s.path("inputs").path("count").asInt() != 1) {
        continue;
      }
      JsonNode g = s.path("gamma");
      JsonNode x = s.path("xi");
      boolean uniform = true;
      for (int l = 2; l < g.size(); l++) {
        uniform &= g.path(l).asDouble() == g.path(1).asDouble()
            && x.path(l).asDouble() == x.path(1).asDouble();
      }
      if (!uniform || g.size() < 2) {
        continue;
      }
      out.add(new Point(r, s.path("activation").asText(), s.path("widths").path(0).asInt(),
          s.path("depth").asInt(), g.path(1).asDouble(), x.path(1).asDouble(1.0),
          s.path("ensemble").asLong()));
    }
    return out;
  }

  /** One collapse figure per activation with residual points (none when there are none). */
  static List<HtmlReport.Figure> figures(List<JsonNode> records) {
    Map<String, List<Point>> byAct = new TreeMap<>();
    for (Point p : points(records)) {
      byAct.computeIfAbsent(p.activation(), a -> new ArrayList<>()).add(p);
    }
    List<HtmlReport.Figure> out = new ArrayList<>();
    for (Map.Entry<String, List<Point>> e : byAct.entrySet()) {
      HtmlReport.Figure f = figure(e.getKey(), e.getValue());
      if (f != null) {
        out.add(f);
      }
    }
    return out;
  }

  /** The theory lines of one point: x = ℓ/n, V/(nK²) with T (recorded) and without T. */
  record Lines(List<Double> x, List<Double> withT, List<Double> withoutT) {}

  static Lines lines(Point p) {
    NetworkSpec spec = p.spec();
    double k1 = p.theory(1, "K");
    ResidualSeries.Series no = ResidualSeries.of(spec, k1, false);
    Lines out = new Lines(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int l = 1; l <= p.depth(); l++) {
      int n = p.width();
      out.x().add((double) l / p.width());
      out.withT().add(p.theory(l, "V_over_nK2"));
      out.withoutT().add(no.vOverK2(l) / n);
    }
    return out;
  }

  /** One marker shape per width (colours are per γ). */
  private static final org.knowm.xchart.style.markers.Marker[] MARKERS = {
      org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE,
      org.knowm.xchart.style.markers.SeriesMarkers.SQUARE,
      org.knowm.xchart.style.markers.SeriesMarkers.DIAMOND,
      org.knowm.xchart.style.markers.SeriesMarkers.TRIANGLE_UP,
      org.knowm.xchart.style.markers.SeriesMarkers.TRIANGLE_DOWN};

  private static int widthIndex(List<Point> ps, int width) {
    return (int) ps.stream().mapToInt(Point::width).distinct().filter(w -> w < width).count();
  }

  static HtmlReport.Figure figure(String act, List<Point> ps) {
    // γ → (width → deepest, then largest-E point of that width)
    Map<Double, Map<Integer, Point>> byGamma = new TreeMap<>();
    for (Point p : ps) {
      byGamma.computeIfAbsent(p.gamma(), g -> new TreeMap<>()).merge(p.width(), p,
          (a, b) -> b.depth() > a.depth() || (b.depth() == a.depth() && b.ensemble() > a.ensemble())
              ? b : a);
    }
    if (byGamma.isEmpty()) {
      return null;
    }
    XYChart c = Charts.chart("Residual data collapse, " + act + ": V/(nK²) against ℓ/n", "ℓ/n",
        "V/(nK²)");
    StringBuilder cap = new StringBuilder();
    int i = 0;
    for (Map.Entry<Double, Map<Integer, Point>> g : byGamma.entrySet()) {
      Color col = Charts.color(i++);
      boolean first = true;
      for (Point p : g.getValue().values()) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        List<Double> err = new ArrayList<>();
        for (int l = 2; l <= p.depth(); l++) {
          x.add((double) l / p.width());
          y.add(p.value(l, "V_over_nK2"));
          err.add(p.err(l, "V_over_nK2"));
        }
        String label = String.format(Locale.ROOT, "γ = %s, n = %d (E=%d)", num(g.getKey()),
            p.width(), p.ensemble());
        Charts.measured(c, label, x, y, err, col);
        org.knowm.xchart.XYSeries s = c.getSeriesMap().get(label);
        if (s != null) {
          s.setMarker(MARKERS[Math.floorMod(widthIndex(ps, p.width()), MARKERS.length)]);
        }
        // theory at this width: V/(nK²) is (V/K²)(ℓ)/n, a function of ℓ/n only for ℓ ≫ 1
        Lines t = lines(p);
        String w = first ? "" : " (n = " + p.width() + ")";
        Charts.theory(c, "γ = " + num(g.getKey()) + " theory with T" + w, t.x(), t.withT(), col,
            first);
        String dashed = "γ = " + num(g.getKey()) + " theory without T" + w;
        Charts.segments(c, dashed, t.x(), t.withoutT(), col, true);
        c.getSeriesMap().get(dashed).setShowInLegend(first);
        first = false;
        int last = t.x().size() - 1;
        cap.append(String.format(Locale.ROOT, "γ = %s, n = %d (C_W = %s, ξ = %s): at ℓ/n = %.3f"
            + " measured %.4g ± %.2g, theory %.4g with T, %.4g without; ", num(g.getKey()),
            p.width(), num(p.spec().cw(2)), num(p.xi()), t.x().get(last), p.value(p.depth(),
            "V_over_nK2"), p.err(p.depth(), "V_over_nK2"), t.withT().get(last),
            t.withoutT().get(last)));
      }
    }
    return fig(c, "residual-collapse-" + HtmlReport.slug(act), "Residual data collapse: " + act,
        "Residual networks z' = γz + ξ(b + Wσ) from layer 2 on (PDLT appendix B): V/(nK²) grows"
        + " like ν ℓ/n, and the points of every width fall on one line per γ. " + cap
        + "Points: measured ± SE; solid lines: leading-order theory including the three-point"
        + " function T (residual connections break z → −z for non-odd σ, so T ≠ 0 for ReLU); dashed:"
        + " the same theory with T dropped. For odd σ (tanh) T = 0 and the lines coincide.");
  }
}

package org.rgflow.report;

import static org.rgflow.report.HtmlPage.esc;
import static org.rgflow.report.HtmlPage.fig;
import static org.rgflow.report.HtmlPage.num;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.sweep.Results;
import org.rgflow.theory.Criticality;

/**
 * Writes {@code DIR/report.html} (figures embedded as PNG data URIs, so the one file is the whole
 * report; copies in {@code DIR/figures/}). Each figure is drawn only when the sweep has the points it
 * needs; the phase diagram needs none (theory only).
 *
 * <p>Figures: K(ℓ) at criticality; the data collapse V/(nK²) against ℓ/n for several widths (one
 * chart per universality class); the NTK mean; the NTK fluctuation A/(nΘ²) against ℓ/n; the excess
 * kurtosis; K(ℓ) off criticality; a histogram of the last layer's pre-activations against the
 * Gaussian (networks redrawn from the point's seed with the CPU reference); the tanh (C_b, C_W) phase
 * diagram. Then a consistency table (χ²/N and |z| per observable), the points and their provenance.
 */
public final class HtmlReport {
  /** A figure: file name (without .png), title, caption, PNG bytes. */
  public record Figure(String name, String title, String caption, byte[] png) {}

  /** What was written. */
  public record Written(Path html, List<Figure> figures) {}

  /** Networks redrawn for the histogram (at most). */
  static final int HISTOGRAM_NETWORKS = 1000;

  private HtmlReport() {}

  /** Builds the figures and writes the report into {@code dir}. */
  public static Written write(Path dir, List<JsonNode> records, String version) {
    ReportData data = new ReportData(records);
    List<Figure> figs = figures(data);
    return HtmlPage.write(dir, figs, html(dir, data, records, figs, version));
  }

  static List<Figure> figures(ReportData d) {
    List<Figure> out = new ArrayList<>();
    List<String> acts = d.criticalActivations();
    if (!acts.isEmpty()) {
      out.add(kernel(d, acts));
      for (String a : acts) {
        Figure f = perWidth(d, a, "collapse-" + slug(a), "V_over_nK2",
            "Data collapse, " + a + ": V/(nK²) against ℓ/n", "V/(nK²)", true);
        if (f != null) {
          out.add(f);
        }
      }
      out.add(ntkMean(d, acts));
      for (String a : acts) {
        Figure f = perWidth(d, a, "ntk-fluct-" + slug(a), "A",
            "NTK fluctuations, " + a + ": A/(nΘ²) against ℓ/n", "Cov(Θ̂_ii, Θ̂_kk)/Θ² = A/(nΘ²)", true);
        if (f != null) {
          out.add(f);
        }
      }
      for (String a : acts) {
        for (String o : new String[] {"P", "Q"}) { // only where the points measured the dNTK
          Figure f = perWidth(d, a, "dntk-" + o + "-" + slug(a), o,
              "dNTK, " + a + ": " + o + "/(nΘ²) against ℓ/n", o + "/(nΘ²)", true);
          if (f != null) {
            out.add(f);
          }
        }
      }
      for (String a : acts) {
        Figure f = perWidth(d, a, "kurtosis-" + slug(a), "kurtosis",
            "Excess kurtosis, " + a + ": E[z⁴]/E[z²]² − 3 against ℓ", "excess kurtosis", false);
        if (f != null) {
          out.add(f);
        }
      }
    }
    for (String a : activationsOffCriticality(d)) {
      out.add(offCritical(d, a));
    }
    for (String a : acts) {
      Figure f = histogram(d, a);
      if (f != null) {
        out.add(f);
      }
    }
    out.addAll(ResidualCollapse.figures(d.residual()));
    out.add(phase(d));
    return out;
  }

  // ---- figures -------------------------------------------------------------------------------

  /** The widest, then deepest, then largest-E critical one-input point of an activation. */
  static ReportData.Point best(ReportData d, String act) {
    return d.points().stream().filter(p -> p.critical() && p.inputs() == 1 && p.activation().equals(act))
        .max(Comparator.comparingInt(ReportData.Point::width).thenComparingInt(ReportData.Point::depth)
            .thenComparingLong(ReportData.Point::ensemble)).orElse(null);
  }

  static Figure kernel(ReportData d, List<String> acts) {
    XYChart c = Charts.chart("Kernel K(ℓ) at criticality", "layer ℓ", "K = E[z²]");
    c.getStyler().setYAxisLogarithmic(true);
    // below the plot: inside, it covered the scale-invariant points (constant K at the top)
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    StringBuilder cap = new StringBuilder();
    int i = 0;
    for (String a : acts) {
      ReportData.Point p = best(d, a);
      Series s = series(p, "K", false, false);
      Color col = Charts.color(i++);
      Charts.measured(c, a + " measured (n=" + p.width() + ", E=" + p.ensemble() + ")", s.x, s.y, s.e, col);
      Charts.theory(c, a + " theory", s.x, s.t, col, true);
      cap.append(String.format(Locale.ROOT, "%s: C_b=%s, C_W=%s. ", a, num(p.cb()), num(p.cw())));
    }
    return fig(c, "kernel", "Kernel at criticality", cap + "Scale-invariant activations keep K constant; "
        + "the K*=0 class (tanh) decays like 1/((−a₁)ℓ). Error bars: ± one standard error; lines: theory "
        + "(K∞ + G1/n).");
  }

  /**
   * One chart of a scalar observable for every width at criticality: x = ℓ/n (or ℓ), one series per
   * width (deepest point of that width), theory lines per width.
   */
  static Figure perWidth(ReportData d, String act, String name, String obs, String title, String yLabel,
      boolean overN) {
    Map<Integer, ReportData.Point> byWidth = new TreeMap<>();
    for (ReportData.Point p : d.points()) {
      if (p.critical() && p.inputs() == 1 && p.activation().equals(act)) {
        byWidth.merge(p.width(), p, (x, y) -> y.depth() > x.depth()
            || (y.depth() == x.depth() && y.ensemble() > x.ensemble()) ? y : x);
      }
    }
    if (byWidth.isEmpty() || Double.isNaN(byWidth.values().iterator().next().value(2, obs))) {
      return null;
    }
    XYChart c = Charts.chart(title, overN ? "ℓ/n" : "layer ℓ", yLabel);
    List<Series> all = new ArrayList<>();
    for (ReportData.Point p : byWidth.values()) {
      all.add(series(p, obs, overN, obs.equals("A") || obs.equals("P") || obs.equals("Q")));
    }
    YAxis axis = YAxis.of(all);
    int i = 0;
    for (ReportData.Point p : byWidth.values()) {
      Series s = all.get(i);
      Color col = Charts.color(i++);
      axis.measured(c, "n = " + p.width() + " (E=" + p.ensemble() + ")", "n = " + p.width(), s, col);
      Charts.theory(c, "theory n = " + p.width(), s.x, s.t, col, false);
    }
    axis.apply(c);
    String what = switch (obs) {
      case "V_over_nK2" -> "To leading order in 1/n the four-point vertex grows like ℓ/n (PDLT §5.4), the "
          + "depth-to-width ratio that controls the effective theory." + collapse(byWidth, all);
      case "A" -> "The NTK's fluctuation across networks, normalised by its mean squared, grows like ℓ/n "
          + "(PDLT ch. 8–9).";
      case "P", "Q" -> "The dNTK's correlation with the pre-activations, E[dΘ̂ z] = (1/n)[δδ P + (δδ + δδ) Q],"
          + " normalised by Θ²: like V and A an aspect-ratio effect, growing like ℓ/n (PDLT ch. 11; relu"
          + " with λ_b = 0 has P = 0 and Q/Θ² → ℓ/3, tanh with λ_b = 0 P/Θ² → −ℓ/12; docs/THEORY.md §16).";
      default -> "Excess kurtosis 3V/(nK²) of the pre-activations: the leading non-Gaussianity, zero at "
          + "infinite width, grows with depth and shrinks with width.";
    };
    return fig(c, name, title, what + " Points: measured ± SE; lines: theory for each width (layer 1 is "
        + "omitted where the observable vanishes)." + axis.caption(overN ? "ℓ/n" : "ℓ"));
  }

  /**
   * What the data-collapse figure shows, from its own theory lines: at the largest ℓ/n that every
   * width reaches, whether the widths' predictions agree (within 10%) or how far apart they are.
   */
  static String collapse(Map<Integer, ReportData.Point> byWidth, List<Series> all) {
    if (all.size() < 2) {
      return "";
    }
    java.util.Set<Double> common = null;
    for (Series s : all) {
      java.util.Set<Double> xs = new TreeSet<>(s.x);
      if (common == null) {
        common = xs;
      } else {
        common.retainAll(xs);
      }
    }
    if (common == null || common.isEmpty()) {
      return "";
    }
    double x = ((TreeSet<Double>) common).last();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    StringBuilder vals = new StringBuilder();
    int k = 0;
    for (ReportData.Point p : byWidth.values()) {
      Series s = all.get(k++);
      double t = s.t.get(s.x.indexOf(x));
      min = Math.min(min, t);
      max = Math.max(max, t);
      vals.append(vals.length() == 0 ? "" : ", ").append(num(t)).append(" (n = ").append(p.width()).append(')');
    }
    String at = String.format(Locale.ROOT, "at ℓ/n = %s the theory reads %s", num(x), vals);
    if (max - min <= 0.1 * Math.abs(max)) {
      return " The widths shown fall on one curve against ℓ/n to within 10%: " + at + ".";
    }
    return " The widths would fall on one curve against ℓ/n only as n → ∞ at fixed ℓ/n; at the widths "
        + "shown they do not, and the figure shows them apart: " + at + ", and the points follow their own "
        + "width's line. The gaps are the theory's own terms of order 1/n at fixed ℓ/n (the first layer "
        + "adds no vertex, and finite-depth terms), not a failure of it.";
  }

  static Figure ntkMean(ReportData d, List<String> acts) {
    XYChart c = Charts.chart("NTK mean Θ(ℓ) at criticality", "layer ℓ", "Θ = E[Θ̂_ii]");
    int i = 0;
    for (String a : acts) {
      ReportData.Point p = best(d, a);
      Series s = series(p, "Theta", false, false);
      Color col = Charts.color(i++);
      Charts.measured(c, a + " measured (n=" + p.width() + ")", s.x, s.y, s.e, col);
      Charts.theory(c, a + " theory", s.x, s.t, col, true);
    }
    return fig(c, "ntk-mean", "NTK mean", "The frozen NTK's mean with λ_b = λ_W = 1: it grows linearly in ℓ "
        + "for scale-invariant activations and sub-linearly for the K*=0 class (PDLT ch. 9).");
  }

  static List<String> activationsOffCriticality(ReportData d) {
    List<String> out = new ArrayList<>();
    for (ReportData.Point p : d.points()) {
      if (!p.critical() && p.inputs() == 1 && !out.contains(p.activation())) {
        out.add(p.activation());
      }
    }
    return out;
  }

  static Figure offCritical(ReportData d, String act) {
    XYChart c = Charts.chart("Off criticality, " + act + ": K(ℓ)", "layer ℓ", "K = E[z²]");
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    List<ReportData.Point> ps = new ArrayList<>();
    for (ReportData.Point p : d.points()) {
      if (p.inputs() == 1 && p.activation().equals(act)) {
        ps.add(p);
      }
    }
    // one point per (cb, cw): the deepest
    Map<String, ReportData.Point> byInit = new LinkedHashMap<>();
    ps.sort(Comparator.comparingDouble(ReportData.Point::cb).thenComparingDouble(ReportData.Point::cw));
    for (ReportData.Point p : ps) {
      byInit.merge(num(p.cb()) + "/" + num(p.cw()), p, (x, y) -> y.depth() > x.depth()
          || (y.depth() == x.depth() && y.width() > x.width()) ? y : x);
    }
    int i = 0;
    StringBuilder cap = new StringBuilder();
    for (ReportData.Point p : byInit.values()) {
      Series s = series(p, "K", false, false);
      Color col = Charts.color(i++);
      double[] fp = Criticality.fixedPoint(Activations.parse(act), p.cb(), p.cw());
      String label = "C_b=" + num(p.cb()) + ", C_W=" + num(p.cw()) + (p.critical() ? " (critical)" : "");
      Charts.measured(c, label, s.x, s.y, s.e, col);
      Charts.theory(c, label + " theory", s.x, s.t, col, false);
      cap.append(label).append(": ").append(fixedPointText(Activations.parse(act), p.cb(), fp)).append(". ");
    }
    return fig(c, "off-critical-" + slug(act), "Off criticality: " + act, "Away from the critical "
        + "point the kernel flows exponentially (to zero, to a fixed point, or to infinity) and the signal "
        + "about the input is lost or explodes: " + cap + "Points: measured ± SE; lines: theory.");
  }

  /**
   * χ∥, χ⊥ and the fixed point, as the caption states them. A scale-invariant σ maps K to
   * C_b + χK (χ = χ∥ = χ⊥): its only fixed point is K* = C_b/(1 − χ) when χ < 1; at χ = 1 with
   * C_b = 0 every K is one, and otherwise there is none (no "K* = 1.33" for relu).
   */
  static String fixedPointText(org.rgflow.act.Activation a, double cb, double[] fp) {
    if (a.scaleInvariantSlopes() == null) {
      return String.format(Locale.ROOT, "χ∥ = %.3f, χ⊥ = %.3f at K* = %.3g", fp[1], fp[2], fp[0]);
    }
    double chi = fp[1];
    String head = String.format(Locale.ROOT, "χ∥ = χ⊥ = %.3f (K is multiplied by χ each layer%s)", chi,
        cb == 0 ? "" : ", plus C_b");
    if (Math.abs(chi - 1) < 1e-9) {
      return head + (cb == 0 ? ", every K is a fixed point" : ", no fixed point: K grows by C_b a layer");
    }
    if (chi < 1) {
      return head + String.format(Locale.ROOT, ", attracting fixed point K* = %s", num(cb / (1 - chi)));
    }
    return head + (cb == 0 ? ", its only fixed point K* = 0 repels" : ", no fixed point");
  }

  /** The largest V/(nK²) at which the histogram's O(1/n) density is drawn (it stays ≥ 1 − 6v/8 > 0). */
  static final double NEARLY_GAUSSIAN_MAX_V = 0.5;

  /**
   * The pre-activation histogram at the critical point and layer where the O(1/n) prediction is the
   * thing to look at: the largest theory V/(nK²) up to {@link #NEARLY_GAUSSIAN_MAX_V} (visibly
   * non-Gaussian, still within the expansion); without a theory V, the largest ℓ/n.
   */
  static Figure histogram(ReportData d, String act) {
    ReportData.Point p = null;
    int layer = 0;
    double best = -1;
    for (ReportData.Point q : d.points()) {
      if (!q.critical() || q.inputs() != 1 || !q.activation().equals(act)) {
        continue;
      }
      for (int l = 2; l <= q.depth(); l++) {
        double v = q.theory(l, "V_over_nK2");
        if (Double.isFinite(v) && v <= NEARLY_GAUSSIAN_MAX_V
            && (v > best || (v == best && q.ensemble() > p.ensemble()))) {
          p = q;
          layer = l;
          best = v;
        }
      }
    }
    if (p == null) {
      p = d.points().stream().filter(q -> q.critical() && q.inputs() == 1 && q.activation().equals(act))
          .max(Comparator.comparingDouble(q -> (double) q.depth() / q.width())).orElse(null);
      if (p == null) {
        return null;
      }
      layer = p.depth();
    }
    NetworkSpec spec = p.spec();
    int n = spec.width(layer);
    long networks = Math.min(p.ensemble(), HISTOGRAM_NETWORKS);
    double kTheory = p.theory(layer, "K");
    double k = Double.isFinite(kTheory) && kTheory > 0 ? kTheory : p.value(layer, "K");
    double v = p.theory(layer, "V_over_nK2");
    double sd = Math.sqrt(k);
    int bins = 48;
    double lo = -5;
    double hi = 5;
    double w = (hi - lo) / bins;
    double[] counts = new double[bins];
    long total = 0;
    double m2 = 0;
    double m4 = 0;
    for (long e = 0; e < networks; e++) {
      NetworkSample s = CpuEnsemble.network(spec, p.inputVectors(), p.seed(), e, 0);
      for (int i = 0; i < n; i++) {
        double u = s.z(layer, 0, i) / sd;
        m2 += u * u;
        m4 += u * u * u * u;
        total++;
        int b = (int) Math.floor((u - lo) / w);
        if (b >= 0 && b < bins) {
          counts[b]++;
        }
      }
    }
    m2 /= total;
    m4 /= total;
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      x.add(lo + (b + 0.5) * w);
      y.add(counts[b] > 0 ? counts[b] / (total * w) : Double.NaN);
    }
    List<Double> gx = new ArrayList<>();
    List<Double> gy = new ArrayList<>();
    List<Double> ny = new ArrayList<>();
    for (int i = 0; i <= 200; i++) {
      double u = lo + (hi - lo) * i / 200;
      gx.add(u);
      gy.add(gaussian(u));
      double q = nearlyGaussian(u, v);
      ny.add(q > 0 ? q : Double.NaN);
    }
    XYChart c = Charts.chart(String.format(Locale.ROOT, "Pre-activations at layer %d, %s, n = %d", layer, act, n),
        "z / √K", "density (log scale)");
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setYAxisMin(1e-5);
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    List<Double> zeros = new ArrayList<>();
    y.forEach(t -> zeros.add(0.0));
    Charts.measured(c, String.format(Locale.ROOT, "%d networks × %d neurons", networks, n), x, y, zeros,
        Charts.color(0));
    Charts.theory(c, "Gaussian (infinite width)", gx, gy, Charts.color(1), true);
    boolean drawn = Double.isFinite(v);
    if (drawn) {
      Charts.theory(c, String.format(Locale.ROOT, "nearly-Gaussian at O(1/n), V/(nK²) = %s", num(v)), gx, ny,
          Charts.color(2), true);
    }
    double kurt = m4 / (m2 * m2) - 3;
    String why = best >= 0
        ? String.format(Locale.ROOT, "the layer of the sweep's critical %s points with the largest V/(nK²) "
            + "up to %s, where the 1/n expansion still holds", act, num(NEARLY_GAUSSIAN_MAX_V))
        : "no layer has V/(nK²) small enough for the 1/n expansion: the deepest ℓ/n is shown";
    String density = drawn ? String.format(Locale.ROOT, " The green line is the book's nearly-Gaussian "
        + "distribution of one neuron at O(1/n) (PDLT §4.3): p(u) = φ(u)[1 + (v/8)(u⁴ − 6u² + 3)], u = z/√K, "
        + "with the quartic coupling v = V/(nK²) = %s from the theory's four-point vertex; its excess "
        + "kurtosis is 3v = %s.", num(v), num(3 * v)) : "";
    return fig(c, "histogram-" + slug(act), "Pre-activation distribution: " + act, String.format(Locale.ROOT,
        "z_i at layer ℓ = %d (ℓ/n = %.3g; %s) over %d networks of point %s, redrawn with the CPU reference "
        + "from the point's seed, scaled by the theory's √K (K∞ + G1/n), against the infinite-width "
        + "Gaussian.%s Finite width makes the tails heavier: sample excess kurtosis %.3f; the ensemble "
        + "measured %.3f ± %.3f, theory %.3f.", layer, (double) layer / p.nPrev(layer), why, networks,
        p.id(), density, kurt, p.value(layer, "kurtosis"), p.err(layer, "kurtosis"),
        p.theory(layer, "kurtosis")));
  }

  static double gaussian(double u) {
    return Math.exp(-u * u / 2) / Math.sqrt(2 * Math.PI);
  }

  /**
   * The single-neuron marginal of the nearly-Gaussian distribution at O(1/n), in u = z/√K: the
   * Gaussian times 1 + (v/8)·He₄(u), v = V/(nK²); its second moment is 1 and its excess kurtosis 3v.
   * The Gaussian alone when v is not finite.
   */
  static double nearlyGaussian(double u, double v) {
    if (!Double.isFinite(v)) {
      return gaussian(u);
    }
    double u2 = u * u;
    return gaussian(u) * (1 + v / 8 * (u2 * u2 - 6 * u2 + 3));
  }

  static Figure phase(ReportData d) {
    String act = "tanh";
    PhaseDiagram pd = new PhaseDiagram(Activations.parse(act), 0.15, 0.4, 2.0, 33);
    XYChart c = Charts.chart("Phase diagram of tanh: χ∥ and χ⊥ at the fixed point", "C_b", "C_W");
    double[] perp = {0.8, 0.9, 1.0, 1.1, 1.2};
    double[] par = {0.6, 0.8, 0.9, 0.95};
    int i = 0;
    for (double lv : perp) {
      List<List<Double>> s = pd.contour(1, lv);
      Charts.segments(c, String.format(Locale.ROOT, "χ⊥ = %.2f", lv), s.get(0), s.get(1), Charts.color(i++), false);
    }
    for (double lv : par) {
      List<List<Double>> s = pd.contour(0, lv);
      Charts.segments(c, String.format(Locale.ROOT, "χ∥ = %.2f", lv), s.get(0), s.get(1), Charts.color(i++), true);
    }
    Criticality.Report cr = d.criticality(act);
    if (cr != null && Double.isFinite(cr.cw())) {
      XYSeries s = c.addSeries("critical point (" + num(cr.cb()) + ", " + num(cr.cw()) + ")",
          new double[] {cr.cb()}, new double[] {cr.cw()});
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.DIAMOND);
      s.setMarkerColor(Color.BLACK);
    }
    List<Double> sx = new ArrayList<>();
    List<Double> sy = new ArrayList<>();
    for (ReportData.Point p : d.points()) {
      if (p.activation().equals(act)) {
        sx.add(p.cb());
        sy.add(p.cw());
      }
    }
    if (!sx.isEmpty()) {
      XYSeries s = c.addSeries("sampled in this sweep", sx, sy);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.CROSS);
      s.setMarkerColor(Color.DARK_GRAY);
    }
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    c.getStyler().setXAxisMin(0.0);
    c.getStyler().setXAxisMax(0.15);
    c.getStyler().setYAxisMin(0.4);
    c.getStyler().setYAxisMax(2.0);
    return fig(c, "phase-tanh", "Phase diagram (theory)", "Theory only, on a 33 × 33 grid: χ∥ = C_W∂_K⟨σ²⟩ "
        + "(dashed) and χ⊥ = C_W⟨σ′²⟩ (solid) at the kernel's fixed point K*(C_b, C_W) (PDLT §5.2). "
        + "Criticality needs χ∥ = χ⊥ = 1, which for tanh happens only at the marked point: χ∥ < 1 "
        + "everywhere else, and the χ⊥ = 1 line separates the ordered phase (χ⊥ < 1, inputs become "
        + "indistinguishable) from the chaotic phase (χ⊥ > 1).");
  }

  // ---- data helpers ---------------------------------------------------------------------------

  /** x, measured, SE and theory of one observable over the layers of a point. */
  record Series(List<Double> x, List<Double> y, List<Double> e, List<Double> t) {}

  /**
   * @param overN x = ℓ/n (n the hidden width, layers ≥ 2) instead of ℓ
   * @param ntkNormalised y = A/(n_prev Θ²) (measured with measured Θ, theory with theory Θ)
   */
  static Series series(ReportData.Point p, String obs, boolean overN, boolean ntkNormalised) {
    Series s = new Series(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int l = overN ? 2 : 1; l <= p.depth(); l++) {
      double v = p.value(l, obs);
      double e = p.err(l, obs);
      double t = p.theory(l, obs);
      if (ntkNormalised) {
        double np = p.nPrev(l);
        double th = p.value(l, "Theta");
        double tt = p.theory(l, "Theta");
        v = v / (np * th * th);
        e = e / (np * th * th);
        t = t / (np * tt * tt);
      }
      s.x.add(overN ? (double) l / p.width() : l);
      s.y.add(v);
      s.e.add(e);
      s.t.add(t);
    }
    return s;
  }

  static String slug(String a) {
    return a.replaceAll("[^A-Za-z0-9]+", "_");
  }

  // ---- page -----------------------------------------------------------------------------------

  static String html(Path dir, ReportData d, List<JsonNode> records, List<Figure> figs, String version) {
    StringBuilder h = HtmlPage.open("rgflow report");
    h.append("<p>").append(esc(String.format(Locale.ROOT,
        "%d points (%d ok, %d failed) from %s. Measured values are ensemble means ± one standard error; the "
        + "theory is the book's leading order in 1/n (PDLT, Roberts, Yaida and Hanin), so expect systematic "
        + "deviations of relative size ℓ/n on top of the statistical ones.", records.size(), d.points().size(),
        d.failed().size(), dir.toAbsolutePath().normalize()))).append("</p>\n");
    String missing = notAtCriticality(d);
    if (!missing.isEmpty()) {
      h.append("<p>").append(esc(missing)).append("</p>\n");
    }
    HtmlPage.figures(h, figs);
    consistency(h, records);
    pointsTable(h, d, records, version);
    h.append("<p>Data: <code>results.csv</code> (one row per point × layer × observable) and "
        + "<code>results.jsonl</code> (full records) beside this file; figures also in <code>figures/</code>. "
        + "Written by rgflow ").append(esc(version)).append(".</p>\n");
    return HtmlPage.close(h);
  }

  /**
   * Says which activations have one-input points but none at criticality, so a reader knows why
   * their criticality figures (kernel, data collapse, NTK, kurtosis, histogram) are absent rather
   * than missing them silently; "" when every activation has some.
   */
  static String notAtCriticality(ReportData d) {
    List<String> acts = d.criticalActivations();
    StringBuilder b = new StringBuilder();
    for (String a : activationsOffCriticality(d)) {
      if (acts.contains(a)) {
        continue;
      }
      Criticality.Report cr = d.criticality(a);
      b.append(b.length() == 0 ? "" : " ").append(a).append(": no point at criticality");
      if (cr != null && Double.isFinite(cr.cw())) {
        b.append(" (C_b = ").append(num(cr.cb())).append(", C_W = ").append(num(cr.cw())).append(" for every layer)");
      }
      b.append(", so its criticality figures (kernel, data collapse, NTK, kurtosis, histogram) are not drawn.");
    }
    return b.toString();
  }

  /** χ²/N, max |z| and the share of |z| &gt; 3 per observable: all points, and critical ℓ/n ≤ 0.1. */
  static void consistency(StringBuilder h, List<JsonNode> records) {
    Map<String, double[]> all = new TreeMap<>();
    Map<String, double[]> small = new TreeMap<>();
    ReportData d = new ReportData(records);
    java.util.Set<String> critical = new TreeSet<>();
    d.points().stream().filter(ReportData.Point::critical).forEach(p -> critical.add(p.id()));
    for (Results.Row r : Results.rows(records)) {
      double z = r.num("z");
      if (!Double.isFinite(z)) {
        continue;
      }
      String key = r.get("activation") + "\u0000" + r.get("observable");
      add(all, key, z);
      double lOverN = r.num("layer") / r.num("n_prev");
      if (critical.contains(r.get("point_id")) && lOverN <= 0.1) {
        add(small, key, z);
      }
    }
    h.append("<h2>Consistency</h2>\n<p>z = (measured − theory)/SE for every compared component. If the "
        + "theory were exact, χ²/N ≈ 1 and |z| &gt; 3 in 0.27% of comparisons; deviations that grow with ℓ/n "
        + "are the theory's higher orders in 1/n.</p>\n<table>\n<tr><th>activation</th><th>observable</th>"
        + "<th>N</th><th>χ²/N</th><th>max |z|</th><th>|z|&gt;3</th><th>N (critical, ℓ/n ≤ 0.1)</th>"
        + "<th>χ²/N</th><th>max |z|</th></tr>\n");
    for (Map.Entry<String, double[]> e : all.entrySet()) {
      String[] k = e.getKey().split("\u0000");
      double[] a = e.getValue();
      double[] s = small.get(e.getKey());
      h.append("<tr><td class=\"l\">").append(esc(k[0])).append("</td><td class=\"l\">").append(esc(k[1]))
          .append("</td><td>").append((long) a[0]).append("</td>").append(chiCell(a[1] / a[0]))
          .append(String.format(Locale.ROOT, "<td>%.2f</td><td>%.1f%%</td>", a[2], 100 * a[3] / a[0]));
      if (s == null) {
        h.append("<td>0</td><td></td><td></td>");
      } else {
        h.append("<td>").append((long) s[0]).append("</td>").append(chiCell(s[1] / s[0]))
            .append(String.format(Locale.ROOT, "<td>%.2f</td>", s[2]));
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  private static String chiCell(double chi) {
    return String.format(Locale.ROOT, "<td%s>%.2f</td>", chi > 3 ? " class=\"bad\"" : "", chi);
  }

  private static void add(Map<String, double[]> m, String key, double z) {
    double[] a = m.computeIfAbsent(key, k -> new double[4]);
    a[0]++;
    a[1] += z * z;
    a[2] = Math.max(a[2], Math.abs(z));
    if (Math.abs(z) > 3) {
      a[3]++;
    }
  }

  static void pointsTable(StringBuilder h, ReportData d, List<JsonNode> records, String version) {
    h.append("<h2>Points and provenance</h2>\n<table>\n<tr><th>point</th><th>status</th><th>activation</th>"
        + "<th>C_b</th><th>C_W</th><th>width</th><th>depth</th><th>E</th><th>seed</th><th>backend</th>"
        + "<th>device</th><th>seconds</th><th>rgflow</th><th>git commit</th><th>error</th></tr>\n");
    for (JsonNode r : records) {
      JsonNode f = r.path("flags");
      JsonNode p = r.path("provenance");
      boolean ok = "ok".equals(r.path("status").asText());
      h.append("<tr><td class=\"l\"><code>").append(esc(r.path("point_id").asText())).append("</code></td>")
          .append(ok ? "<td class=\"l\">ok</td>" : "<td class=\"l bad\">failed</td>");
      for (String k : List.of("act", "cb", "cw", "width", "depth", "ensemble", "seed")) {
        h.append("<td class=\"l\">").append(esc(f.path(k).asText())).append("</td>");
      }
      h.append("<td class=\"l\">").append(esc(p.path("backend").asText())).append("</td><td class=\"l\">")
          .append(esc(p.path("device").asText())).append("</td><td>").append(esc(p.path("seconds").asText()))
          .append("</td><td class=\"l\">").append(esc(p.path("rgflow_version").asText()))
          .append("</td><td class=\"l\"><code>").append(esc(shortCommit(p.path("git_commit").asText())))
          .append("</code></td><td class=\"l\">").append(esc(r.path("error").path("message").asText()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static String shortCommit(String c) {
    return c.length() > 12 && c.matches("[0-9a-f]{40}.*") ? c.substring(0, 12) + c.substring(40) : c;
  }

}

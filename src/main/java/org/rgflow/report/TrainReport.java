package org.rgflow.report;

import static org.rgflow.report.HtmlPage.esc;
import static org.rgflow.report.HtmlPage.fig;
import static org.rgflow.report.HtmlPage.num;
import static org.rgflow.report.TrainData.at;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.rgflow.app.TrainOutput;
import org.rgflow.app.TrainRecord;
import org.rgflow.app.TrainScan;
import org.rgflow.io.JsonReport;
import org.rgflow.io.TrainJson;
import org.rgflow.sweep.PointStore;
import org.rgflow.train.PowerFit;

/**
 * The HTML report of an {@code rgflow train} run, built only from the command's record
 * ({@link TrainOutput}; re-made from a saved {@code train.json} through {@link TrainJson#fromJson}): {@code DIR/report.html} (self-contained, figures
 * embedded as PNG data URIs), {@code DIR/figures/*.png} and {@code DIR/train.json} (the record,
 * pretty-printed). The record is either one run or a width scan ({@link TrainData}).
 *
 * <p>Figures, each drawn only when the record has its data: the trained mean and variance per test
 * point against the NTK prediction and the NNGP posterior (the widest run of a scan); with a
 * {@code trajectory}, mean and variance against the training step with the NTK curve; for a scan,
 * |departure| against width (log–log) with the record's power-law fits and a 1/n reference, and the
 * NTK's relative change against width. Tables: every test point (and width) with z-scores, the
 * departure fits, the runs, the specification and provenance, the record's notes.
 */
public final class TrainReport {
  private static final Color GREY = new Color(0x555555);

  private TrainReport() {}

  /** Writes {@code dir/report.html}, {@code dir/figures/*.png} and {@code dir/train.json}. */
  public static HtmlReport.Written write(Path dir, TrainOutput record, String version) {
    TrainData d = new TrainData(record);
    List<HtmlReport.Figure> figs = figures(d);
    PointStore.writeAtomically(dir.resolve("train.json"), JsonReport.write(TrainJson.toJson(record)) + "\n");
    return HtmlPage.write(dir, figs, html(d, figs, version));
  }

  static List<HtmlReport.Figure> figures(TrainData d) {
    List<HtmlReport.Figure> out = new ArrayList<>();
    TrainData.Run main = d.widest();
    if (main != null) {
      add(out, atTestPoints(d, main, false));
      add(out, atTestPoints(d, main, true));
      add(out, vsStep(d, main, false));
      add(out, vsStep(d, main, true));
      add(out, evidenceVsCw(d, main));
    }
    if (d.scan) {
      add(out, departureVsWidth(d));
      add(out, ntkChangeVsWidth(d));
    }
    return out;
  }

  private static void add(List<HtmlReport.Figure> out, HtmlReport.Figure f) {
    if (f != null) {
      out.add(f);
    }
  }

  // ---- figures -------------------------------------------------------------------------------

  /** (a) mean or (b) variance per test point: measured ± SE, NTK and NNGP as level bars. */
  static HtmlReport.Figure atTestPoints(TrainData d, TrainData.Run r, boolean variance) {
    int p = r.points();
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    List<Double> e = new ArrayList<>();
    List<Double> ntk = new ArrayList<>();
    List<Double> nngp = new ArrayList<>();
    for (int b = 0; b < p; b++) {
      x.add((double) b);
      y.add(r.measured(b, variance).value());
      e.add(r.measured(b, variance).err());
      ntk.add(r.ntk(b, variance));
      nngp.add(r.nngp(b, variance));
    }
    String title = variance ? "Trained variance vs infinite-width predictions"
        : "Trained mean vs infinite-width predictions";
    XYChart c = Charts.chart(title, "test point b", variance ? "Var[f(x_b)] over networks" : "E[f(x_b)]");
    Charts.categories(c, "point ");
    c.getStyler().setLegendPosition(LegendPosition.OutsideS);
    Charts.measured(c, String.format(Locale.ROOT, "measured, n = %d, E = %d", r.width(), r.ensemble()), x, y, e,
        Charts.color(0));
    Charts.levels(c, "NTK prediction after " + steps(r) + " steps", x, ntk, Charts.color(1), false);
    Charts.levels(c, "NNGP posterior", x, nngp, Charts.color(2), true);
    if (c.getSeriesMap().isEmpty()) {
      return null;
    }
    boolean noNngp = nngp.stream().noneMatch(Double::isFinite);
    String what = variance
        ? "Variance across networks of the trained output f(x_b) at each test point b (measured: the "
          + "ensemble's unbiased variance, error bars ± 1 SE by the delta method) against the infinite-width "
          + "covariance's diagonal: the NTK / gradient-descent prediction after the same number of steps "
          + "(solid bar) and the NNGP posterior variance (dashed bar). "
        : "Mean over networks of the trained output f(x_b) at each test point b (error bars ± 1 SE) against "
          + "the infinite-width predictions: the NTK / gradient-descent mean after the same number of steps "
          + "(solid bar) and the NNGP posterior mean (dashed bar). ";
    return fig(c, variance ? "variance" : "mean", title, what + runText(d, r)
        + (noNngp ? " NNGP not available in this record (singular train kernel: try --noise)." : ""));
  }

  /** (c) mean or variance at the trajectory's checkpoints, with the NTK curve per test point. */
  static HtmlReport.Figure vsStep(TrainData d, TrainData.Run r, boolean variance) {
    TrainRecord.Trajectory t = r.rec().trajectory();
    if (t == null || t.steps().length == 0) {
      return null;
    }
    double[][] m = variance ? t.var() : t.mean();
    double[][] me = variance ? t.varErr() : t.meanErr();
    double[][] th = variance ? t.ntkVar() : t.ntkMean();
    int p = Math.max(TrainData.columns(m), TrainData.columns(th));
    String title = variance ? "Variance vs training step" : "Mean vs training step";
    XYChart c = Charts.chart(title, "training step t", variance ? "Var[f(x_b)] over networks" : "E[f(x_b)]");
    c.getStyler().setLegendPosition(LegendPosition.OutsideE);
    List<Double> steps = list(t.steps());
    List<Double> ts = list(t.theorySteps());
    for (int b = 0; b < p; b++) {
      List<Double> y = new ArrayList<>();
      List<Double> e = new ArrayList<>();
      for (int k = 0; k < steps.size(); k++) {
        y.add(at(m, k, b));
        e.add(at(me, k, b));
      }
      List<Double> ty = new ArrayList<>();
      for (int k = 0; k < ts.size(); k++) {
        ty.add(at(th, k, b));
      }
      Color col = Charts.color(b);
      Charts.measured(c, "point " + b, steps, y, e, col);
      Charts.theory(c, "point " + b + " NTK", ts, ty, col, false);
    }
    if (c.getSeriesMap().isEmpty()) {
      return null;
    }
    String what = variance
        ? "Variance across networks of the output at each test point b against the gradient-descent step "
          + "t: measured at the checkpoints (points, error bars ± 1 SE) and the NTK prediction of the "
          + "covariance's diagonal at every step (line of the same colour). "
        : "Mean over networks of the output at each test point b against the gradient-descent step t: "
          + "measured at the checkpoints (points, error bars ± 1 SE) and the NTK prediction z̄(t) (line of "
          + "the same colour). ";
    return fig(c, variance ? "variance-vs-step" : "mean-vs-step", title, what + "Checkpoints t = "
        + ints(steps) + ". " + runText(d, r));
  }

  /** NNGP log evidence of the training data against C_W (record key {@code evidence_vs_cw}). */
  static HtmlReport.Figure evidenceVsCw(TrainData d, TrainData.Run r) {
    TrainRecord.EvidenceScan ev = r.rec().evidenceVsCw();
    if (ev == null) {
      return null;
    }
    List<Double> cw = list(ev.cw());
    List<Double> le = list(ev.logEvidence());
    if (cw.size() < 2 || cw.size() != le.size()) {
      return null;
    }
    int best = -1;
    for (int i = 0; i < le.size(); i++) {
      if (Double.isFinite(le.get(i)) && (best < 0 || le.get(i) > le.get(best))) {
        best = i;
      }
    }
    if (best < 0) {
      return null;
    }
    // Far from the peak the evidence falls by thousands; show the 20 nats below the maximum.
    double floor = le.get(best) - 20;
    List<Double> shown = new ArrayList<>();
    for (double v : le) {
      shown.add(v >= floor ? v : Double.NaN);
    }
    XYChart c = Charts.chart("NNGP evidence vs C_W", "C_W (every layer)", "log p(y_A | x_A)");
    Charts.theory(c, "log evidence", cw, shown, Charts.color(0), true);
    String peak = " Its maximum on this grid is at C_W = " + HtmlPage.num(cw.get(best)) + " (log evidence "
        + fmt(le.get(best), 3) + "); values more than 20 below it are not drawn.";
    return fig(c, "evidence-vs-cw", "NNGP evidence vs C_W", "Log evidence of the training targets under the"
        + " infinite-width Bayesian prior (NNGP kernel of the same architecture, C_b, activation and noise"
        + " σ_ε² = " + HtmlPage.num(Double.isFinite(ev.noise()) ? ev.noise() : 0) + ") as C_W varies; theory only. For deep"
        + " networks the book's criticality shows up as a maximum near the critical C_W." + peak + " "
        + runText(d, r));
  }

  /** (d) |departure| against width, log–log, with the record's power-law fits and a 1/n reference. */
  static HtmlReport.Figure departureVsWidth(TrainData d) {
    int p = d.testPoints();
    List<Double> w = widths(d);
    if (distinctPositive(w) < 2 || p == 0) {
      return null;
    }
    double nMin = w.stream().filter(v -> v > 0).min(Double::compare).orElseThrow();
    double nMax = Collections.max(w);
    List<List<Double>> ys = new ArrayList<>();
    List<List<Double>> es = new ArrayList<>();
    int dropped = 0;
    int nearZero = 0;
    List<Double> positives = new ArrayList<>();
    for (int b = 0; b < p; b++) {
      List<Double> y = new ArrayList<>();
      List<Double> e = new ArrayList<>();
      for (TrainData.Run r : d.runs) {
        double v = b < r.points() ? Math.abs(r.departure(b).value()) : Double.NaN;
        double se = b < r.points() ? r.departure(b).err() : Double.NaN;
        if (!(v > 0) || !Double.isFinite(v)) {
          dropped++;
        } else if (span(v, se, positives)) {
          nearZero++;
        }
        y.add(v);
        e.add(se);
      }
      ys.add(y);
      es.add(e);
    }
    if (positives.isEmpty()) {
      return null;
    }
    // the 1/n reference: through the largest |departure| at the smallest width
    double ref = Double.NaN;
    for (int b = 0; b < p; b++) {
      for (int i = 0; i < w.size(); i++) {
        double v = ys.get(b).get(i);
        if (w.get(i) == nMin && v > 0 && Double.isFinite(v) && (Double.isNaN(ref) || v > ref)) {
          ref = v;
        }
      }
    }
    List<double[]> lines = new ArrayList<>();
    for (int b = 0; b < p; b++) {
      TrainScan.PowerLaw f = d.fit(b);
      if (f != null && Double.isFinite(f.slope()) && f.amplitude() > 0 && Double.isFinite(f.amplitude())) {
        double lo = f.amplitude() * Math.pow(nMin, f.slope());
        double hi = f.amplitude() * Math.pow(nMax, f.slope());
        if (lo > 0 && hi > 0 && Double.isFinite(lo) && Double.isFinite(hi)) {
          lines.add(new double[] {b, lo, hi});
          positives.add(Math.min(lo, hi));
        }
      }
    }
    if (Double.isFinite(ref)) {
      positives.add(ref * nMin / nMax);
    }
    double floor = floor(positives, nearZero > 0);
    XYChart c = Charts.chart("Departure vs width", "hidden width n", "|departure| = |E[f] − NTK map|");
    logAxes(c, nMin, nMax, floor, positives);
    c.getStyler().setLegendPosition(p <= 4 ? LegendPosition.OutsideS
        : LegendPosition.OutsideE);
    for (int b = 0; b < p; b++) {
      TrainScan.PowerLaw f = d.fit(b);
      String label = f != null && Double.isFinite(f.slope())
          ? String.format(Locale.ROOT, "point %d: slope %s ± %s", b, fmt(f.slope(), 2), fmt(f.slopeErr(), 2))
          : "point " + b + ": no fit";
      Charts.measuredLog(c, label, w, ys.get(b), es.get(b), Charts.color(b), floor);
    }
    for (double[] l : lines) {
      int b = (int) l[0];
      Charts.theory(c, "fit point " + b, List.of(nMin, nMax), List.of(l[1], l[2]), Charts.color(b), false);
    }
    if (Double.isFinite(ref)) {
      Charts.segments(c, "∝ 1/n", List.of(nMin, nMax), List.of(ref, ref * nMin / nMax), GREY, true);
    }
    String notes = "";
    if (nearZero > 0) {
      notes += " " + nearZero + " value(s) are within 1 SE of zero: their error bars are cut at the bottom "
          + "edge of the log axis.";
    }
    if (dropped > 0) {
      notes += " " + dropped + " value(s) missing or exactly zero are not drawn (no logarithm).";
    }
    return fig(c, "departure-vs-width", "Departure vs width", "|mean departure| of the trained output from "
        + "the infinite-width kernel map applied to the same networks' initial outputs (mean departure = "
        + "measured mean − NTK mean, with only finite-width noise), per test point against the hidden width, "
        + "log–log; error bars ± 1 SE. Lines: the record's power-law fits A·n^slope (weighted least squares of "
        + "log|departure| on log n); dashed: ∝ 1/n through the largest |departure| at the smallest width, "
        + "the slope the 1/n expansion predicts. The sign of each departure is in the table below." + notes
        + " " + scanText(d));
  }

  /** (e) The NTK's relative change over training against width, log–log. */
  static HtmlReport.Figure ntkChangeVsWidth(TrainData d) {
    List<Double> w = widths(d);
    List<Double> y = new ArrayList<>();
    List<Double> e = new ArrayList<>();
    List<Double> positives = new ArrayList<>();
    boolean nearZero = false;
    List<double[]> fitRows = new ArrayList<>();
    for (int i = 0; i < d.runs.size(); i++) {
      TrainRecord.Stat nc = d.runs.get(i).rec().ntkChange().relativeChange();
      double v = nc.value();
      double se = nc.err();
      y.add(v);
      e.add(se);
      if (v > 0 && Double.isFinite(v) && w.get(i) > 0) {
        nearZero |= span(v, se, positives);
        if (se > 0 && Double.isFinite(se)) {
          fitRows.add(new double[] {w.get(i), v, se});
        }
      }
    }
    if (distinctPositive(w) < 2 || positives.size() < 2) {
      return null;
    }
    double nMin = w.stream().filter(v -> v > 0).min(Double::compare).orElseThrow();
    double nMax = Collections.max(w);
    PowerFit fit = null;
    if (fitRows.size() >= 3) {
      double[][] cols = new double[3][fitRows.size()];
      for (int i = 0; i < fitRows.size(); i++) {
        for (int j = 0; j < 3; j++) {
          cols[j][i] = fitRows.get(i)[j];
        }
      }
      fit = PowerFit.fit(cols[0], cols[1], cols[2]);
      if (!Double.isFinite(fit.slope()) || !(fit.amplitude() > 0)) {
        fit = null;
      }
    }
    double ref = Double.NaN;
    for (int i = 0; i < w.size(); i++) {
      if (w.get(i) == nMin && y.get(i) > 0 && Double.isFinite(y.get(i))) {
        ref = y.get(i);
      }
    }
    if (fit != null) {
      positives.add(fit.amplitude() * Math.pow(nMin, fit.slope()));
      positives.add(fit.amplitude() * Math.pow(nMax, fit.slope()));
    }
    if (Double.isFinite(ref)) {
      positives.add(ref * nMin / nMax);
    }
    double floor = floor(positives, nearZero);
    XYChart c = Charts.chart("NTK relative change vs width", "hidden width n", "‖Θ̂_T − Θ̂_0‖_F / ‖Θ̂_0‖_F");
    logAxes(c, nMin, nMax, floor, positives);
    c.getStyler().setLegendPosition(LegendPosition.OutsideS);
    String label = fit == null ? "measured"
        : String.format(Locale.ROOT, "measured: slope %s ± %s", fmt(fit.slope(), 2), fmt(fit.slopeErr(), 2));
    Charts.measuredLog(c, label, w, y, e, Charts.color(0), floor);
    if (fit != null) {
      Charts.theory(c, "power-law fit", List.of(nMin, nMax), List.of(fit.amplitude() * Math.pow(nMin, fit.slope()),
          fit.amplitude() * Math.pow(nMax, fit.slope())), Charts.color(0), false);
    }
    if (Double.isFinite(ref)) {
      Charts.segments(c, "∝ 1/n", List.of(nMin, nMax), List.of(ref, ref * nMin / nMax), GREY, true);
    }
    return fig(c, "ntk-change-vs-width", "NTK relative change vs width", "Relative change of the empirical NTK "
        + "on the training points over training, ‖Θ̂_T − Θ̂_0‖_F/‖Θ̂_0‖_F averaged over networks, against the "
        + "hidden width, log–log; error bars ± 1 SE. The NTK is frozen at infinite width; its change is a "
        + "finite-width effect. "
        + (fit == null ? "" : String.format(Locale.ROOT, "Line: weighted power-law fit over %d widths (χ² %s). ",
            fit.points(), fmt(fit.chi2(), 2)))
        + (Double.isFinite(ref) ? "Dashed: ∝ 1/n through the smallest width. " : "")
        + (nearZero ? "Error bars that reach zero are cut at the bottom edge. " : "") + scanText(d));
  }

  /** The bottom of a log axis: below every value, with room for cut error bars. */
  private static double floor(List<Double> positives, boolean cut) {
    double lo = Double.POSITIVE_INFINITY;
    for (double v : positives) {
      if (v > 0 && Double.isFinite(v)) {
        lo = Math.min(lo, v);
      }
    }
    return lo / (cut ? 3 : 1.5);
  }

  /**
   * Adds a positive value v and its error bar's ends (where drawn) to the values a log axis must
   * show; true when the bar reaches zero (and will be cut at the axis' bottom).
   */
  private static boolean span(double v, double se, List<Double> positives) {
    positives.add(v);
    if (se > 0 && Double.isFinite(se)) {
      positives.add(v + se);
    }
    if (se >= v) {
      return true;
    }
    if (se > 0) {
      positives.add(v - se);
    }
    return false;
  }

  /** Both axes logarithmic, the y axis from {@code floor} to above every value. */
  private static void logAxes(XYChart c, double nMin, double nMax, double floor, List<Double> positives) {
    double hi = floor;
    for (double v : positives) {
      if (Double.isFinite(v)) {
        hi = Math.max(hi, v);
      }
    }
    Charts.logLog(c, nMax / nMin, hi / floor);
    c.getStyler().setYAxisMin(floor);
  }

  private static List<Double> widths(TrainData d) {
    List<Double> w = new ArrayList<>();
    d.runs.forEach(r -> w.add((double) r.width()));
    return w;
  }

  private static long distinctPositive(List<Double> w) {
    return w.stream().filter(v -> v > 0).distinct().count();
  }

  private static List<Double> list(double[] v) {
    List<Double> out = new ArrayList<>();
    for (double x : v) {
      out.add(x);
    }
    return out;
  }

  private static List<Double> list(long[] v) {
    List<Double> out = new ArrayList<>();
    for (long x : v) {
      out.add((double) x);
    }
    return out;
  }

  private static String ints(List<Double> v) {
    List<String> s = new ArrayList<>();
    v.forEach(x -> s.add(num(x)));
    return String.join(", ", s);
  }

  // ---- descriptions -------------------------------------------------------------------------

  private static String steps(TrainData.Run r) {
    return TrainData.text(r.spec().steps());
  }

  /** One sentence on a run: activation, architecture, initialisation, E, steps, η, data. */
  static String runText(TrainData d, TrainData.Run r) {
    TrainRecord.Spec s = r.spec();
    String arch = architecture(s.widths());
    return String.format(Locale.ROOT, "%s%s, widths %s (n = %d), C_b = %s, C_W = %s; E = %d networks, %s "
        + "steps of η = %s; data %s.", d.scan ? "Widest run of the scan: " : "",
        s.activation(), arch, r.width(), TrainData.text(s.cb()), TrainData.text(s.cw()), r.ensemble(),
        steps(r), TrainData.text(s.eta()), s.data());
  }

  /** The scan in one sentence: widths, E and steps of each. */
  static String scanText(TrainData d) {
    List<String> w = new ArrayList<>();
    d.runs.forEach(r -> w.add(String.valueOf(r.width())));
    return "Widths n = " + String.join(", ", w) + "; E = " + String.join(", ", d.distinct(r -> r.spec().ensemble()))
        + " networks per width, " + String.join(", ", d.distinct(r -> r.spec().steps())) + " steps; activation "
        + String.join(", ", d.distinct(r -> r.spec().activation())) + ", C_b = "
        + String.join(", ", d.distinct(r -> r.spec().cb())) + ", C_W = "
        + String.join(", ", d.distinct(r -> r.spec().cw())) + ".";
  }

  private static String architecture(int[] widths) {
    List<String> s = new ArrayList<>();
    for (int n : widths) {
      s.add(String.valueOf(n));
    }
    return s.isEmpty() ? "?" : String.join("-", s);
  }

  // ---- page -----------------------------------------------------------------------------------

  static String html(TrainData d, List<HtmlReport.Figure> figs, String version) {
    StringBuilder h = HtmlPage.open(d.scan ? "rgflow train: width scan" : "rgflow train");
    TrainData.Run main = d.widest();
    h.append("<p>").append(esc((d.scan ? scanText(d) + " " : "") + (main == null ? "The record holds no run."
        : "Networks trained by full-batch gradient descent on the squared loss; measured values are ensemble "
        + "means ± one standard error over E networks; the predictions are infinite-width: the NTK / "
        + "gradient-descent prediction after the same number of steps and the NNGP posterior (PDLT ch. 10). "
        + "z = (measured − NTK)/SE. " + runText(d, main)))).append("</p>\n");
    HtmlPage.figures(h, figs);
    pointsTable(h, d);
    if (d.scan) {
      fitTable(h, d);
      seriesTable(h, d);
    }
    runsTable(h, d);
    specTable(h, d, version);
    notes(h, d);
    h.append("<p>Data: <code>train.json</code> (the command's JSON record) beside this file; figures also in "
        + "<code>figures/</code>. Written by rgflow ").append(esc(version)).append(".</p>\n");
    return HtmlPage.close(h);
  }

  static void pointsTable(StringBuilder h, TrainData d) {
    h.append("<h2>Test points</h2>\n<table>\n<tr>").append(d.scan ? "<th>width</th>" : "")
        .append("<th>point</th><th>x</th><th>mean ± SE</th><th>NTK</th><th>z</th><th>NNGP</th>"
            + "<th>var ± SE</th><th>NTK var</th><th>z</th><th>NNGP var</th><th>departure ± SE</th>"
            + "<th>departure/SE</th></tr>\n");
    for (TrainData.Run r : d.runs) {
      for (int b = 0; b < r.points(); b++) {
        h.append("<tr>");
        if (d.scan) {
          h.append("<td>").append(r.width()).append("</td>");
        }
        double dep = r.departure(b).value();
        double depE = r.departure(b).err();
        h.append("<td>").append(b).append("</td><td class=\"l\">")
            .append(esc(coordinates(r.rec().points().get(b).x()))).append("</td>");
        compare(h, r, b, false);
        compare(h, r, b, true);
        h.append("<td>").append(pm(dep, depE)).append("</td><td>").append(fmt(dep / depE, 2)).append("</td></tr>\n");
      }
    }
    h.append("</table>\n");
  }

  private static String coordinates(double[] x) {
    List<String> s = new ArrayList<>();
    for (double v : x) {
      s.add(num(v));
    }
    return String.join(", ", s);
  }

  /** Cells: measured ± SE, NTK, z (red beyond 3), NNGP. */
  private static void compare(StringBuilder h, TrainData.Run r, int b, boolean variance) {
    double v = r.measured(b, variance).value();
    double e = r.measured(b, variance).err();
    double t = r.ntk(b, variance);
    double z = (v - t) / e;
    h.append("<td>").append(pm(v, e)).append("</td><td>").append(fmt5(t)).append("</td><td")
        .append(Math.abs(z) > 3 ? " class=\"bad\"" : "").append(">").append(fmt(z, 2)).append("</td><td>")
        .append(fmt5(r.nngp(b, variance))).append("</td>");
  }

  static void fitTable(StringBuilder h, TrainData d) {
    h.append("<h2>Departure fits</h2>\n<p>|departure| = A·n^slope per test point, from the record "
        + "(<code>scan.departure_fit</code>); the 1/n expansion predicts slope −1. (slope + 1)/err is the "
        + "slope's distance from −1 in standard errors.</p>\n<table>\n<tr><th>point</th><th>slope ± err</th>"
        + "<th>(slope + 1)/err</th><th>A</th><th>χ²</th><th>widths</th><th>χ²/dof</th></tr>\n");
    for (int b = 0; b < d.testPoints(); b++) {
      TrainScan.PowerLaw f = d.fit(b);
      h.append("<tr><td>").append(b).append("</td>");
      if (f == null) {
        h.append("<td class=\"l\" colspan=\"6\">no fit (a departure that changes sign, or too few widths)</td>");
      } else {
        int dof = f.points() - 2;
        h.append("<td>").append(fmt(f.slope(), 3)).append(" ± ").append(fmt(f.slopeErr(), 3)).append("</td><td>")
            .append(fmt((f.slope() + 1) / f.slopeErr(), 2)).append("</td><td>").append(fmt5(f.amplitude()))
            .append("</td><td>").append(fmt(f.chi2(), 2)).append("</td><td>").append(f.points()).append("</td><td>")
            .append(dof > 0 ? fmt(f.chi2() / dof, 2) : "—").append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  /** The record's two-term fits of the departure (a/n + b/n² and a/√n + b/n) per test point. */
  static void seriesTable(StringBuilder h, TrainData d) {
    List<List<TrainScan.Series>> sf = d.series;
    if (sf.isEmpty()) {
      return;
    }
    h.append("<h2>Which expansion?</h2>\n<p>Weighted least squares of the departure D(n) with two fixed"
        + " powers of n (<code>scan.departure_series_fit</code>): the 1/n expansion of smooth activations"
        + " (a/n + b/n²) and an expansion that starts at n^−1/2 (a/√n + b/n, ReLU's kink; docs/TRAINING.md)."
        + " p is P(χ² ≥ observed) for the model.</p>\n<table>\n<tr><th>point</th><th>model</th><th>a</th>"
        + "<th>b</th><th>χ²</th><th>dof</th><th>p</th></tr>\n");
    for (int b = 0; b < sf.size(); b++) {
      for (TrainScan.Series m : sf.get(b)) {
        h.append("<tr><td>").append(b).append("</td><td class=\"l\">").append(HtmlPage.esc(m.model()))
            .append("</td><td>").append(pm(m.a(), m.aErr())).append("</td><td>").append(pm(m.b(), m.bErr()))
            .append("</td><td>").append(fmt(m.chi2(), 2)).append("</td><td>").append(m.dof()).append("</td><td>")
            .append(String.format(java.util.Locale.ROOT, "%.3g", m.pValue())).append("</td></tr>\n");
      }
    }
    h.append("</table>\n");
  }

  static void runsTable(StringBuilder h, TrainData d) {
    h.append("<h2>Runs</h2>\n<table>\n<tr><th>width</th><th>E</th><th>seed</th><th>η</th><th>steps</th>"
        + "<th>steps (mean)</th><th>final loss ± SE</th><th>NTK relative change ± SE</th><th>log evidence</th>"
        + "<th>seconds</th><th>networks/s</th></tr>\n");
    for (TrainData.Run r : d.runs) {
      TrainRecord n = r.rec();
      TrainRecord.Spec s = r.spec();
      h.append("<tr><td>").append(r.width()).append("</td><td>").append(r.ensemble()).append("</td><td>")
          .append(esc(TrainData.text(s.seed()))).append("</td><td>").append(fmt5(s.eta()))
          .append("</td><td>").append(esc(steps(r))).append("</td><td>")
          .append(fmt5(n.training().stepsMean())).append("</td><td>")
          .append(pm(n.training().loss().value(), n.training().loss().err()))
          .append("</td><td>").append(pm(n.ntkChange().relativeChange().value(),
              n.ntkChange().relativeChange().err()))
          .append("</td><td>").append(fmt5(n.logEvidence())).append("</td><td>")
          .append(fmt(n.timing().seconds(), 3)).append("</td><td>")
          .append(fmt(n.timing().networksPerSecond(), 1)).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  static void specTable(StringBuilder h, TrainData d, String version) {
    h.append("<h2>Specification and provenance</h2>\n<table>\n");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"activation", join(d.distinct(r -> r.spec().activation()))});
    rows.add(new String[] {"n0 (input dimension)", join(d.distinct(r -> r.spec().n0()))});
    List<String> arch = new ArrayList<>();
    d.runs.forEach(r -> {
      String a = architecture(r.spec().widths());
      if (!arch.contains(a)) {
        arch.add(a);
      }
    });
    rows.add(new String[] {"widths (hidden … output)", String.join("; ", arch)});
    rows.add(new String[] {"C_b", join(d.distinct(r -> r.spec().cb()))});
    rows.add(new String[] {"C_W", join(d.distinct(r -> r.spec().cw()))});
    rows.add(new String[] {"λ_b", join(d.distinct(r -> r.spec().lambdaB()))});
    rows.add(new String[] {"λ_W", join(d.distinct(r -> r.spec().lambdaW()))});
    rows.add(new String[] {"E (networks)", join(d.distinct(r -> r.spec().ensemble()))});
    rows.add(new String[] {"seed", join(d.distinct(r -> r.spec().seed()))});
    rows.add(new String[] {"η (learning rate)", join(d.distinct(r -> r.spec().eta()))});
    rows.add(new String[] {"steps", join(d.distinct(r -> r.spec().steps()))});
    rows.add(new String[] {"tol", join(d.distinct(r -> r.spec().tol()))});
    rows.add(new String[] {"noise σ_ε²", join(d.distinct(r -> r.spec().noise()))});
    rows.add(new String[] {"data", join(d.distinct(r -> r.spec().data()))});
    rows.add(new String[] {"train points", join(d.distinct(r -> r.spec().trainPoints()))});
    rows.add(new String[] {"test points", join(d.distinct(r -> r.spec().testPoints()))});
    rows.add(new String[] {"backend", join(d.distinct(r -> r.rec().backend()))});
    rows.add(new String[] {"device", join(d.distinct(r -> r.rec().device()))});
    String rv = d.record.version();
    Set<String> runVersions = d.distinct(r -> r.rec().version());
    if (!rv.isEmpty()) {
      runVersions.add(rv);
    }
    rows.add(new String[] {"rgflow_version (record)", join(runVersions)});
    rows.add(new String[] {"report written by", "rgflow " + version});
    for (String[] row : rows) {
      h.append("<tr><th class=\"l\">").append(esc(row[0])).append("</th><td class=\"l\">").append(esc(row[1]))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  static void notes(StringBuilder h, TrainData d) {
    List<String> all = new ArrayList<>();
    for (TrainData.Run r : d.runs) {
      for (String n : r.rec().notes()) {
        if (!all.contains(n)) {
          all.add(n);
        }
      }
    }
    if (all.isEmpty()) {
      return;
    }
    h.append("<h2>Notes</h2>\n<ul>\n");
    for (String s : all) {
      h.append("<li>").append(esc(s)).append("</li>\n");
    }
    h.append("</ul>\n");
  }

  // ---- numbers ----------------------------------------------------------------------------------

  private static String join(Set<String> s) {
    return s.isEmpty() ? "—" : String.join(", ", s);
  }

  /** value ± SE, the SE to two significant digits and the value to the same decimal place. */
  static String pm(double v, double e) {
    if (!Double.isFinite(v)) {
      return "—";
    }
    if (!(e > 0) || !Double.isFinite(e)) {
      return fmt5(v);
    }
    int dec = 1 - (int) Math.floor(Math.log10(e));
    if (dec < 0 || dec > 9 || Math.abs(v) >= 1e7) {
      return String.format(Locale.ROOT, "%.4g ± %.2g", v, e);
    }
    return String.format(Locale.ROOT, "%." + dec + "f ± %." + dec + "f", v, e);
  }

  static String fmt(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "—";
  }

  static String fmt5(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.5g", v) : "—";
  }
}

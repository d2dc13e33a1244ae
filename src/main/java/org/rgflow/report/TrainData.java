package org.rgflow.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.rgflow.app.TrainOutput;
import org.rgflow.app.TrainRecord;
import org.rgflow.app.TrainScan;

/**
 * A {@code train} record as {@link TrainReport} reads it: one run, or the runs of a width scan with
 * their departure fits. Missing numbers are NaN (a record read from an older or hand-made file), and
 * the figures and tables drop or blank NaN.
 */
final class TrainData {
  /** One training run and its hidden width (the scan's width, else its n₁). */
  record Run(TrainRecord rec, int width) {
    TrainRecord.Spec spec() {
      return rec.spec();
    }

    /** Test points. */
    int points() {
      return rec.points().size();
    }

    /** The measured mean or variance at test point b. */
    TrainRecord.Stat measured(int b, boolean variance) {
      TrainRecord.Point p = rec.points().get(b);
      return variance ? p.var() : p.mean();
    }

    /** The NTK prediction of the mean or variance at test point b. */
    double ntk(int b, boolean variance) {
      TrainRecord.Prediction t = rec.points().get(b).ntk();
      return variance ? t.var() : t.mean();
    }

    /** The NNGP posterior mean or variance at test point b. */
    double nngp(int b, boolean variance) {
      TrainRecord.Prediction t = rec.points().get(b).nngp();
      return variance ? t.var() : t.mean();
    }

    TrainRecord.Stat departure(int b) {
      return rec.points().get(b).departure();
    }

    long ensemble() {
      return rec.spec().ensemble();
    }
  }

  final TrainOutput record;
  final boolean scan;
  final List<Run> runs = new ArrayList<>();
  /** Index = test point; null where the record has no fit. */
  final List<TrainScan.PowerLaw> fits;
  /** Index = test point; empty for a single run. */
  final List<List<TrainScan.Series>> series;

  TrainData(TrainOutput record) {
    this.record = record;
    if (record instanceof TrainScan s) {
      scan = true;
      for (int i = 0; i < s.runs().size(); i++) {
        int w = i < s.widths().length ? s.widths()[i] : s.runs().get(i).width();
        runs.add(new Run(s.runs().get(i), w));
      }
      fits = s.departureFit();
      series = s.departureSeriesFit();
    } else {
      scan = false;
      TrainRecord r = (TrainRecord) record;
      runs.add(new Run(r, r.width()));
      fits = List.of();
      series = List.of();
    }
  }

  /** The run with the largest width (the last of equals), or null when there is none. */
  Run widest() {
    Run best = null;
    for (Run r : runs) {
      if (best == null || r.width() >= best.width()) {
        best = r;
      }
    }
    return best;
  }

  /** The most test points of any run. */
  int testPoints() {
    int p = 0;
    for (Run r : runs) {
      p = Math.max(p, r.points());
    }
    return p;
  }

  /** The fit of test point b, or null. */
  TrainScan.PowerLaw fit(int b) {
    return b < fits.size() ? fits.get(b) : null;
  }

  /** The distinct texts ({@link #text}) of a value over the runs, in order. */
  Set<String> distinct(Function<Run, Object> value) {
    Set<String> out = new LinkedHashSet<>();
    for (Run r : runs) {
      String t = text(value.apply(r));
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * A value as one line of text: integers exactly, other numbers to six significant digits, an array
   * of equal values as the one value, other arrays as "a, b, c"; "" when missing.
   */
  static String text(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Integer || v instanceof Long) {
      return v.toString();
    }
    if (v instanceof Double d) {
      return Double.isFinite(d) ? new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", d))
          .stripTrailingZeros().toPlainString() : "—";
    }
    List<String> parts = new ArrayList<>();
    if (v instanceof double[] a) {
      for (double x : a) {
        parts.add(text(x));
      }
    } else if (v instanceof int[] a) {
      for (int x : a) {
        parts.add(text(x));
      }
    } else {
      return v.toString();
    }
    if (!parts.isEmpty() && parts.stream().distinct().count() == 1) {
      return parts.get(0);
    }
    return String.join(", ", parts);
  }

  /** {@code m[k][b]}, NaN where missing. */
  static double at(double[][] m, int k, int b) {
    return k < m.length && b < m[k].length ? m[k][b] : Double.NaN;
  }

  /** The longest row. */
  static int columns(double[][] m) {
    int c = 0;
    for (double[] row : m) {
      c = Math.max(c, row.length);
    }
    return c;
  }
}

package org.rgflow.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The JSON record of {@code rgflow train}, read for {@link TrainReport}: either one run (top level
 * {@code spec}, {@code points}, …, optionally {@code trajectory}) or a width scan (top level
 * {@code scan}: {@code widths}, {@code runs} (one single-run record per width, same order) and
 * {@code departure_fit} (one entry per test point, null where no fit was possible)).
 *
 * <p>Every number goes through {@link #num}: a missing key, JSON null or anything not a number is
 * NaN, and the figures and tables drop or blank NaN.
 */
final class TrainData {
  /** One training run: its record and hidden width (the scan's width, else {@code spec.widths[0]}). */
  record Run(JsonNode node, int width) {
    JsonNode spec() {
      return node.path("spec");
    }

    /** Test points in {@code points}. */
    int points() {
      JsonNode p = node.path("points");
      return p.isArray() ? p.size() : 0;
    }

    /** {@code points[b].key}. */
    double point(int b, String key) {
      return num(node.path("points").path(b).path(key));
    }

    /** {@code points[b].theory.kind.key}, kind "ntk" or "nngp". */
    double theory(int b, String kind, String key) {
      return num(node.path("points").path(b).path("theory").path(kind).path(key));
    }

    long ensemble() {
      return spec().path("ensemble").asLong(0);
    }

    /** The {@code trajectory} object, or null when the record has none. */
    JsonNode trajectory() {
      JsonNode t = node.path("trajectory");
      return t.isObject() && t.path("steps").isArray() && t.path("steps").size() > 0 ? t : null;
    }
  }

  /** One entry of {@code scan.departure_fit}. */
  record Fit(int testPoint, double slope, double slopeErr, double amplitude, double chi2, int points) {}

  final JsonNode record;
  final boolean scan;
  final List<Run> runs = new ArrayList<>();
  /** Index = test point; null where the record has no fit. */
  final List<Fit> fits = new ArrayList<>();

  TrainData(JsonNode record) {
    this.record = record;
    JsonNode s = record.path("scan");
    scan = s.isObject();
    if (scan) {
      JsonNode rs = s.path("runs");
      for (int i = 0; i < rs.size(); i++) {
        if (rs.get(i).isObject()) {
          double w = num(s.path("widths").path(i));
          runs.add(new Run(rs.get(i), Double.isFinite(w) ? (int) w : specWidth(rs.get(i))));
        }
      }
      JsonNode fs = s.path("departure_fit");
      for (int i = 0; i < fs.size(); i++) {
        JsonNode f = fs.get(i);
        if (!f.isObject()) {
          continue;
        }
        int b = f.path("test_point").isNumber() ? f.path("test_point").asInt() : i;
        if (b < 0 || b > 100_000) {
          continue;
        }
        while (fits.size() <= b) {
          fits.add(null);
        }
        fits.set(b, new Fit(b, num(f.path("slope")), num(f.path("slope_err")), num(f.path("amplitude")),
            num(f.path("chi2")), f.path("points").asInt(0)));
      }
    } else {
      runs.add(new Run(record, specWidth(record)));
    }
  }

  private static int specWidth(JsonNode r) {
    return r.path("spec").path("widths").path(0).asInt(0);
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
  Fit fit(int b) {
    return b < fits.size() ? fits.get(b) : null;
  }

  /** The distinct texts of {@code path} (keys from the run's record) over the runs, in order. */
  Set<String> distinct(String... path) {
    Set<String> out = new LinkedHashSet<>();
    for (Run r : runs) {
      JsonNode n = r.node();
      for (String k : path) {
        n = n.path(k);
      }
      String t = text(n);
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * A value as one line of text: integers exactly, other numbers to six significant digits, an array of equal values as the one value, other
   * arrays as "a, b, c"; "" when missing.
   */
  static String text(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return "";
    }
    if (n.isIntegralNumber()) {
      return n.asText();
    }
    if (n.isNumber()) {
      double v = n.asDouble();
      return Double.isFinite(v) ? new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", v))
          .stripTrailingZeros().toPlainString() : "—";
    }
    if (n.isArray()) {
      List<String> parts = new ArrayList<>();
      for (JsonNode e : n) {
        parts.add(e.isNull() ? "—" : text(e));
      }
      if (!parts.isEmpty() && parts.stream().distinct().count() == 1) {
        return parts.get(0);
      }
      return String.join(", ", parts);
    }
    return n.isValueNode() ? n.asText() : n.toString();
  }

  /** A JSON number as a double; NaN for null, missing or non-numeric nodes. */
  static double num(JsonNode n) {
    if (n == null || !n.isNumber()) {
      if (n != null && n.isTextual()) {
        try {
          return Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
      }
      return Double.NaN;
    }
    return n.asDouble();
  }

  /** {@code arr[k][b]} of a nested array node (NaN where missing). */
  static double at(JsonNode arr, int k, int b) {
    return num(arr.path(k).path(b));
  }

  /** The longest row of a nested array node. */
  static int columns(JsonNode arr) {
    int c = 0;
    for (JsonNode row : arr) {
      c = Math.max(c, row.isArray() ? row.size() : 0);
    }
    return c;
  }
}

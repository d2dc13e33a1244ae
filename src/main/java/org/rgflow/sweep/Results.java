package org.rgflow.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rgflow.core.Obs;
import org.rgflow.io.Combine;

/**
 * The aggregate outputs of a sweep, regenerated from the point files:
 * <ul>
 *   <li>{@code results.jsonl}: one full point record per line (plan order, then any other points).
 *   <li>{@code results.csv}: tidy, one row per point × layer × observable × component, with
 *       {@code value}, {@code se} (standard error), {@code theory} and {@code z}; a failed point is one
 *       row with its {@code error}. Ready for {@code pandas.read_csv} or R's {@code read.csv}.
 * </ul>
 */
public final class Results {
  /** The CSV header. */
  public static final List<String> COLUMNS = List.of("point_id", "status", "groups", "activation", "depth",
      "width", "n0", "inputs", "n_inputs", "ensemble", "seed", "backend", "device", "layer", "layer_width",
      "n_prev", "cb", "cw", "lambda_b", "lambda_w", "observable", "component", "value", "se", "theory", "z",
      "error");

  private Results() {}

  /** One CSV row (values already as text; empty for missing). */
  public record Row(Map<String, String> cells) {
    public String get(String column) {
      return cells.getOrDefault(column, "");
    }

    /** The column as a number; NaN when empty or not a number. */
    public double num(String column) {
      String s = get(column);
      if (s.isEmpty()) {
        return Double.NaN;
      }
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
  }

  /** Records in plan order (ids of {@code plan}, then the rest); {@code plan} may be null. */
  public static List<JsonNode> ordered(Map<String, JsonNode> records, SweepPlan plan) {
    Map<String, JsonNode> left = new LinkedHashMap<>(records);
    List<JsonNode> out = new ArrayList<>();
    if (plan != null) {
      for (SweepPoint p : plan.points()) {
        JsonNode r = left.remove(p.id());
        if (r != null) {
          out.add(r);
        }
      }
    }
    out.addAll(left.values());
    return out;
  }

  /** Writes {@code results.jsonl} and {@code results.csv} into {@code dir}, atomically. */
  public static void write(Path dir, List<JsonNode> records) {
    StringBuilder jsonl = new StringBuilder();
    for (JsonNode r : records) {
      jsonl.append(PointStore.compact(r)).append('\n');
    }
    PointStore.writeAtomically(dir.resolve("results.jsonl"), jsonl.toString());
    StringBuilder csv = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    for (Row row : rows(records)) {
      for (int i = 0; i < COLUMNS.size(); i++) {
        csv.append(i == 0 ? "" : ",").append(csvField(row.get(COLUMNS.get(i))));
      }
      csv.append('\n');
    }
    PointStore.writeAtomically(dir.resolve("results.csv"), csv.toString());
  }

  /** The tidy rows of some records. */
  public static List<Row> rows(List<JsonNode> records) {
    List<Row> rows = new ArrayList<>();
    for (JsonNode rec : records) {
      Map<String, String> base = new LinkedHashMap<>();
      base.put("point_id", rec.path("point_id").asText());
      base.put("status", rec.path("status").asText());
      List<String> groups = new ArrayList<>();
      rec.path("groups").forEach(g -> groups.add(g.asText()));
      base.put("groups", String.join(";", groups));
      JsonNode flags = rec.path("flags");
      JsonNode prov = rec.path("provenance");
      base.put("backend", prov.path("backend").asText(""));
      base.put("device", prov.path("device").asText(""));
      base.put("seed", prov.path("seed").asText(""));
      JsonNode res = rec.path("result");
      if (!"ok".equals(rec.path("status").asText()) || !res.isObject()) {
        base.put("activation", flags.path("act").asText(""));
        base.put("depth", flags.path("depth").asText(""));
        base.put("width", flags.path("width").asText(""));
        base.put("ensemble", flags.path("ensemble").asText(""));
        base.put("cb", flags.path("cb").asText(""));
        base.put("cw", flags.path("cw").asText(""));
        base.put("error", rec.path("error").path("message").asText(""));
        rows.add(new Row(base));
        continue;
      }
      JsonNode spec = res.path("spec");
      base.put("activation", spec.path("activation").asText());
      base.put("depth", spec.path("depth").asText());
      base.put("width", spec.path("widths").path(0).asText());
      base.put("n0", spec.path("n0").asText());
      base.put("inputs", spec.path("inputs").path("source").asText());
      base.put("n_inputs", spec.path("inputs").path("count").asText());
      base.put("ensemble", spec.path("ensemble").asText());
      base.put("seed", spec.path("seed").asText());
      for (JsonNode layer : res.path("layers")) {
        int l = layer.path("layer").asInt();
        Map<String, String> lb = new LinkedHashMap<>(base);
        lb.put("layer", String.valueOf(l));
        lb.put("layer_width", layer.path("width").asText());
        lb.put("n_prev", layer.path("n_prev").asText());
        lb.put("cb", num(spec.path("cb").path(l - 1)));
        lb.put("cw", num(spec.path("cw").path(l - 1)));
        lb.put("lambda_b", num(spec.path("lambda_b").path(l - 1)));
        lb.put("lambda_w", num(spec.path("lambda_w").path(l - 1)));
        JsonNode th = layer.path("theory");
        for (Obs o : Obs.values()) {
          String n = o.name();
          if (!layer.has(n) && !th.has(n)) {
            continue;
          }
          Map<String, JsonNode> vals = flatten(layer.get(n));
          Map<String, JsonNode> errs = flatten(layer.get(n + "_err"));
          Map<String, JsonNode> ths = flatten(th.get(n));
          List<String> comps = new ArrayList<>(vals.keySet());
          ths.keySet().stream().filter(c -> !comps.contains(c)).forEach(comps::add);
          for (String c : comps) {
            Map<String, String> cells = new LinkedHashMap<>(lb);
            cells.put("observable", n);
            cells.put("component", c);
            double v = val(vals.get(c));
            double se = val(errs.get(c));
            double t = val(ths.get(c));
            cells.put("value", fmt(v));
            cells.put("se", fmt(se));
            cells.put("theory", fmt(t));
            cells.put("z", fmt(Combine.zScore(v, se, t)));
            rows.add(new Row(cells));
          }
        }
      }
    }
    return rows;
  }

  /** Component label → number node: "" for a plain number, "0,1" for element [0][1] of nested arrays. */
  static Map<String, JsonNode> flatten(JsonNode n) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (n == null || n.isMissingNode()) {
      return out;
    }
    flatten(n, "", out);
    return out;
  }

  private static void flatten(JsonNode n, String prefix, Map<String, JsonNode> out) {
    if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        flatten(n.get(i), prefix.isEmpty() ? String.valueOf(i) : prefix + "," + i, out);
      }
    } else {
      out.put(prefix, n);
    }
  }

  private static double val(JsonNode n) {
    return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
  }

  private static String num(JsonNode n) {
    return n.isNumber() ? fmt(n.asDouble()) : "";
  }

  /** Shortest round-trip text of a double; empty for NaN or infinities. */
  static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return "";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    return Double.toString(v).toLowerCase(Locale.ROOT);
  }

  static String csvField(String s) {
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }
}

package org.rgflow.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.rgflow.spec.SpecException;

/**
 * The points of a sweep, expanded from a sweep file or from command-line axes.
 *
 * <p>A sweep file (YAML, or JSON, which is YAML too) has these keys, all optional; every other key
 * names a {@code sample} flag without its dashes ({@code act}, {@code cb}, {@code cw}, {@code width},
 * {@code depth}, {@code n0}, {@code out-width}, {@code inputs}, {@code lambda-b}, {@code lambda-w},
 * {@code ensemble}, {@code seed}, {@code backend}, {@code ntk-neurons}, {@code no-ntk}):
 * <pre>
 * name: my-sweep
 * base:   {depth: 16, ensemble: 2000}          # flags of every point
 * grid:   {act: [relu, tanh], width: [16, 32]} # the Cartesian product of these lists
 * points: [{cw: 1.0}, {cw: 2.0}]               # a list of points, each crossed with the grid
 * groups:                                      # sub-sweeps with the same keys, inheriting base
 *   - {name: collapse, grid: {width: [16, 32, 64]}}
 * </pre>
 * A list value in {@code base} or a point is a per-layer list ({@code width: [64, 64, 32]}); in
 * {@code grid} each element is one alternative (itself a list for per-layer values). Flags not given
 * take {@code sample}'s defaults, which are written into each point so that its id names the full
 * spec and seed.
 */
public final class SweepPlan {
  /** Flags a sweep may set. */
  public static final Set<String> KEYS = Set.of("act", "cb", "cw", "width", "depth", "n0", "out-width",
      "inputs", "lambda-b", "lambda-w", "ensemble", "seed", "backend", "sampler", "ntk-neurons", "no-ntk",
      "observables", "gamma", "xi");
  /** Flags without a value. */
  static final Set<String> SWITCHES = Set.of("no-ntk");
  /** Flags whose values are numbers (canonicalised: 2.0 → 2). */
  private static final Set<String> NUMERIC = Set.of("cb", "cw", "width", "depth", "n0", "out-width",
      "lambda-b", "lambda-w", "ensemble", "seed", "ntk-neurons", "gamma", "xi");
  private static final Map<String, String> ALIASES = Map.of("activation", "act", "c-b", "cb", "c-w", "cw",
      "widths", "width", "e", "ensemble", "ensemble-size", "ensemble", "lambdab", "lambda-b", "lambdaw", "lambda-w");
  private static final Set<String> STRUCTURE = Set.of("name", "base", "grid", "points", "groups",
      "description");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final List<SweepPoint> points;

  public SweepPlan(String name, List<SweepPoint> points) {
    this.name = name;
    this.points = List.copyOf(points);
  }

  public String name() {
    return name;
  }

  /** Distinct points in file order (a repeated point appears once, with all its groups). */
  public List<SweepPoint> points() {
    return points;
  }

  /** Reads a sweep file (YAML or JSON). */
  public static SweepPlan read(Path file, Map<String, String> defaults) {
    JsonNode root;
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    try {
      root = (json ? JSON : YAML).readTree(file.toFile());
    } catch (IOException e) {
      throw new SpecException("FILE", syntaxError(file.toString(), json, e));
    }
    String fallback = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
    return parse(root, fallback, defaults);
  }

  /** Parses sweep text (YAML or JSON), e.g. the tour's built-in sweep. */
  public static SweepPlan parse(String text, String name, Map<String, String> defaults) {
    try {
      return parse(YAML.readTree(text), name, defaults);
    } catch (IOException e) {
      throw new SpecException("FILE", syntaxError(name, false, e));
    }
  }

  static SweepPlan parse(JsonNode root, String fallbackName, Map<String, String> defaults) {
    if (root == null || !root.isObject()) {
      throw new SpecException("FILE", "a sweep file is a mapping (base, grid, points, groups or flags)");
    }
    String name = root.hasNonNull("name") ? root.get("name").asText() : fallbackName;
    Map<String, String> base = new TreeMap<>();
    for (Map.Entry<String, String> d : defaults.entrySet()) {
      String k = key(d.getKey());
      if (KEYS.contains(k) && d.getValue() != null) {
        base.put(k, canonical(k, d.getValue()));
      }
    }
    Map<String, SweepPoint> out = new LinkedHashMap<>();
    expand(root, base, List.of(), out, "");
    if (out.isEmpty()) {
      throw new SpecException("FILE", "the sweep has no points");
    }
    return new SweepPlan(name, new ArrayList<>(out.values()));
  }

  /**
   * A plan from command-line axes: {@code set} flags for every point, {@code grid} axes crossed
   * ({@code KEY=V1,V2,…}; for {@code act} and {@code inputs} alternatives are separated by {@code |}).
   */
  public static SweepPlan fromAxes(String name, List<String> set, List<String> grid, Map<String, String> defaults) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode base = root.putObject("base");
    for (String s : set) {
      String[] kv = keyValue("--set", s);
      base.put(kv[0], kv[1]);
    }
    ObjectNode g = root.putObject("grid");
    for (String s : grid) {
      String[] kv = keyValue("--grid", s);
      String k = key(kv[0]);
      String sep = k.equals("act") || k.equals("inputs") ? "\\|" : ",";
      ArrayNode alts = g.putArray(kv[0]);
      for (String a : kv[1].split(sep)) {
        alts.add(a.strip());
      }
    }
    return parse(root, name, defaults);
  }

  private static String[] keyValue(String field, String s) {
    int eq = s.indexOf('=');
    if (eq <= 0) {
      throw new SpecException(field, "expected KEY=VALUE, got '" + s + "'");
    }
    String k = s.substring(0, eq).strip();
    if (!KEYS.contains(key(k))) {
      throw new SpecException(field, "unknown flag '" + k + "' (a sweep sets "
          + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
    }
    return new String[] {k, s.substring(eq + 1).strip()};
  }

  private static void expand(JsonNode block, Map<String, String> inherited, List<String> groups,
      Map<String, SweepPoint> out, String where) {
    Map<String, String> base = new TreeMap<>(inherited);
    // Flags at the top of a block act like base.
    for (Iterator<Map.Entry<String, JsonNode>> it = block.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!STRUCTURE.contains(e.getKey())) {
        put(base, e.getKey(), e.getValue(), where + e.getKey());
      }
    }
    if (block.has("base")) {
      flags(block.get("base"), base, where + "base");
    }
    List<String> g = new ArrayList<>(groups);
    if (block.hasNonNull("name") && !where.isEmpty()) {
      g.add(block.get("name").asText());
    }
    if (block.has("groups")) {
      JsonNode gs = block.get("groups");
      if (!gs.isArray()) {
        throw new SpecException("FILE", where + "groups: expected a list");
      }
      int i = 0;
      for (JsonNode sub : gs) {
        if (!sub.isObject()) {
          throw new SpecException("FILE", where + "groups[" + i + "]: expected a mapping");
        }
        expand(sub, base, g, out, where + "groups[" + i + "].");
        i++;
      }
      if (!block.has("grid") && !block.has("points")) {
        return;
      }
    }
    List<Map<String, String>> pts = new ArrayList<>();
    if (block.has("points")) {
      JsonNode ps = block.get("points");
      if (!ps.isArray()) {
        throw new SpecException("FILE", where + "points: expected a list");
      }
      int i = 0;
      for (JsonNode p : ps) {
        Map<String, String> m = new TreeMap<>(base);
        flags(p, m, where + "points[" + i++ + "]");
        pts.add(m);
      }
    } else {
      pts.add(base);
    }
    List<Map.Entry<String, List<JsonNode>>> axes = new ArrayList<>();
    if (block.has("grid")) {
      JsonNode grid = block.get("grid");
      if (!grid.isObject()) {
        throw new SpecException("FILE", where + "grid: expected a mapping of lists");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = grid.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        List<JsonNode> alts = new ArrayList<>();
        if (e.getValue().isArray()) {
          e.getValue().forEach(alts::add);
        } else {
          alts.add(e.getValue());
        }
        if (alts.isEmpty()) {
          throw new SpecException("FILE", where + "grid." + e.getKey() + ": empty list");
        }
        axes.add(Map.entry(e.getKey(), alts));
      }
    }
    for (Map<String, String> p : pts) {
      cross(p, axes, 0, g, out, where + "grid.");
    }
  }

  private static void cross(Map<String, String> p, List<Map.Entry<String, List<JsonNode>>> axes, int i,
      List<String> groups, Map<String, SweepPoint> out, String where) {
    if (i == axes.size()) {
      SweepPoint sp = new SweepPoint(new TreeMap<>(p), groups);
      SweepPoint old = out.get(sp.id());
      if (old == null) {
        out.put(sp.id(), sp);
      } else {
        List<String> merged = new ArrayList<>(old.groups());
        groups.stream().filter(x -> !merged.contains(x)).forEach(merged::add);
        out.put(sp.id(), new SweepPoint(old.flags(), merged));
      }
      return;
    }
    Map.Entry<String, List<JsonNode>> axis = axes.get(i);
    for (JsonNode alt : axis.getValue()) {
      Map<String, String> q = new TreeMap<>(p);
      put(q, axis.getKey(), alt, where + axis.getKey());
      cross(q, axes, i + 1, groups, out, where);
    }
  }

  private static void flags(JsonNode node, Map<String, String> into, String where) {
    if (node == null || node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      throw new SpecException("FILE", where + ": expected a mapping of flags");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      put(into, e.getKey(), e.getValue(), where + "." + e.getKey());
    }
  }

  private static void put(Map<String, String> into, String rawKey, JsonNode v, String where) {
    String k = key(rawKey);
    if (!KEYS.contains(k)) {
      throw new SpecException("FILE", where + ": unknown flag '" + rawKey + "' (a sweep sets "
          + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
    }
    String text;
    if (v.isArray()) {
      List<String> parts = new ArrayList<>();
      v.forEach(x -> parts.add(x.asText()));
      text = String.join(",", parts);
    } else if (v.isNull()) {
      into.remove(k);
      return;
    } else {
      text = v.asText();
    }
    into.put(k, canonical(k, text));
  }

  /** Lower case, no leading dashes, '_' → '-', aliases resolved. */
  static String key(String raw) {
    String k = raw.strip().toLowerCase(Locale.ROOT).replaceFirst("^-+", "").replace('_', '-');
    return ALIASES.getOrDefault(k, k);
  }

  /** Numbers in shortest plain form (2.0 → 2, 1e-1 → 0.1), lists element by element; text as is. */
  static String canonical(String key, String value) {
    String v = value.strip();
    if (SWITCHES.contains(key)) {
      return String.valueOf(Boolean.parseBoolean(v) || v.isEmpty());
    }
    if (!NUMERIC.contains(key)) {
      return v;
    }
    String[] parts = v.split(",");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].strip();
      try {
        p = new BigDecimal(p).stripTrailingZeros().toPlainString();
      } catch (NumberFormatException e) {
        // left as written: `sample` reports the error with its flag
      }
      b.append(i == 0 ? "" : ",").append(p);
    }
    return b.toString();
  }

  /** The plan as JSON ({@code sweep.json} in the output directory). */
  public ObjectNode toJson(String version) {
    ObjectNode root = JSON.createObjectNode();
    root.put("name", name);
    root.put("rgflow_version", version);
    ArrayNode ps = root.putArray("points");
    for (SweepPoint p : points) {
      ps.add(pointJson(p));
    }
    return root;
  }

  static ObjectNode pointJson(SweepPoint p) {
    ObjectNode o = JSON.createObjectNode();
    o.put("point_id", p.id());
    ArrayNode g = o.putArray("groups");
    p.groups().forEach(g::add);
    ObjectNode f = o.putObject("flags");
    p.flags().forEach(f::put);
    return o;
  }

  /** Reads {@code sweep.json} back. */
  public static SweepPlan fromJson(JsonNode root) {
    List<SweepPoint> ps = new ArrayList<>();
    for (JsonNode p : root.path("points")) {
      Map<String, String> f = new TreeMap<>();
      p.path("flags").fields().forEachRemaining(e -> f.put(e.getKey(), e.getValue().asText()));
      List<String> g = new ArrayList<>();
      p.path("groups").forEach(x -> g.add(x.asText()));
      ps.add(new SweepPoint(new TreeMap<>(f), g));
    }
    return new SweepPlan(root.path("name").asText("sweep"), ps);
  }

  /**
   * "FILE:LINE:COLUMN: not valid YAML: what" from a parser's exception, without its Java text
   * (the source excerpt, the class names).
   */
  static String syntaxError(String file, boolean json, IOException e) {
    String kind = json ? "JSON" : "YAML";
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof java.io.CharConversionException
          || c instanceof java.nio.charset.CharacterCodingException) {
        return file + ": not UTF-8 text (a " + kind + " sweep file is expected)";
      }
      if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException y && y.getProblemMark() != null) {
        return file + ":" + (y.getProblemMark().getLine() + 1) + ":" + (y.getProblemMark().getColumn() + 1)
            + ": not valid " + kind + ": " + firstLine(y.getProblem())
            + (y.getContext() == null ? "" : " (" + firstLine(y.getContext()) + ")");
      }
    }
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException pe) {
      com.fasterxml.jackson.core.JsonLocation loc = pe.getLocation();
      String what = pe.getOriginalMessage() == null ? "syntax error" : firstLine(pe.getOriginalMessage());
      String where = loc == null || loc.getLineNr() < 1 ? file
          : file + ":" + loc.getLineNr() + ":" + Math.max(1, loc.getColumnNr());
      return where + ": not valid " + kind + ": " + what.replaceAll("\\s*\\(code \\d+\\)", "");
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return file + ": no such file";
    }
    return file + ": cannot read: " + firstLine(String.valueOf(e.getMessage()));
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}

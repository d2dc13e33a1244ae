package org.rgflow.sweep;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One point of a sweep: the flags of one {@code rgflow sample} run, canonical (long names without
 * dashes, values as text, every result-changing default filled in), and the groups that asked for it.
 *
 * <p>{@link #id()} is the first 16 hex digits of SHA-256 over the sorted {@code name=value} lines, so
 * equal specs and seeds get equal ids whatever file or order they came from.
 *
 * @param flags e.g. {act=tanh, cw=1, width=64, depth=16, ensemble=2000, seed=0, backend=auto}; a flag
 *     without a value (e.g. {@code no-ntk}) maps to "true"
 * @param groups labels from the sweep file (for reading the results); not part of the id
 */
public record SweepPoint(SortedMap<String, String> flags, List<String> groups) {
  public SweepPoint {
    flags = Collections.unmodifiableSortedMap(new TreeMap<>(flags));
    groups = List.copyOf(groups);
  }

  /** Seconds every point costs besides its networks (theory, set-up), for the estimate. */
  static final double POINT_OVERHEAD = 0.5;

  /** Stable id: 16 hex digits of SHA-256 of the canonical flags. */
  public String id() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : flags.entrySet()) {
      b.append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The arguments of {@code rgflow sample --json} for this point, with {@code backend} replaced when given. */
  public List<String> sampleArgs(String backendOverride) {
    List<String> a = new ArrayList<>(List.of("sample", "--json", "--no-progress"));
    for (Map.Entry<String, String> e : flags.entrySet()) {
      String v = e.getKey().equals("backend") && backendOverride != null ? backendOverride : e.getValue();
      if (SweepPlan.SWITCHES.contains(e.getKey())) {
        if (Boolean.parseBoolean(v)) {
          a.add("--" + e.getKey());
        }
      } else {
        a.add("--" + e.getKey());
        a.add(v);
      }
    }
    return a;
  }

  /** The requested backend ("auto" unless the sweep names one). */
  public String backend() {
    return flags.getOrDefault("backend", "auto");
  }

  /** A short label, e.g. "tanh cw=1 width=64 depth=16 E=2000". */
  public String label() {
    StringBuilder b = new StringBuilder(flags.getOrDefault("act", "?"));
    for (String k : List.of("cb", "cw", "width", "depth")) {
      if (flags.containsKey(k)) {
        b.append(' ').append(k).append('=').append(flags.get(k));
      }
    }
    if (flags.containsKey("ensemble")) {
      b.append(" E=").append(flags.get("ensemble"));
    }
    // points that differ only in these need them in the label
    for (String k : List.of("seed", "sampler", "inputs")) {
      String v = flags.get(k);
      if (v != null && !v.equals(k.equals("seed") ? "0" : k.equals("sampler") ? "auto" : "norms=1")) {
        b.append(' ').append(k).append('=').append(v);
      }
    }
    return b.toString();
  }

  /** Ensemble size E (for the progress estimate); 0 when unknown. */
  long ensemble() {
    try {
      return Long.parseLong(flags.getOrDefault("ensemble", "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Estimated seconds of the point for the progress estimate: E times the time per network of
   * the sampler it will run ({@link org.rgflow.device.SamplerCost}; auto: the faster), plus
   * {@value #POINT_OVERHEAD} s for the point's theory and set-up. Only the estimate uses it, never
   * a result.
   */
  double cost() {
    try {
      int depth = Integer.parseInt(flags.getOrDefault("depth", "1"));
      String[] ws = flags.getOrDefault("width", "1").split(",");
      int[] w = new int[depth + 1];
      w[0] = Integer.parseInt(flags.getOrDefault("n0", "8"));
      for (int l = 1; l <= depth; l++) {
        w[l] = Integer.parseInt(ws[Math.min(l - 1, ws.length - 1)].trim());
      }
      String in = flags.getOrDefault("inputs", "norms=1");
      int nd = in.contains("norms=") ? in.replaceAll(".*norms=([^;]*).*", "$1").split(",").length : 1;
      boolean ntk = !Boolean.parseBoolean(flags.getOrDefault("no-ntk", "false"));
      int m = Integer.parseInt(flags.getOrDefault("ntk-neurons", "4"));
      // the exact sampler's NTK takes the Gram sweep for relu-like σ only (SamplerCost)
      boolean gram = org.rgflow.act.Activations.parse(flags.getOrDefault("act", "relu"))
          .scaleInvariantSlopes() != null && nd <= 12;
      org.rgflow.device.SamplerCost c = org.rgflow.device.SamplerCost.estimate(w, nd, ntk, m, gram);
      String s = flags.getOrDefault("sampler", "auto");
      double per = s.equals("exact") ? c.exact() : s.equals("direct") ? c.direct()
          : Math.min(c.exact(), c.direct());
      return POINT_OVERHEAD + Math.max(1, ensemble()) * per;
    } catch (RuntimeException e) {
      return 1;
    }
  }
}

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
   * Relative cost for the progress estimate: E · Σ_ℓ n_{ℓ−1} n_ℓ (weights sampled), at least 1.
   * Only the estimate uses it, never a result.
   */
  double cost() {
    try {
      int depth = Integer.parseInt(flags.getOrDefault("depth", "1"));
      String[] ws = flags.getOrDefault("width", "1").split(",");
      double sum = 0;
      double prev = Double.parseDouble(flags.getOrDefault("n0", "8"));
      for (int l = 1; l <= depth; l++) {
        double w = Double.parseDouble(ws[Math.min(l - 1, ws.length - 1)].trim());
        sum += prev * w + w;
        prev = w;
      }
      return Math.max(1, Math.max(1, ensemble()) * sum);
    } catch (RuntimeException e) {
      return 1;
    }
  }
}

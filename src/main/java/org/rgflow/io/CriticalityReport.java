package org.rgflow.io;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rgflow.app.CriticalityRun;

/**
 * The writers of a {@code criticality} record: JSON ({@code rgflow_version}, {@code command},
 * {@code activation}, then the analysis' fields in snake_case, {@link Records}) and an aligned
 * {@code field  value} text listing of the same fields.
 */
public final class CriticalityReport {
  private CriticalityReport() {}

  /** The JSON-ready map, in order. */
  public static Map<String, Object> toMap(CriticalityRun.Result r) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("rgflow_version", r.version());
    root.put("command", "criticality");
    root.put("activation", r.activation().name());
    Records.toMap(r.report()).forEach(root::putIfAbsent);
    return root;
  }

  /** Pretty-printed JSON text. */
  public static String json(CriticalityRun.Result r) {
    return JsonReport.write(JsonReport.MAPPER.valueToTree(toMap(r)));
  }

  /** The text listing. */
  public static void write(CriticalityRun.Result r, PrintWriter out) {
    out.println("rgflow criticality — " + r.activation().name());
    Map<String, Object> fields = Records.toMap(r.report());
    int w = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
    fields.forEach((k, v) -> {
      if (v instanceof String t && t.isEmpty()) {
        return; // e.g. no reason: the class is not "none"
      }
      if (v instanceof Map<?, ?> m) {
        out.println(k);
        int mw = m.keySet().stream().mapToInt(x -> String.valueOf(x).length()).max().orElse(0);
        m.forEach((a, b) -> out.println("  " + a + " ".repeat(mw - String.valueOf(a).length()) + "  "
            + text(b)));
        return;
      }
      out.println(k + " ".repeat(w - k.length()) + "  " + text(v));
    });
    out.flush();
  }

  private static String text(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double d) {
      return TableReport.fmt(d);
    }
    return v.toString();
  }
}

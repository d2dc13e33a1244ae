package org.rgflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.rgflow.app.OutDir;
import org.rgflow.report.HtmlReport;
import org.rgflow.sweep.PointStore;
import org.rgflow.sweep.Results;
import picocli.CommandLine.Option;

/**
 * {@code --out DIR} of {@code sample} and {@code theory}: the run's JSON ({@code result.json}), the
 * tidy CSV and JSONL of a one-point sweep ({@code results.csv}, {@code results.jsonl}, the columns
 * of README "Sweeps") and a one-page HTML report with the per-layer figures ({@code report.html}).
 */
final class RunOutput {
  @Option(names = "--out", paramLabel = "DIR",
      description = "Also write DIR/result.json, DIR/results.csv (tidy) and DIR/report.html (figures).")
  Path out;

  /** Refuses an unusable DIR before any work. */
  void check() {
    if (out != null) {
      OutDir.check("--out", out);
    }
  }

  /** Writes the files (when --out was given) and names them on stderr. */
  void write(Context ctx, java.util.function.Supplier<JsonNode> json, Map<String, String> flags) {
    if (out == null) {
      return;
    }
    JsonNode result = json.get();
    ObjectNode rec = JsonNodeFactory.instance.objectNode();
    rec.put("point_id", result.path("command").asText("run"));
    rec.put("status", "ok");
    rec.putArray("groups");
    ObjectNode f = rec.putObject("flags");
    flags.forEach(f::put);
    rec.set("result", result);
    PointStore.writeAtomically(out.resolve("result.json"), PointStore.write(result));
    Results.write(out, List.of(rec));
    HtmlReport.Written w = HtmlReport.write(out, List.of(rec), VersionProvider.version());
    ctx.err().println("wrote " + out.resolve("result.json") + ", " + out.resolve("results.csv") + " and "
        + w.html() + " (" + SweepJson.figures(w.figures().size()) + ")");
    ctx.err().flush();
  }
}

package org.rgflow.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.rgflow.report.HtmlReport;
import org.rgflow.sweep.PointStore;
import org.rgflow.sweep.SweepRunner;

/** The {@code --json} objects of {@code sweep}, {@code report} and {@code tour}. */
final class SweepJson {
  private SweepJson() {}

  /** {@code sweep --json}'s object (also the tour's "sweep"). */
  static ObjectNode summaryJson(String name, SweepRunner.Summary s, Path out) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("rgflow_version", VersionProvider.version());
    o.put("command", "sweep");
    o.put("name", name);
    o.put("out", out.toAbsolutePath().normalize().toString());
    o.put("points", s.points());
    o.put("run_now", s.ok() + s.failed());
    o.put("ok", s.ok());
    o.put("failed", s.failed());
    o.put("already_finished", s.alreadyDone());
    o.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
    o.put("results_csv", out.resolve("results.csv").toAbsolutePath().normalize().toString());
    o.put("results_jsonl", out.resolve("results.jsonl").toAbsolutePath().normalize().toString());
    return o;
  }

  /** {@code report --json}'s object (also the tour's "report"). */
  static ObjectNode reportJson(Path dir, HtmlReport.Written w, List<PointStore.Damaged> damaged) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("rgflow_version", VersionProvider.version());
    o.put("command", "report");
    o.put("dir", dir.toAbsolutePath().normalize().toString());
    o.put("html", w.html().toAbsolutePath().normalize().toString());
    ArrayNode f = o.putArray("figures");
    w.figures().forEach(x -> f.addObject().put("name", x.name()).put("title", x.title()));
    ArrayNode d = o.putArray("damaged");
    for (PointStore.Damaged x : damaged) {
      d.addObject().put("file", x.file().toString()).put("reason", x.reason());
    }
    return o;
  }

  /** "1 figure", "7 figures". */
  static String figures(int n) {
    return n + (n == 1 ? " figure" : " figures");
  }
}

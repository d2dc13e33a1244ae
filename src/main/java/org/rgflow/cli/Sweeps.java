package org.rgflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rgflow.report.HtmlReport;
import org.rgflow.sweep.PointStore;
import org.rgflow.sweep.Provenance;
import org.rgflow.sweep.Results;
import org.rgflow.sweep.SweepPlan;
import org.rgflow.sweep.SweepProgress;
import org.rgflow.sweep.SweepRunner;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** What {@code sweep}, {@code report} and {@code tour} share: the wiring of the sweep runner to {@code sample}. */
final class Sweeps {
  private Sweeps() {}

  /** {@code sample}'s defaults, {flag without dashes: value}, read from its picocli model (never copied). */
  static Map<String, String> sampleDefaults(Context ctx) {
    Map<String, String> d = new LinkedHashMap<>();
    CommandLine cl = new CommandLine(new SampleCommand(ctx));
    for (OptionSpec o : cl.getCommandSpec().options()) {
      String name = o.longestName().replaceFirst("^--", "");
      if (SweepPlan.KEYS.contains(name) && o.defaultValue() != null) {
        d.put(name, o.defaultValue());
      }
    }
    return d;
  }

  /** Each point is {@code rgflow sample --json …} run in-process, with its own output buffers. */
  static SweepRunner.Executor executor(Context ctx) {
    return args -> {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = new Main(ctx.engines(), new PrintWriter(out), new PrintWriter(err)).run(args.toArray(String[]::new));
      return new SweepRunner.Outcome(code, out.toString(), err.toString());
    };
  }

  /**
   * The device lanes: the CPU alone when {@code auto} picks the CPU reference; otherwise the auto
   * backend's lane (a GPU) and a CPU lane side by side.
   */
  static List<SweepRunner.Lane> lanes(Context ctx) {
    String auto;
    try {
      auto = ctx.engines().chooseBackend("auto").backend().name();
    } catch (RuntimeException e) {
      auto = "cpu";
    }
    List<SweepRunner.Lane> lanes = new ArrayList<>();
    if (!auto.equals("cpu")) {
      lanes.add(new SweepRunner.Lane("gpu", auto));
      lanes.add(new SweepRunner.Lane("cpu", "cpu"));
    } else {
      lanes.add(new SweepRunner.Lane("cpu", null));
    }
    return lanes;
  }

  /** Runs the plan into the directory, then regenerates results.csv and results.jsonl. */
  static SweepRunner.Summary run(Context ctx, SweepPlan plan, Path dir, boolean retryFailed, Boolean progress) {
    String version = VersionProvider.version();
    Provenance prov = Provenance.detect(version, Provenance.codeDir());
    try (PointStore store = new PointStore(dir).open()) {
      PointStore.writeAtomically(dir.resolve("sweep.json"), PointStore.write(plan.toJson(version)));
      SweepProgress bar = new SweepProgress(ctx.err(), ctx.clock(), ProgressBar.wanted(progress));
      SweepRunner.Summary s;
      try {
        s = new SweepRunner(executor(ctx), prov, ctx.clock()).run(plan, store, retryFailed, lanes(ctx), bar);
      } finally {
        bar.close();
      }
      Results.write(dir, Results.ordered(store.readPoints(), plan));
      return s;
    }
  }

  /** The records of a sweep directory in plan order (sweep.json when present). */
  static List<JsonNode> records(Path dir) {
    SweepPlan plan = null;
    Path planFile = dir.resolve("sweep.json");
    if (planFile.toFile().isFile()) {
      try {
        plan = SweepPlan.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(planFile.toFile()));
      } catch (java.io.IOException e) {
        plan = null;
      }
    }
    return Results.ordered(new PointStore(dir).readPoints(), plan);
  }

  /** Regenerates the CSV/JSONL and writes report.html; returns what was written. */
  static HtmlReport.Written report(Path dir) {
    List<JsonNode> recs = records(dir);
    Results.write(dir, recs);
    return HtmlReport.write(dir, recs, VersionProvider.version());
  }
}

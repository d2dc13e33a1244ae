package org.rgflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rgflow.app.Failures;
import org.rgflow.app.Flags;
import org.rgflow.app.SampleRun;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.io.JsonReport;
import org.rgflow.report.HtmlReport;
import org.rgflow.sweep.PointStore;
import org.rgflow.sweep.Provenance;
import org.rgflow.sweep.Results;
import org.rgflow.sweep.SweepPlan;
import org.rgflow.sweep.SweepProgress;
import org.rgflow.sweep.SweepRunner;

/** What {@code sweep}, {@code report} and {@code tour} share: the wiring of the sweep runner to {@code sample}. */
final class Sweeps {
  private Sweeps() {}

  /** {@code sample}'s defaults of the flags a sweep point may set, {flag without dashes: value}. */
  static Map<String, String> sampleDefaults(Context ctx) {
    Map<String, String> d = new LinkedHashMap<>();
    Flags.SAMPLE_DEFAULTS.forEach((k, v) -> {
      if (SweepPlan.KEYS.contains(k)) {
        d.put(k, v);
      }
    });
    return d;
  }

  /** Each point is one {@link SampleRun}, in-process; its record is what {@code sample --json} prints. */
  static SweepRunner.Executor executor(Context ctx) {
    return (point, backendOverride) -> {
      Map<String, String> flags = new LinkedHashMap<>(point.flags());
      if (backendOverride != null) {
        flags.put("backend", backendOverride);
      }
      try {
        SampleRun.Options o = Flags.sample(flags, ctx.engines());
        return SweepRunner.Outcome.ok(JsonReport.toJson(SampleRun.run(o, ctx.engines(), null)));
      } catch (RuntimeException | Error e) {
        Failures.Failure f = Failures.of(e);
        return new SweepRunner.Outcome(f.exitCode(), null, f.message());
      }
    };
  }

  /**
   * The device lanes: the CPU alone when {@code auto} picks the CPU reference; otherwise the auto
   * backend's lane (a GPU) and a CPU lane side by side.
   */
  static List<SweepRunner.Lane> lanes(Context ctx) {
    String auto;
    try {
      auto = ctx.engines().source(CpuEnsemble.SAMPLER, "auto", null).source().device();
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

package org.rgflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rgflow.app.Failures;
import org.rgflow.app.Flags;
import org.rgflow.app.SampleRun;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.io.JsonReport;
import org.rgflow.report.HtmlReport;
import org.rgflow.sweep.PointStore;
import org.rgflow.sweep.Provenance;
import org.rgflow.sweep.Results;
import org.rgflow.spec.SpecException;
import org.rgflow.sweep.SweepPlan;
import org.rgflow.sweep.SweepPoint;
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

  /**
   * Checks every point of the plan as its run would, before anything is created: the first bad
   * point is refused naming its flag (as the sweep file spells it), the point and why.
   */
  static void validate(Context ctx, SweepPlan plan) {
    int i = 0;
    for (SweepPoint p : plan.points()) {
      i++;
      try {
        SampleRun.prepare(Flags.sample(p.flags(), ctx.engines()), ctx.engines());
      } catch (SpecException e) {
        String field = e.field().replaceFirst("^--", "");
        String msg = Failures.of(e).message().substring(e.field().length() + 2);
        throw new SpecException(field, "sweep point " + i + " of " + plan.points().size() + " ("
            + p.label() + "): " + msg);
      }
    }
  }

  /** Runs the plan into the directory, then regenerates results.csv and results.jsonl. */
  static SweepRunner.Summary run(Context ctx, SweepPlan plan, Path dir, boolean retryFailed, Boolean progress) {
    String version = VersionProvider.version();
    Provenance prov = Provenance.detect(version, Provenance.codeDir());
    try (PointStore store = new PointStore(dir).open()) {
      Set<String> ids = new HashSet<>();
      plan.points().forEach(p -> ids.add(p.id()));
      for (PointStore.Damaged d : store.scan().damaged()) {
        ctx.err().println(ids.contains(d.id()) ? "note: point " + d.id() + " reruns: " + d.file()
            + " is damaged (" + d.reason() + ")" : "warning: " + d.file() + " is damaged (" + d.reason()
            + ") and belongs to no point of this plan; left as it is");
      }
      PointStore.writeAtomically(dir.resolve("sweep.json"), PointStore.write(plan.toJson(version)));
      SweepProgress bar = new SweepProgress(ctx.err(), ctx.clock(), ProgressBar.wanted(progress));
      SweepRunner.Summary s;
      // Ctrl-C (or kill): the finished points are on disk; say how to go on.
      Thread hint = new Thread(() -> {
        ctx.err().println();
        ctx.err().println("interrupted: every finished point is kept in " + dir.resolve("points")
            + "; continue with: rgflow sweep --resume --out " + dir);
        ctx.err().flush();
      }, "rgflow-resume-hint");
      Runtime.getRuntime().addShutdownHook(hint);
      try {
        s = new SweepRunner(executor(ctx), prov, ctx.clock()).run(plan, store, retryFailed, lanes(ctx), bar);
      } finally {
        bar.close();
        try {
          Runtime.getRuntime().removeShutdownHook(hint);
        } catch (IllegalStateException e) {
          // shutting down: the hint runs
        }
      }
      Results.write(dir, Results.ordered(store.readPoints(), plan));
      return s;
    }
  }

  /** The records of a sweep directory in plan order (sweep.json when present). */
  static List<JsonNode> records(Path dir, Map<String, JsonNode> points) {
    SweepPlan plan = null;
    Path planFile = dir.resolve("sweep.json");
    if (planFile.toFile().isFile()) {
      try {
        plan = SweepPlan.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(planFile.toFile()));
      } catch (java.io.IOException e) {
        plan = null;
      }
    }
    return Results.ordered(points, plan);
  }

  /**
   * Regenerates the CSV/JSONL and writes report.html; returns what was written. A damaged point
   * file stops it (exit 1, every such file named) unless {@code skipDamaged}; then each is named
   * on stderr and listed in {@code damaged}.
   */
  static HtmlReport.Written report(Context ctx, Path dir, boolean skipDamaged,
      List<PointStore.Damaged> damaged) {
    PointStore.Scan scan = new PointStore(dir).scan();
    if (!scan.damaged().isEmpty()) {
      List<String> names = new ArrayList<>();
      scan.damaged().forEach(d -> names.add(d.file().getFileName() + " (" + d.reason() + ")"));
      if (!skipDamaged) {
        throw new IllegalStateException(scan.damaged().size() + " damaged point file"
            + (names.size() == 1 ? "" : "s") + " in " + dir.resolve("points") + ": "
            + String.join("; ", names) + "; rerun the sweep with --resume to redo "
            + (names.size() == 1 ? "it" : "them") + ", or pass --skip-damaged to report without");
      }
      for (PointStore.Damaged d : scan.damaged()) {
        ctx.err().println("warning: skipped damaged point file " + d.file() + ": " + d.reason());
      }
      damaged.addAll(scan.damaged());
    }
    List<JsonNode> recs = records(dir, scan.points());
    Results.write(dir, recs);
    return HtmlReport.write(dir, recs, VersionProvider.version());
  }
}

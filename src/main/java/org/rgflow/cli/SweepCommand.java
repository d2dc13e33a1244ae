package org.rgflow.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rgflow.app.OutDir;
import org.rgflow.spec.SpecException;
import org.rgflow.sweep.PointStore;
import org.rgflow.sweep.SweepPlan;
import org.rgflow.sweep.SweepRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rgflow sweep FILE --out DIR}: many {@code sample} runs, resumable, into tidy results. */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {"Run every point of a sweep (a YAML or JSON file, and/or --set/--grid axes) as an "
        + "independent `sample` run. Each finished point is written atomically to DIR/points/ID.json with its "
        + "provenance; DIR/results.csv (tidy: point × layer × observable) and DIR/results.jsonl are "
        + "regenerated at the end. --resume continues after Ctrl-C, kill -9 or a crash; a failing point is "
        + "recorded with its error and the sweep goes on (exit 1 at the end if any failed).",
        "File keys: name, base (flags of every point), grid (lists, crossed), points (list), groups "
        + "(sub-sweeps); flags are sample's without dashes: act, cb, cw, width, depth, n0, out-width, inputs, "
        + "lambda-b, lambda-w, ensemble, seed, backend, sampler, ntk-neurons, no-ntk, observables. See README \"Sweeps\"."},
    footer = {"", "Examples:", "  rgflow sweep my-sweep.yaml --out runs/a",
        "  rgflow sweep --grid act='relu|tanh' --grid width=16,32,64 --set cw=1 --set depth=12 --out runs/b",
        "  rgflow sweep --resume --out runs/a"})
final class SweepCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "Sweep file (YAML or JSON).")
  Path file;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A flag of every point, e.g. depth=12.")
  List<String> set = new ArrayList<>();

  @Option(names = "--grid", paramLabel = "KEY=V1,V2", description = "A grid axis, e.g. width=16,32,64"
      + " (act and inputs: alternatives separated by |).")
  List<String> grid = new ArrayList<>();

  @Option(names = "--resume", description = "Continue the sweep in DIR: finished points are kept, not redone"
      + " (without FILE or axes, the plan saved in DIR/sweep.json).")
  boolean resume;

  @Option(names = "--retry-failed", description = "With --resume, run failed points again.")
  boolean retryFailed;

  @Option(names = "--progress", negatable = true,
      description = "Progress bar on stderr (default: only when stderr is a terminal; else a line per point).")
  Boolean progress;

  @Mixin CommonOptions common = new CommonOptions();

  SweepCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    OutDir.check("--out", out);
    SweepPlan plan = plan();
    Sweeps.validate(ctx, plan);
    int finished = new PointStore(out).readPoints().size();
    if (finished > 0 && !resume) {
      throw new SpecException("--out", out + " already holds " + finished + " finished point"
          + (finished == 1 ? "" : "s") + "; add --resume to continue that sweep, or choose another directory");
    }
    SweepRunner.Summary s = Sweeps.run(ctx, plan, out, retryFailed, progress);
    ctx.out().println(common.json ? SweepJson.summaryJson(plan.name(), s, out).toPrettyString()
        : summary(plan.name(), s, out));
    ctx.out().flush();
    if (s.failed() > 0) {
      ctx.err().println("error: " + s.failed() + " of " + s.points() + " points failed (their errors are in "
          + out.resolve("results.csv") + ", column error)");
      return Main.FAILURE;
    }
    return Main.OK;
  }

  static String summary(String name, SweepRunner.Summary s, Path out) {
    return String.format(Locale.ROOT, "sweep %s: %d points — %d run now (%d ok, %d failed), %d already finished, "
        + "%.1f s%nresults: %s, %s", name, s.points(), s.ok() + s.failed(), s.ok(), s.failed(), s.alreadyDone(),
        s.seconds(), out.resolve("results.csv"), out.resolve("results.jsonl"));
  }

  private SweepPlan plan() throws Exception {
    boolean axes = !set.isEmpty() || !grid.isEmpty();
    if (retryFailed && !resume) {
      throw new SpecException("--retry-failed", "only with --resume (it reruns the failed points of"
          + " an earlier sweep)");
    }
    if (file != null && axes) {
      throw new SpecException("--grid", "give a sweep FILE or --set/--grid axes, not both");
    }
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new SpecException("FILE", (Files.isDirectory(file) ? "a directory, not a sweep file: "
            : "no such file: ") + file);
      }
      return SweepPlan.read(file, Sweeps.sampleDefaults(ctx));
    }
    if (axes) {
      return SweepPlan.fromAxes("sweep", set, grid, Sweeps.sampleDefaults(ctx));
    }
    Path saved = out.resolve("sweep.json");
    if (!resume) {
      throw new SpecException("FILE", "give a sweep file, --set/--grid axes, or --resume with a directory"
          + " that holds sweep.json");
    }
    if (!Files.isRegularFile(saved)) {
      throw new SpecException("--out", (Files.isDirectory(out) ? out + " holds no sweep.json"
          : "no such directory: " + out) + "; to resume, give the directory of an earlier sweep"
          + " (or give a sweep FILE or --set/--grid axes)");
    }
    try {
      return SweepPlan.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(saved.toFile()));
    } catch (java.io.IOException e) {
      throw new SpecException("--out", saved + " is damaged (not valid JSON); give the sweep FILE"
          + " again with --resume");
    }
  }
}

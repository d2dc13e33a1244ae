package org.rgflow.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rgflow.app.OutDir;
import org.rgflow.report.HtmlReport;
import org.rgflow.sweep.PointStore;
import org.rgflow.sweep.SweepPlan;
import org.rgflow.sweep.SweepRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rgflow tour} (and bare {@code rgflow}): the built-in sweep {@code tour.yaml} — criticality of
 * relu and tanh, the ℓ/n growth of V in both universality classes, the NTK mean and its fluctuations,
 * what goes wrong off criticality — on the best backend available, then its report. Re-running it
 * reuses the finished points in its directory.
 */
@Command(name = "tour", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {"The book's headline results from one command: a built-in sweep (relu and tanh at "
        + "criticality, widths 16/32/64, depth 16, and off-critical initialisations) on the best backend "
        + "available, and its HTML report. Under a minute on 2 CPU cores; running it again reuses "
        + "finished points. Same as rgflow with no arguments."})
final class TourCommand implements Callable<Integer> {
  static final String RESOURCE = "tour.yaml";
  /** Where the tour writes when no --out is given (a system property so tests can redirect it). */
  static final String OUT_PROPERTY = "rgflow.tour.out";

  private final Context ctx;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output directory (default: rgflow-tour in the current directory).")
  Path out = Path.of(System.getProperty(OUT_PROPERTY, "rgflow-tour"));

  @Option(names = "--progress", negatable = true,
      description = "Progress bar on stderr (default: only when stderr is a terminal; else a line per point).")
  Boolean progress;

  @Mixin CommonOptions common = new CommonOptions();

  TourCommand(Context ctx) {
    this.ctx = ctx;
  }

  /** The built-in sweep's text. */
  static String tourText() {
    try (InputStream in = TourCommand.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Integer call() throws Exception {
    OutDir.check("--out", out);
    SweepPlan plan = SweepPlan.parse(tourText(), "tour", Sweeps.sampleDefaults(ctx));
    long t0 = ctx.clock().getAsLong();
    ctx.err().println("rgflow tour — criticality of relu and tanh, the ℓ/n growth of V in both universality"
        + " classes, the NTK mean and its fluctuations, and what goes wrong off criticality: " + plan.points().size()
        + " sample runs into " + out);
    String note = backendNote();
    if (note != null) {
      ctx.err().println(note);
    }
    ctx.err().flush();
    SweepRunner.Summary s = Sweeps.run(ctx, plan, out, false, progress);
    if (!common.json) {
      ctx.out().println(SweepCommand.summary(plan.name(), s, out));
    }
    List<PointStore.Damaged> damaged = new ArrayList<>();
    HtmlReport.Written w = Sweeps.report(ctx, out, false, damaged);
    double secs = (ctx.clock().getAsLong() - t0) / 1e9;
    if (common.json) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("rgflow_version", VersionProvider.version());
      o.put("command", "tour");
      o.put("seconds", Math.round(secs * 1000) / 1000.0);
      o.set("sweep", SweepJson.summaryJson(plan.name(), s, out));
      o.set("report", SweepJson.reportJson(out, w, damaged));
      ctx.out().println(o.toPrettyString());
    } else {
      ctx.out().println(String.format(Locale.ROOT, "report: %s (%s; %.1f s in all)",
          w.html().toAbsolutePath().normalize(), SweepJson.figures(w.figures().size()), secs));
    }
    ctx.out().flush();
    return s.failed() > 0 ? Main.FAILURE : Main.OK;
  }

  private String backendNote() {
    try {
      return ctx.engines().source("auto", "auto", null).notes().get(0);
    } catch (RuntimeException e) {
      return null;
    }
  }
}

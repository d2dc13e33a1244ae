package org.rgflow.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rgflow.report.HtmlReport;
import org.rgflow.spec.SpecException;
import org.rgflow.sweep.PointStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rgflow report DIR}: the sweep's HTML report with figures, from its point files. */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Write DIR/report.html from the finished points of a sweep: figures (measurement ± SE "
        + "against theory), a consistency table and the provenance of every point. The page is self-contained "
        + "(figures embedded); copies of the figures go to DIR/figures/, and DIR/results.csv and "
        + "DIR/results.jsonl are regenerated.",
        "A damaged point file (truncated, not a point record) is named and stops the report (exit 1)"
            + " unless --skip-damaged; `rgflow sweep --resume --out DIR` reruns such points."})
final class ReportCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(index = "0", paramLabel = "DIR", description = "A sweep's output directory.")
  Path dir;

  @Option(names = "--skip-damaged", description = "Report without damaged point files (each is named"
      + " on stderr and listed in the JSON).")
  boolean skipDamaged;

  @Mixin CommonOptions common = new CommonOptions();

  ReportCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (!Files.isDirectory(dir)) {
      throw new SpecException("DIR", Files.exists(dir) ? dir + " is a file, not a sweep directory"
          : "no such directory: " + dir);
    }
    if (!Files.isDirectory(dir.resolve("points"))) {
      throw new SpecException("DIR", dir + " holds no sweep (no points/ directory)");
    }
    List<PointStore.Damaged> damaged = new ArrayList<>();
    HtmlReport.Written w = Sweeps.report(ctx, dir, skipDamaged, damaged);
    if (common.json) {
      ctx.out().println(SweepJson.reportJson(dir, w, damaged).toPrettyString());
    } else {
      ctx.out().println("report: " + w.html().toAbsolutePath().normalize() + " ("
          + SweepJson.figures(w.figures().size()) + (damaged.isEmpty() ? "" : "; " + damaged.size()
          + " damaged point file" + (damaged.size() == 1 ? "" : "s") + " skipped") + ")");
    }
    ctx.out().flush();
    return Main.OK;
  }
}

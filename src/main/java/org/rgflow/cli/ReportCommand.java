package org.rgflow.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rgflow.report.HtmlReport;
import org.rgflow.spec.SpecException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code rgflow report DIR}: the sweep's HTML report with figures, from its point files. */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Write DIR/report.html from the finished points of a sweep: figures (measurement ± SE "
        + "against theory), a consistency table and the provenance of every point. The page is self-contained "
        + "(figures embedded); copies of the figures go to DIR/figures/, and DIR/results.csv and "
        + "DIR/results.jsonl are regenerated."})
final class ReportCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(index = "0", paramLabel = "DIR", description = "A sweep's output directory.")
  Path dir;

  @Mixin CommonOptions common = new CommonOptions();

  ReportCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (!Files.isDirectory(dir.resolve("points"))) {
      throw new SpecException("DIR", dir + " holds no sweep (no points/ directory)");
    }
    HtmlReport.Written w = Sweeps.report(dir);
    ctx.out().println("report: " + w.html().toAbsolutePath().normalize() + " (" + w.figures().size() + " figures)");
    ctx.out().flush();
    return Main.OK;
  }
}

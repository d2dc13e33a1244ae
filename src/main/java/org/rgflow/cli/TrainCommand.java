package org.rgflow.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rgflow.app.OutDir;
import org.rgflow.app.TrainOutput;
import org.rgflow.app.TrainRun;
import org.rgflow.io.JsonReport;
import org.rgflow.io.TrainJson;
import org.rgflow.io.TrainTable;
import org.rgflow.report.HtmlReport;
import org.rgflow.report.TrainReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code rgflow train}: train E networks by full-batch gradient descent and compare the trained
 * ensemble on the test points with the infinite-width NTK prediction (at the same step, or at
 * convergence with --tol) and the NNGP Bayesian posterior (docs/TRAINING.md, docs/THEORY.md §8).
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {"Train E networks by full-batch gradient descent (MSE) and compare the trained ensemble"
        + " on test points with the infinite-width predictions: measured mean ± SE and covariance ± SE beside"
        + " the NTK (gradient descent) and NNGP (Bayesian posterior) values; the departure from the kernel"
        + " map, the change of the NTK, the NNGP evidence.",
        "Defaults: relu, C_b=0.1, C_W=2, one hidden layer of width 512, the built-in circle task, E=1000,"
            + " eta = 1/theta_max of the train NTK, 100 steps. CPU only.",
        "Width scan: --widths 128,256,512,1024 fits the departure against n. --report DIR adds an HTML report."})
final class TrainCommand implements Callable<Integer> {
  private final Context ctx;

  @Mixin TrainOptions train = new TrainOptions();

  @Mixin CommonOptions common = new CommonOptions();

  TrainCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Path reportDir = train.report == null ? null : Path.of(train.report);
    TrainRun.Options o = TrainRun.options(train.flags(), ctx.engines(), train.evidenceScan || reportDir != null);
    if (reportDir != null) {
      OutDir.check("--report", reportDir);
    }
    TrainOutput out;
    try (ProgressBar bar = ProgressBar.wanted(train.progress) ? new ProgressBar(ctx.err(), ctx.clock(),
        "networks trained") : null) {
      out = TrainRun.run(o, bar);
    }
    if (common.json) {
      ctx.out().println(JsonReport.write(TrainJson.toJson(out)));
    } else {
      TrainTable.write(out, ctx.out());
    }
    if (reportDir != null) {
      HtmlReport.Written w = TrainReport.write(reportDir, out, VersionProvider.version());
      ctx.err().println("report: " + w.html() + " (" + w.figures().size() + " figures)");
    }
    ctx.out().flush();
    return 0;
  }
}

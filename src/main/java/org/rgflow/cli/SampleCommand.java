package org.rgflow.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.rgflow.app.Flags;
import org.rgflow.app.LayerReport;
import org.rgflow.app.SampleRun;
import org.rgflow.io.JsonReport;
import org.rgflow.io.TableReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code rgflow sample}: an ensemble's measurements beside the theory, per layer ({@link SampleRun}). */
@Command(name = "sample", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {"Sample E randomly initialised networks and compare every measured observable with "
        + "the theory: measured ± SE, theory, z = (measured − theory)/SE.",
        "Defaults: relu at criticality (C_b=0, C_W=2), width 256, depth 6, E=4000."})
final class SampleCommand implements Callable<Integer> {
  private final Context ctx;

  @Mixin NetworkOptions net = new NetworkOptions();
  @Mixin RunOptions run = new RunOptions();
  @Mixin RunOutput output = new RunOutput();
  @Mixin CommonOptions common = new CommonOptions();

  SampleCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Map<String, String> flags = net.flags();
    flags.putAll(run.flags());
    SampleRun.Options options = Flags.sample(flags, ctx.engines());
    output.check();
    LayerReport r;
    try (ProgressBar bar = ProgressBar.wanted(run.progress) ? new ProgressBar(ctx.err(), ctx.clock())
        : null) {
      r = SampleRun.run(options, ctx.engines(), bar);
    }
    output.write(ctx, () -> JsonReport.toJson(r), flags);
    if (common.json) {
      ctx.out().println(JsonReport.write(r));
      ctx.out().flush();
    } else {
      TableReport.write(r, ctx.out());
    }
    return 0;
  }
}

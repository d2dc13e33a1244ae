package org.rgflow.cli;

import java.util.concurrent.Callable;
import org.rgflow.app.CriticalityRun;
import org.rgflow.io.CriticalityReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rgflow criticality}: critical point, K*, universality class, large-depth behaviour. */
@Command(name = "criticality", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = "Critical initialisation (C_b, C_W), fixed point K*, universality class and large-depth "
        + "behaviour of an activation (PDLT ch. 5).")
final class CriticalityCommand implements Callable<Integer> {
  private final Context ctx;

  @Option(names = "--act", paramLabel = "NAME", defaultValue = "relu",
      description = "Activation σ (default: ${DEFAULT-VALUE}).")
  String act;

  @Mixin CommonOptions common = new CommonOptions();

  CriticalityCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    CriticalityRun.Result r = CriticalityRun.run(act, ctx.engines());
    if (common.json) {
      ctx.out().println(CriticalityReport.json(r));
    } else {
      CriticalityReport.write(r, ctx.out());
    }
    ctx.out().flush();
    return 0;
  }
}

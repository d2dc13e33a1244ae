package org.rgflow.cli;

import java.util.concurrent.Callable;
import org.rgflow.app.Flags;
import org.rgflow.app.LayerReport;
import org.rgflow.app.TheoryRun;
import org.rgflow.io.JsonReport;
import org.rgflow.io.TableReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rgflow theory}: the book's predictions per layer ({@link TheoryRun}). */
@Command(name = "theory", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = "Print the theory's predictions per layer (K, G1, V/nK², NTK, χ, ...).")
final class TheoryCommand implements Callable<Integer> {
  private final Context ctx;

  @Mixin NetworkOptions net = new NetworkOptions();
  @Mixin RunOutput output = new RunOutput();
  @Mixin CommonOptions common = new CommonOptions();

  @Option(names = "--progress", negatable = true,
      description = "Progress bar on stderr, layers done (default: only when stderr is a terminal).")
  Boolean progress;

  TheoryCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Flags.Network network = Flags.network(net.flags(), ctx.engines());
    output.check();
    LayerReport r;
    try (ProgressBar bar = ProgressBar.wanted(progress) ? new ProgressBar(ctx.err(), ctx.clock(),
        "layers") : null) {
      r = TheoryRun.run(network, ctx.engines(), bar);
    }
    output.write(ctx, () -> JsonReport.toJson(r), net.flags());
    if (common.json) {
      ctx.out().println(JsonReport.write(r));
      ctx.out().flush();
    } else {
      TableReport.write(r, ctx.out());
    }
    return 0;
  }
}

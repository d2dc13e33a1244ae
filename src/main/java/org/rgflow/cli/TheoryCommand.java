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

  @Option(names = "--kernels-only", description = "Only K, Theta and chi: skip G1, V and A, B, D, F (the"
      + " four-point tensor, which dominates the cost on many inputs); they are reported as NaN.")
  boolean kernelsOnly;

  @Option(names = "--threads", paramLabel = "T",
      description = "Threads of the theory's loops over input pairs and index sets (default: available"
          + " processors). Never changes results.")
  String threads;

  @Option(names = "--progress", negatable = true,
      description = "Show a progress bar over layers on stderr (default: when stderr is a terminal).")
  Boolean progress;

  TheoryCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Flags.Network network = Flags.network(net.flags(), ctx.engines());
    output.check();
    int t = threads == null ? org.rgflow.core.Parallel.defaultThreads()
        : org.rgflow.app.Numbers.positiveInt("--threads", threads);
    if (t > org.rgflow.app.Flags.MAX_THREADS) {
      throw new org.rgflow.spec.SpecException("--threads", "at most " + org.rgflow.app.Flags.MAX_THREADS
          + ", got " + t + " (threads never change results)");
    }
    LayerReport r;
    try (ProgressBar bar = ProgressBar.wanted(progress)
        ? new ProgressBar(ctx.err(), ctx.clock(), "layers") : null) {
      int depth = network.spec().depth();
      r = TheoryRun.run(network, ctx.engines(), new org.rgflow.theory.TheoryEngine.Options(t, kernelsOnly,
          bar == null ? null : l -> bar.progress(l, depth)));
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

package org.rgflow.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rgflow.io.Combine;
import org.rgflow.io.JsonReport;
import org.rgflow.io.Report;
import org.rgflow.io.TableReport;
import org.rgflow.theory.TheoryResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code rgflow theory}: the book's predictions per layer. */
@Command(name = "theory", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = "Print the theory's predictions per layer (K, G1, V/nK², NTK, χ, ...).")
final class TheoryCommand implements Callable<Integer> {
  private final Context ctx;

  @Mixin NetworkOptions net = new NetworkOptions();
  @Mixin CommonOptions common = new CommonOptions();

  TheoryCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    NetworkOptions.Setup s = net.build(ctx.engines());
    TheoryResult th = ctx.engines().theory(s.spec(), s.inputs().inputs());
    List<String> notes = new ArrayList<>(th.notes());
    Report r = new Report(VersionProvider.version(), "theory", s.spec(), s.inputs(), null, null, null,
        Combine.combine(s.spec(), th, null), null, notes);
    if (common.json) {
      ctx.out().println(JsonReport.write(r));
      ctx.out().flush();
    } else {
      TableReport.write(r, ctx.out());
    }
    return 0;
  }
}

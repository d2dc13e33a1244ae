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

  @Option(names = "--gamma", paramLabel = "G",
      description = "Residual network z' = γz + ξ(b + Wσ(z)) (PDLT appendix B): its critical point"
          + " and ν(γ) at this γ (default: none, the MLP).")
  String gamma;

  @Option(names = "--xi", paramLabel = "X",
      description = "Residual network: the weight ξ of the dense branch (default: 1).")
  String xi;

  @Option(names = "--nu", paramLabel = "NU",
      description = "Residual network: the γ in [0, 1) that give V/(nK²) ≈ ν ℓ/n with this ν"
          + " (analysed at the smallest when --gamma is not given).")
  String nu;

  @Mixin CommonOptions common = new CommonOptions();

  CriticalityCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    CriticalityRun.Result r = CriticalityRun.run(act, gamma, xi, nu, ctx.engines());
    if (common.json) {
      ctx.out().println(CriticalityReport.json(r));
    } else {
      CriticalityReport.write(r, ctx.out());
    }
    ctx.out().flush();
    return 0;
  }
}

package org.rgflow.app;

import org.rgflow.act.Activation;
import org.rgflow.theory.Criticality;
import org.rgflow.theory.ResidualCriticality;

/**
 * {@code rgflow criticality} as a call: critical point, K*, universality class and large-depth
 * behaviour of an activation (PDLT ch. 5), as a record.
 *
 * @see Criticality#analyze
 */
public final class CriticalityRun {
  private CriticalityRun() {}

  /**
   * @param version rgflow version
   * @param activation the activation analysed
   * @param report the analysis
   */
  public record Result(String version, Activation activation, Criticality.Report report) {}

  /**
   * The analysis of a residual network (docs/THEORY.md §17.3) at γ, ξ, or at the smallest γ that
   * gives {@code nu} when {@code gamma} is null; the MLP's when both are null.
   *
   * @param gamma γ as text (null: none), xi ξ as text (null: 1), nu a chosen ν as text (null: none)
   * @throws org.rgflow.spec.SpecException naming --gamma, --xi or --nu
   */
  public static Result run(String act, String gamma, String xi, String nu, Engines engines) {
    if (gamma == null && xi == null && nu == null) {
      return run(act, engines);
    }
    double x = xi == null ? 1 : Numbers.nonNegativeDoubles("--xi", xi)[0];
    double target = nu == null ? Double.NaN : Numbers.nonNegativeDoubles("--nu", nu)[0];
    double g = gamma == null ? Double.NaN : Numbers.nonNegativeDoubles("--gamma", gamma)[0];
    Activation a = engines.activation(act);
    Criticality.Report mlp = engines.criticality(a);
    if (gamma == null) {
      if (Double.isNaN(target)) {
        g = 0;
      } else {
        java.util.List<Double> roots = ResidualCriticality.gammaFor(a, mlp.cls(), target);
        if (roots.isEmpty()) {
          throw new org.rgflow.spec.SpecException("--nu", "no γ in [0, 1) gives ν = " + nu + " for "
              + a.name() + " (class " + mlp.cls() + "; ν(0) = "
              + ResidualCriticality.nu(a, mlp.cls(), 0, true) + ")");
        }
        g = roots.get(0);
      }
    }
    return new Result(Version.current(), a, ResidualCriticality.analyze(a, mlp, g, x, target));
  }

  /** The analysis of the activation called {@code act}. */
  public static Result run(String act, Engines engines) {
    Activation a = engines.activation(act);
    return new Result(Version.current(), a, engines.criticality(a));
  }
}

package org.rgflow.app;

import org.rgflow.layer.Residual;
import org.rgflow.spec.NetworkSpec;

/**
 * The residual flags {@code --gamma} and {@code --xi} (PDLT appendix B; docs/THEORY.md §17): when
 * either is given, layers 2..L of the dense network become {@link Residual} layers with the same
 * C_b, C_W, λ_b, λ_W (γ defaults to 0 and ξ to 1, the plain MLP).
 */
public final class ResidualFlags {
  private ResidualFlags() {}

  /**
   * The network with residual layers 2..L, or {@code spec} itself when neither flag is given.
   *
   * @throws org.rgflow.spec.SpecException (--gamma, --xi, --widths) on bad values or unequal widths
   */
  public static NetworkSpec apply(NetworkSpec spec, String gamma, String xi) {
    if (gamma == null && xi == null) {
      return spec;
    }
    double[] g = Numbers.nonNegativeDoubles("--gamma", gamma == null ? "0" : gamma);
    double[] x = Numbers.nonNegativeDoubles("--xi", xi == null ? "1" : xi);
    return new NetworkSpec(spec.n0(), spec.activation(), Residual.network(spec.layers(), g, x));
  }
}

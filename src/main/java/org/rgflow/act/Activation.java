package org.rgflow.act;

/**
 * A pointwise activation σ and what the theory and the samplers need from it.
 *
 * <p>Adding an activation is one small class implementing this interface plus one line in
 * {@link Activations}. Derivatives are the <em>regular</em> parts: for a piecewise function they are
 * the one-sided derivatives away from the {@link #kinks() kinks}; Gaussian expectations split the
 * integration range at every kink, so no accuracy is lost there.
 */
public interface Activation {

  /** Canonical name with parameters, parseable by {@link Activations#parse}, e.g. {@code leaky_relu(0.1)}. */
  String name();

  /** σ(z). */
  double value(double z);

  /** σ′(z) (regular part; at a kink either one-sided value). */
  double d1(double z);

  /** σ″(z) (regular part). */
  double d2(double z);

  /**
   * s[i] = σ(z[i]) and, unless ds is null, ds[i] = σ′(z[i]) for i &lt; n, equal to {@link #value}
   * and {@link #d1} element by element; activations override it where σ′ follows cheaply from σ
   * (tanh, sigmoid).
   */
  default void valueAndD1(double[] z, double[] s, double[] ds, int n) {
    for (int i = 0; i < n; i++) {
      s[i] = value(z[i]);
    }
    if (ds != null) {
      for (int i = 0; i < n; i++) {
        ds[i] = d1(z[i]);
      }
    }
  }

  /**
   * Points where σ, σ′ or σ″ is not smooth (sorted, usually empty or {0}). Quadrature splits its
   * range at each of them.
   */
  default double[] kinks() {
    return new double[0];
  }

  /**
   * The p-th derivative at 0, σ_p = σ^{(p)}(0), for p = 0..3 (used by the K*=0 universality class:
   * σ(z) = Σ σ_p z^p / p!). NaN where it does not exist (e.g. relu at p ≥ 2).
   */
  double taylor(int p);

  /**
   * Slopes (a₊, a₋) if σ(z) = a₊ z for z ≥ 0 and a₋ z for z < 0 (linear, relu, leaky relu);
   * {@code null} otherwise. Enables the scale-invariant closed forms.
   */
  default double[] scaleInvariantSlopes() {
    return null;
  }

  /** True where σ′ is a Dirac delta (step): the NTK and χ⊥ do not exist. */
  default boolean derivativeIsSingular() {
    return false;
  }
}

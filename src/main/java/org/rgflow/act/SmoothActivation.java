package org.rgflow.act;

import java.util.function.DoubleUnaryOperator;

/**
 * An activation given by closed-form σ, σ′, σ″ and Taylor coefficients (smooth except at the listed
 * kinks; for {@code step} σ′ is a Dirac delta and only its regular part, 0, is returned).
 */
public final class SmoothActivation implements Activation {
  private final String name;
  private final DoubleUnaryOperator f;
  private final DoubleUnaryOperator f1;
  private final DoubleUnaryOperator f2;
  private final double[] taylor;
  private final double[] kinks;
  private final boolean singular;
  /** σ′ as a function of σ (for {@link #valueAndD1}), or null. */
  private final DoubleUnaryOperator d1OfValue;

  /**
   * @param taylor σ_p = σ^{(p)}(0) for p = 0..3 (NaN where undefined)
   * @param kinks sorted non-smooth points
   * @param singular true if σ′ contains a Dirac delta
   */
  public SmoothActivation(String name, DoubleUnaryOperator f, DoubleUnaryOperator f1,
      DoubleUnaryOperator f2, double[] taylor, double[] kinks, boolean singular) {
    this(name, f, f1, f2, taylor, kinks, singular, null);
  }

  private SmoothActivation(String name, DoubleUnaryOperator f, DoubleUnaryOperator f1,
      DoubleUnaryOperator f2, double[] taylor, double[] kinks, boolean singular,
      DoubleUnaryOperator d1OfValue) {
    this.d1OfValue = d1OfValue;
    this.name = name;
    this.f = f;
    this.f1 = f1;
    this.f2 = f2;
    this.taylor = taylor.clone();
    this.kinks = kinks.clone();
    this.singular = singular;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public double value(double z) {
    return f.applyAsDouble(z);
  }

  @Override
  public double d1(double z) {
    return f1.applyAsDouble(z);
  }

  /**
   * The same activation, with σ′ = g(σ) used by {@link #valueAndD1} (one σ evaluation per element
   * instead of two). g must agree with the σ′ given to the constructor bit for bit, e.g. 1 − t² for
   * tanh when σ′ is written as 1 − tanh²; ActivationsTest checks it.
   */
  public SmoothActivation withD1OfValue(DoubleUnaryOperator g) {
    return new SmoothActivation(name, f, f1, f2, taylor, kinks, singular, g);
  }

  @Override
  public void valueAndD1(double[] z, double[] s, double[] ds, int n) {
    if (d1OfValue == null || ds == null) {
      Activation.super.valueAndD1(z, s, ds, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      double v = f.applyAsDouble(z[i]);
      s[i] = v;
      ds[i] = d1OfValue.applyAsDouble(v);
    }
  }

  @Override
  public double d2(double z) {
    return f2.applyAsDouble(z);
  }

  @Override
  public double[] kinks() {
    return kinks.clone();
  }

  @Override
  public double taylor(int p) {
    return p >= 0 && p < taylor.length ? taylor[p] : Double.NaN;
  }

  @Override
  public boolean derivativeIsSingular() {
    return singular;
  }

  @Override
  public String toString() {
    return name;
  }
}

package org.rgflow.act;

/**
 * σ(z) = a₊ z for z ≥ 0 and a₋ z for z &lt; 0 (docs/THEORY.md §2, "scale-invariant"). Linear is (1, 1),
 * relu (1, 0), leaky relu (1, a). Kink at 0 unless a₊ = a₋.
 */
public final class ScaleInvariant implements Activation {
  private final String name;
  private final double aPlus;
  private final double aMinus;

  /** @param name canonical name, e.g. {@code leaky_relu(0.2)} */
  public ScaleInvariant(String name, double aPlus, double aMinus) {
    this.name = name;
    this.aPlus = aPlus;
    this.aMinus = aMinus;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public double value(double z) {
    return z >= 0 ? aPlus * z : aMinus * z;
  }

  @Override
  public double d1(double z) {
    return z >= 0 ? aPlus : aMinus;
  }

  @Override
  public double d2(double z) {
    return 0;
  }

  @Override
  public double[] kinks() {
    return aPlus == aMinus ? new double[0] : new double[] {0};
  }

  @Override
  public double taylor(int p) {
    if (p == 0) {
      return 0;
    }
    if (aPlus != aMinus) {
      return Double.NaN;
    }
    return p == 1 ? aPlus : 0;
  }

  @Override
  public double[] scaleInvariantSlopes() {
    return new double[] {aPlus, aMinus};
  }

  /** A₂ = (a₊² + a₋²)/2. */
  public static double a2(double[] s) {
    return (s[0] * s[0] + s[1] * s[1]) / 2;
  }

  /** A₄ = (a₊⁴ + a₋⁴)/2. */
  public static double a4(double[] s) {
    return (Math.pow(s[0], 4) + Math.pow(s[1], 4)) / 2;
  }

  /** ν = 3A₄/A₂² − 1 (docs/THEORY.md §3–4; relu 5, linear 2). */
  public static double nu(double[] s) {
    double a2 = a2(s);
    return 3 * a4(s) / (a2 * a2) - 1;
  }

  @Override
  public String toString() {
    return name;
  }
}

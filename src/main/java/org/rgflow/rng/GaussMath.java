package org.rgflow.rng;

/**
 * The three transcendental functions of the Box–Muller transform — ln u, sin 2πu, cos 2πu for
 * u ∈ (0, 1] — written with IEEE-754 double +, −, ×, ÷ only (no FMA, no library call), so that a
 * device that evaluates the same expressions in the same order without FMA contraction reproduces
 * every bit (docs/RANDOMNESS.md §4). Accuracy: within 2 ulp of the correctly rounded value for ln,
 * within 2e-16 absolute for sin/cos (tested against {@link Math}).
 *
 * <p>Cost (napkin): ln is one division and 12 multiply-adds; sin/cos share an exact range reduction
 * (u is a dyadic number with ≤ 33 significant bits, so 4u and 4u − q are exact) and one polynomial
 * of 8 terms each.
 */
public final class GaussMath {
  private GaussMath() {}

  static final double LN2_HI = 6.93147180369123816490e-01; // ln 2 rounded to 32 significant bits
  static final double LN2_LO = 1.90821492927058770002e-10; // ln 2 − LN2_HI
  static final double SQRT2 = 1.4142135623730951;
  static final double HALF_PI = Math.PI / 2;
  // 2/(2k+1), k = 1..10: ln(1+f) = 2 atanh(s) = 2s + s·R(s²), R = Σ 2 s^{2k}/(2k+1).
  private static final double L1 = 2.0 / 3, L2 = 2.0 / 5, L3 = 2.0 / 7, L4 = 2.0 / 9,
      L5 = 2.0 / 11, L6 = 2.0 / 13, L7 = 2.0 / 15, L8 = 2.0 / 17, L9 = 2.0 / 19, L10 = 2.0 / 21;
  // Taylor coefficients of sin and cos on |φ| ≤ π/4 (truncation error < 1e-17).
  private static final double S3 = -1.0 / 6, S5 = 1.0 / 120, S7 = -1.0 / 5040, S9 = 1.0 / 362880,
      S11 = -1.0 / 39916800, S13 = 1.0 / 6227020800.0, S15 = -1.0 / 1307674368000.0;
  private static final double C2 = -0.5, C4 = 1.0 / 24, C6 = -1.0 / 720, C8 = 1.0 / 40320,
      C10 = -1.0 / 3628800, C12 = 1.0 / 479001600, C14 = -1.0 / 87178291200.0,
      C16 = 1.0 / 20922789888000.0;

  /**
   * ln u for a positive normal u: u = 2^k·m with m ∈ (√2/2, √2], f = m − 1 (exact), s = f/(2+f),
   * ln u = k·ln2_hi + (f − (½f² − s(½f² + R)) + k·ln2_lo), as fdlibm's e_log.c but with Taylor
   * coefficients 2/(2k+1).
   */
  public static double ln(double u) {
    long bits = Double.doubleToRawLongBits(u);
    int k = (int) (bits >>> 52) - 1023;
    double m = Double.longBitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
    if (m > SQRT2) {
      m *= 0.5;
      k++;
    }
    double f = m - 1.0;
    double s = f / (2.0 + f);
    double z = s * s;
    double r = z * (L1 + z * (L2 + z * (L3 + z * (L4 + z * (L5 + z * (L6 + z * (L7 + z * (L8
        + z * (L9 + z * L10)))))))));
    double hfsq = 0.5 * f * f;
    double dk = k;
    return dk * LN2_HI + ((f - (hfsq - s * (hfsq + r))) + dk * LN2_LO);
  }

  /** The quadrant q = round(4u) ∈ 0..4 of angle 2πu, for u a dyadic number with ≤ 50 bits. */
  static int quadrant(double u) {
    return (int) (4.0 * u + 0.5);
  }

  static double sinPoly(double p) {
    double z = p * p;
    return p + p * z * (S3 + z * (S5 + z * (S7 + z * (S9 + z * (S11 + z * (S13 + z * S15))))));
  }

  static double cosPoly(double p) {
    double z = p * p;
    return 1.0 + z * (C2 + z * (C4 + z * (C6 + z * (C8 + z * (C10 + z * (C12 + z * (C14
        + z * C16)))))));
  }

  /** sin(2πu) for u ∈ [0, 1] with at most 50 significant bits (always true for contract uniforms). */
  public static double sin2pi(double u) {
    int q = quadrant(u);
    double p = (4.0 * u - q) * HALF_PI;
    switch (q & 3) {
      case 0: return sinPoly(p);
      case 1: return cosPoly(p);
      case 2: return -sinPoly(p);
      default: return -cosPoly(p);
    }
  }

  /** cos(2πu), same domain as {@link #sin2pi}. */
  public static double cos2pi(double u) {
    int q = quadrant(u);
    double p = (4.0 * u - q) * HALF_PI;
    switch (q & 3) {
      case 0: return cosPoly(p);
      case 1: return -sinPoly(p);
      case 2: return -cosPoly(p);
      default: return sinPoly(p);
    }
  }
}

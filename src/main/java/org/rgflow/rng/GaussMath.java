package org.rgflow.rng;

/**
 * The three transcendental functions of the Box–Muller transform — ln u, sin 2πu, cos 2πu for
 * u ∈ (0, 1] — written with IEEE-754 double +, −, ×, ÷ only (no FMA, no library call), so that a
 * device that evaluates the same expressions in the same order without FMA contraction reproduces
 * every bit (docs/RANDOMNESS.md §4). Accuracy: within 2 ulp of Math.log for ln, within 2e-15 of
 * Math.sin/cos(2πu) for sin/cos (tested against {@link Math}).
 *
 * <p>Cost (napkin): ln is one division and 12 multiply-adds; sin/cos share an exact range reduction
 * (u is a dyadic number with ≤ 33 significant bits, so 4u and 4u − q are exact) and one fdlibm
 * kernel polynomial each (k_sin.c, k_cos.c, with tail y = 0).
 */
public final class GaussMath {
  private GaussMath() {}

  static final double LN2_HI = 6.93147180369123816490e-01; // ln 2 rounded to 32 significant bits
  static final double LN2_LO = 1.90821492927058770002e-10; // ln 2 − LN2_HI
  static final double SQRT2 = 1.4142135623730951;
  static final double HALF_PI = Math.PI / 2;
  // fdlibm e_log.c minimax coefficients: R(s) ≈ Lg1 s² + Lg2 s⁴ + … + Lg7 s¹⁴ on |s| ≤ 0.1716.
  private static final double LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01,
      LG3 = 2.857142874366239149e-01, LG4 = 2.222219843214978396e-01,
      LG5 = 1.818357216161805012e-01, LG6 = 1.531383769920937332e-01,
      LG7 = 1.479819860511658591e-01;
  // fdlibm k_sin.c / k_cos.c minimax coefficients on |x| ≤ π/4.
  private static final double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03,
      S3 = -1.98412698298579493134e-04, S4 = 2.75573137070700676789e-06,
      S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
  private static final double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03,
      C3 = 2.48015872894767294178e-05, C4 = -2.75573143513906633035e-07,
      C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;

  /**
   * ln u for a positive normal u: u = 2^k·m with m ∈ (√2/2, √2], f = m − 1 (exact), s = f/(2+f),
   * ln u = k·ln2_hi + (f − (½f² − s(½f² + R)) + k·ln2_lo), as fdlibm's e_log.c.
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
    double w = z * z;
    double t1 = w * (LG2 + w * (LG4 + w * LG6));
    double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    double r = t2 + t1;
    double hfsq = 0.5 * f * f;
    double dk = k;
    return dk * LN2_HI + ((f - (hfsq - s * (hfsq + r))) + dk * LN2_LO);
  }

  /** The quadrant q = round(4u) ∈ 0..4 of angle 2πu, for u a dyadic number with ≤ 50 bits. */
  static int quadrant(double u) {
    return (int) (4.0 * u + 0.5);
  }

  /** fdlibm __kernel_sin(x, 0, 0). */
  static double sinPoly(double x) {
    double z = x * x;
    double v = z * x;
    double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
    return x + v * (S1 + z * r);
  }

  /**
   * fdlibm __kernel_cos(x, 0) without its |x| ≥ 0.3 refinement (always 1 − (z/2 − z·r)); the
   * refinement only matters at the last-ulp level and would cost an unpredictable branch.
   */
  static double cosPoly(double x) {
    double z = x * x;
    double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
    return 1.0 - (0.5 * z - z * r);
  }

  // Quadrant q (mod 4) of 2πu = qπ/2 + φ: sin = SS[q]·(q odd ? cos φ : sin φ),
  // cos = CS[q]·(q odd ? sin φ : cos φ).
  private static final double[] SIN_SIGN = {1, 1, -1, -1};
  private static final double[] COS_SIGN = {1, -1, -1, 1};

  /**
   * g = r·cos 2πu into {@code out[j]} and r·sin 2πu into {@code out[j+1]}, branch-free: φ = (4u − q)·π/2
   * with q = round(4u), one sin and one cos kernel, then a swap (q odd) and signs by table.
   */
  static void polar(double r, double u, double[] out, int j) {
    int q = quadrant(u);
    double p = (4.0 * u - q) * HALF_PI;
    double sp = sinPoly(p);
    double cp = cosPoly(p);
    int qm = q & 3;
    double odd = qm & 1;
    double even = 1 - odd;
    // exact selection: x·1 + y·0 = x
    double sinBase = even * sp + odd * cp;
    double cosBase = even * cp + odd * sp;
    out[j] = r * (COS_SIGN[qm] * cosBase);
    out[j + 1] = r * (SIN_SIGN[qm] * sinBase);
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

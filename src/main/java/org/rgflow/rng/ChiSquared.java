package org.rgflow.rng;

/**
 * Chi-squared variates χ²_ν (ν a positive integer) as a pure function of a Philox counter, for the
 * exact sampler's Bartlett draws (docs/EXACT_SAMPLER.md §2b).
 *
 * <p>Algorithm: Marsaglia and Tsang, <i>A simple method for generating gamma variables</i>, ACM TOMS
 * 26 (2000). χ²_ν = 2·Γ(a) with shape a = ν/2. For a ≥ 1: d = a − 1/3, c = 1/√(9d); an attempt
 * draws x ~ N(0, 1) and u ~ U(0, 1), sets v = (1 + c x)³ and accepts d·v when v &gt; 0 and
 * ln u &lt; x²/2 + d − d v + d ln v (the exact test, no squeeze). For ν = 1 (a = ½) it draws
 * Γ(3/2) the same way and multiplies by w² (w ~ U(0, 1), Γ(a) = Γ(a + 1)·w^{1/a}).
 *
 * <p>Counters: attempt t (0 ≤ t &lt; 4096) of variate {@code index} (0 ≤ index &lt; 2^20) reads the
 * block (c0 = index·4096 + t, c1, c2, c3) with the contract's key. Its words (x0, x1, x2, x3) give
 * x = √(−2 ln u0)·cos 2πu1 (lane 0 of the contract's Box–Muller, §4 of RANDOMNESS.md), u = u2 and
 * w = u3. Acceptance is above 0.95 for every a ≥ 1, so 4096 attempts never run out (probability
 * below 10^-5000); if they did, the call throws rather than return a biased value. The logarithms
 * are {@link StrictMath#log} (fdlibm, the same bits on every JVM).
 */
public final class ChiSquared {
  /** Attempts per variate (the low 12 bits of c0). */
  public static final int MAX_ATTEMPTS = 1 << 12;
  /** Variates per (c1, c2, c3) stream. */
  public static final int MAX_INDEX = 1 << 20;

  private ChiSquared() {}

  /** χ²_ν variate number {@code index} of the stream (c1, c2, c3) under the key of {@code seed}. */
  public static double draw(long seed, int index, int c1, int c2, int c3, int nu) {
    if (nu < 1 || index < 0 || index >= MAX_INDEX) {
      throw new IllegalArgumentException("chi-squared: need nu >= 1 and 0 <= index < 2^20, got nu = "
          + nu + ", index = " + index);
    }
    double a = nu == 1 ? 1.5 : 0.5 * nu;
    double d = a - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9.0 * d);
    int[] x = new int[4];
    int k0 = (int) seed;
    int k1 = (int) (seed >>> 32);
    for (int t = 0; t < MAX_ATTEMPTS; t++) {
      Philox4x32.block((index << 12) | t, c1, c2, c3, k0, k1, x);
      double g = Math.sqrt(-2.0 * GaussMath.ln(InitRng.uniform(x[0])))
          * GaussMath.cos2pi(InitRng.uniform(x[1]));
      double v = 1.0 + c * g;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = InitRng.uniform(x[2]);
      if (StrictMath.log(u) < 0.5 * g * g + d - d * v + d * StrictMath.log(v)) {
        double y = d * v;
        if (nu == 1) {
          double w = InitRng.uniform(x[3]);
          y *= w * w;
        }
        return 2.0 * y;
      }
    }
    throw new IllegalStateException("chi-squared: no acceptance in " + MAX_ATTEMPTS + " attempts");
  }
}

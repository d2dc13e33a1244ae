package org.rgflow.gauss;

import java.util.function.DoubleUnaryOperator;

/**
 * Two-input averages E[f(z_a)g(z_b)] by Mehler's expansion in the correlation ρ, with a rigorous
 * truncation bound; one set of 1-D coefficients per input, so a pair costs O({@link #TERMS}).
 *
 * <p>With z_a = √K_aa·x, z_b = √K_bb·y and (x, y) standard normal with correlation ρ,
 * E[f(z_a)g(z_b)] = Σ_n ρ^n f̂_n ĝ_n, f̂_n = E[f(√K_aa x) h_n(x)] in the orthonormal Hermite
 * polynomials h_n = He_n/√n! (h_{n+1} = (x h_n − √n h_{n−1})/√(n+1)). By Cauchy–Schwarz the terms
 * n ≥ N add at most |ρ|^N √(R_f R_g), R_f = E[f²] − Σ_{n&lt;N} f̂_n² (the energy the kept terms miss,
 * known per input). {@link #pair} returns null when that bound exceeds the tolerance, so callers
 * use it where |ρ| is moderate and another rule elsewhere. The coefficients come from
 * {@link GaussQuadrature} with a 1-D rule of panels 0.5 wide (errors ≲1e-14 up to K ≈ 10).
 */
public final class MehlerSeries {
  /** Number of kept terms N. */
  public static final int TERMS = 48;

  /** Finer than the default 1-D rule (tanh′ at K = 10 has poles 0.5 off the axis). */
  static final GaussQuadrature.Rule RULE = new GaussQuadrature.Rule(10, 0.5, 16);

  private final double[] fs;
  private final double[] fd;
  private final double normS;
  private final double normD;
  private final double restS;
  private final double restD;

  private MehlerSeries(double[] fs, double[] fd, double e2s, double e2d) {
    this.fs = fs;
    this.fd = fd;
    this.normS = e2s;
    this.normD = e2d;
    this.restS = rest(fs, e2s);
    this.restD = rest(fd, e2d);
  }

  private static double rest(double[] c, double e2) {
    double sum = 0;
    for (double v : c) {
      sum += v * v;
    }
    // rounding of E[f²] and of the sum (relative 1e-14) kept on the safe side
    return Math.max(0, e2 - sum) + 1e-14 * e2;
  }

  /** The coefficients of σ and σ′ at variance k, on {@code quad}'s 1-D rule. */
  public static MehlerSeries of(GaussQuadrature quad, double k, DoubleUnaryOperator s,
      DoubleUnaryOperator d) {
    double inv = 1 / Math.sqrt(k);
    int n = TERMS;
    double[] sq = new double[n];
    for (int i = 1; i < n; i++) {
      sq[i] = Math.sqrt(i);
    }
    double[] r = quad.expect(new double[][] {{k}}, 2 * n + 2, (z, o) -> {
      double x = z[0] * inv;
      double sv = s.applyAsDouble(z[0]);
      double dv = d.applyAsDouble(z[0]);
      double hm = 0;
      double h = 1;
      for (int i = 0; i < n; i++) {
        o[i] = sv * h;
        o[n + i] = dv * h;
        double hn = (x * h - sq[i] * hm) / Math.sqrt(i + 1);
        hm = h;
        h = hn;
      }
      o[2 * n] = sv * sv;
      o[2 * n + 1] = dv * dv;
    }, RULE);
    double[] cs = new double[n];
    double[] cd = new double[n];
    System.arraycopy(r, 0, cs, 0, n);
    System.arraycopy(r, n, cd, 0, n);
    return new MehlerSeries(cs, cd, r[2 * n], r[2 * n + 1]);
  }

  /**
   * {E[σ_aσ_b], E[σ′_aσ′_b]} at correlation rho, or null when the truncation bound exceeds
   * tol·√(E[σ_a²]E[σ_b²]) (likewise for σ′).
   */
  public static double[] pair(MehlerSeries a, MehlerSeries b, double rho, double tol) {
    double rn = Math.pow(Math.abs(rho), TERMS);
    if (!(rn * Math.sqrt(a.restS * b.restS) <= tol * Math.sqrt(a.normS * b.normS))
        || !(rn * Math.sqrt(a.restD * b.restD) <= tol * Math.sqrt(a.normD * b.normD))) {
      return null;
    }
    double ss = 0;
    double dd = 0;
    double p = 1;
    for (int i = 0; i < TERMS; i++) {
      ss += p * a.fs[i] * b.fs[i];
      dd += p * a.fd[i] * b.fd[i];
      p *= rho;
    }
    return new double[] {ss, dd};
  }
}

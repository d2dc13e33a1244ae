package org.rgflow.gauss;

import java.util.Arrays;
import org.hipparchus.analysis.integration.gauss.GaussIntegrator;
import org.hipparchus.analysis.integration.gauss.GaussIntegratorFactory;

/**
 * Gaussian averages of products of powers of a piecewise-linear activation σ(x) = a₊x (x ≥ 0),
 * a₋x (x &lt; 0) (linear, relu, leaky relu): E[Π_k σ(z_k)^{p_ck}] for several power vectors p_c at
 * once, z ~ N(0, M), M a d×d covariance (docs/THEORY.md, "Theory on many inputs").
 *
 * <p><b>Method.</b> As {@link GaussQuadrature}: whiten with the Cholesky factor, z_k = Σ_{j≤k} L_kj u_j,
 * and integrate u_1 … u_{d−1} with composite Gauss–Legendre panels, each axis split where its own
 * z_k crosses the kink and graded around the points where an inner z_r's kink sweeps past faster than
 * a panel (near-degenerate M). Two differences make it fast:
 * <ul>
 *   <li>the innermost variable is integrated in closed form: with x = m + s u, t = m/s,
 *       E[σ(x)^p] = s^p (a₊^p P_p(t) + (−a₋)^p P_p(−t)), where P_p(t) = E[(t+u)^p; u &gt; −t] is
 *       P_1 = tΦ + φ, P_2 = (t²+1)Φ + tφ, P_3 = (t³+3t)Φ + (t²+2)φ, P_4 = (t⁴+6t²+3)Φ + (t³+5t)φ
 *       (Φ, φ at t; {@link NormalCdf}), so a d-dimensional average costs a (d−1)-dimensional rule;
 *   <li>when the last two variables each appear once (every four-point set) they are integrated
 *       together in closed form, from the bivariate normal CDF Φ₂ (Sheppard's integral), so a
 *       four-dimensional average costs a two-dimensional rule;
 *   <li>for relu (a₋ = 0) an axis whose variable appears in every product is integrated only where
 *       z_k &gt; 0 (the products vanish elsewhere), halving its nodes.
 * </ul>
 * After the closed-form level the integrand of every outer axis is analytic on each piece, so the
 * panel rule converges fast; kinks stay exact. {@link #expect} returns null when M's Cholesky factor
 * drops a pivot (an exactly degenerate M); callers then use {@link GaussQuadrature}.
 *
 * <p>Thread-safe (scratch is per call).
 */
public final class PiecewiseLinearMoments {
  /**
   * The outer axes' rule for d = 2: U = 9, panels ≤ 1.5 wide, 10 points (≲ 5e-15 relative against a
   * tight reference on relu's a³b, a²b², ab³ at correlations 0.4–0.99).
   */
  public static final GaussQuadrature.Rule RULE2 = new GaussQuadrature.Rule(9, 1.5, 10);
  /**
   * For d ≥ 3: U = 8.5, panels ≤ 2 wide, 8 points (≲ 4e-11 relative on relu's four-point products at
   * correlations up to 0.998; today's {@link GaussQuadrature} default for d = 4 is ≈ 1e-10 there).
   */
  public static final GaussQuadrature.Rule RULE3 = new GaussQuadrature.Rule(8.5, 2.0, 8);
  private static final double PIVOT_TOL = 1e-13;
  private static final double GRADE = 2;
  /** Largest |conditional correlation| of the innermost pair integrated in closed form. */
  static final double PAIR_MAX_CORR = 0.9;
  /**
   * Gauss–Legendre points of the Φ₂ integral over θ ∈ [0, asin r]: 8 for |r| ≤ 0.5, 10 to 0.6, 12 to
   * 0.75, 20 to 0.9 (each ≤ 2e-16 absolute against 200 points for h, k in [−7, 7]).
   */
  static int phi2Points(double r) {
    double a = Math.abs(r);
    return a <= 0.5 ? 8 : a <= 0.6 ? 10 : a <= 0.75 ? 12 : 20;
  }

  /** Highest power of one variable the closed forms cover. */
  public static final int MAX_POWER = 4;

  private final double ap;
  private final double am;
  private final boolean kinked;
  private final double cutoff;
  private final double width;
  private final double[] glx;
  private final double[] glw;

  /** σ with slopes (a₊, a₋), integrated with the given outer rule. */
  public PiecewiseLinearMoments(double aPlus, double aMinus, GaussQuadrature.Rule rule) {
    this.ap = aPlus;
    this.am = aMinus;
    this.kinked = aPlus != aMinus;
    this.cutoff = rule.cutoff();
    this.width = rule.panelWidth();
    GaussIntegrator gi = legendre(rule.points());
    glx = new double[gi.getNumberOfPoints()];
    glw = new double[glx.length];
    for (int i = 0; i < glx.length; i++) {
      glx[i] = gi.getPoint(i);
      glw[i] = gi.getWeight(i);
    }
  }

  /** The outer rule for dimension d: {@link #RULE2} for d ≤ 2, else {@link #RULE3}. */
  public static GaussQuadrature.Rule ruleFor(int d) {
    return d <= 2 ? RULE2 : RULE3;
  }

  private static final GaussIntegrator[] RULES = new GaussIntegrator[33];

  private static synchronized GaussIntegrator legendre(int n) {
    if (RULES[n] == null) {
      RULES[n] = new GaussIntegratorFactory().legendre(n);
    }
    return RULES[n];
  }

  /**
   * E[Π_k σ(z_k)^{pow[c][k]}] for every c, z ~ N(0, m); pow[c][k] in 0..{@value #MAX_POWER}.
   *
   * @return the averages, or null when m's Cholesky factor has a zero pivot (degenerate m)
   */
  public double[] expect(double[][] m, int[][] pow) {
    int d = m.length;
    double[][] l = GaussQuadrature.cholesky(m);
    for (int k = 0; k < d; k++) {
      if (l[k][k] == 0) {
        return null;
      }
    }
    for (int[] p : pow) {
      for (int q : p) {
        if (q < 0 || q > MAX_POWER) {
          throw new IllegalArgumentException("power " + q + " outside 0.." + MAX_POWER);
        }
      }
    }
    return new Work(l, pow).run();
  }

  /** E[σ(x)^p], x ~ N(mean, s²), s &gt; 0, p ≤ 4. */
  double momentOf(double mean, double s, int p) {
    if (p == 0) {
      return 1;
    }
    double t = mean / s;
    double sp = s;
    for (int i = 1; i < p; i++) {
      sp *= s;
    }
    double phi = NormalCdf.pdf(t);
    double pos = ap == 0 ? 0 : pow(ap, p) * truncated(t, NormalCdf.cdf(t), phi, p);
    double neg = am == 0 ? 0 : pow(-am, p) * truncated(-t, NormalCdf.cdf(-t), phi, p);
    return sp * (pos + neg);
  }

  private static double pow(double a, int p) {
    double r = a;
    for (int i = 1; i < p; i++) {
      r *= a;
    }
    return r;
  }

  /** P_p(t) = E[(t+u)^p; u &gt; −t] from Φ(t) and φ(t). */
  static double truncated(double t, double cdf, double phi, int p) {
    double t2 = t * t;
    switch (p) {
      case 1:
        return t * cdf + phi;
      case 2:
        return (t2 + 1) * cdf + t * phi;
      case 3:
        return t * (t2 + 3) * cdf + (t2 + 2) * phi;
      case 4:
        return (t2 * (t2 + 6) + 3) * cdf + t * (t2 + 5) * phi;
      default:
        throw new IllegalArgumentException("power " + p);
    }
  }

  private final class Work {
    final int d;
    final int nc;
    final double[][] l;
    final int[][] pow;
    /** Whether axis k needs only z_k &gt; 0 (relu, the variable in every product). */
    final boolean[] positive;
    /** The powers of the innermost variable that occur, and per component its index. */
    final int[] innerPow;
    /** Graded inner variables per axis and their scales. */
    final int[][] gradeVars;
    final double[][] gradeScale;
    final double[][] z;
    final double[][] acc;
    final double[][] sigPow;
    final double[][] nodes;
    final double[][] weights;
    double[] bps = new double[16];
    /** Whether the innermost two variables are integrated in closed form (powers 1 and 1). */
    final boolean pairInner;
    /** Quadrature levels before the closed-form inner part. */
    final int outer;
    double sx;
    double sy;
    double pr;
    double ps;
    double[] thSin;
    double[] thC;
    double[] thW;

    Work(double[][] l, int[][] pow) {
      this.l = l;
      this.pow = pow;
      this.d = l.length;
      this.nc = pow.length;
      boolean pi = d >= 3;
      for (int[] p : pow) {
        pi &= p[d - 2] == 1 && p[d - 1] == 1;
      }
      if (pi) {
        int i = d - 2;
        int j = d - 1;
        sx = l[i][i];
        sy = Math.hypot(l[j][i], l[j][j]);
        pr = l[j][i] / sy;
        ps = l[j][j] / sy;
        pi = Math.abs(pr) <= PAIR_MAX_CORR;
      }
      pairInner = pi;
      outer = pairInner ? d - 2 : d - 1;
      if (pairInner) {
        int np = phi2Points(pr);
        GaussIntegrator g = legendre(np);
        double top = Math.asin(pr);
        thSin = new double[np];
        thC = new double[np];
        thW = new double[np];
        for (int q = 0; q < np; q++) {
          double th = 0.5 * top * (1 + g.getPoint(q));
          double c = Math.cos(th);
          thSin[q] = Math.sin(th);
          thC[q] = 0.5 / (c * c);
          thW[q] = 0.5 * top * g.getWeight(q) / (2 * Math.PI);
        }
      }
      positive = new boolean[d];
      for (int k = 0; k < d; k++) {
        boolean all = am == 0 && kinked;
        for (int[] p : pow) {
          all &= p[k] > 0;
        }
        positive[k] = all;
      }
      innerPow = new int[nc];
      for (int c = 0; c < nc; c++) {
        innerPow[c] = pow[c][d - 1];
      }
      gradeVars = new int[d][];
      gradeScale = new double[d][];
      int maxGrade = 0;
      for (int c = 0; c < d - 1; c++) {
        int[] gv = new int[d];
        double[] gs = new double[d];
        int ng = 0;
        int extra = 0;
        for (int r = c + 1; r < d; r++) {
          if (l[r][c] == 0 || !kinked) {
            continue;
          }
          double s2 = 0;
          for (int i = c + 1; i <= r; i++) {
            s2 += l[r][i] * l[r][i];
          }
          double sc = Math.sqrt(s2) / Math.abs(l[r][c]);
          if (sc < width) {
            gv[ng] = r;
            gs[ng] = sc;
            ng++;
            extra += 1 + 2 * (int) Math.ceil(Math.log(width / sc) / Math.log(GRADE) + 8);
          }
        }
        gradeVars[c] = Arrays.copyOf(gv, ng);
        gradeScale[c] = Arrays.copyOf(gs, ng);
        maxGrade = Math.max(maxGrade, extra);
      }
      bps = new double[maxGrade + 4];
      z = new double[d + 1][d];
      acc = new double[d + 1][nc];
      sigPow = new double[d][MAX_POWER + 1];
      int cap = ((int) Math.ceil(2 * cutoff / width) + maxGrade + 3) * glx.length;
      nodes = new double[d][cap];
      weights = new double[d][cap];
    }

    double[] run() {
      double[] out = new double[nc];
      if (d == 1) {
        inner(z[0], out, 1.0);
        return out;
      }
      level(0, out);
      return out;
    }

    /**
     * The innermost pair (x, y) = (z_{d−2}, z_{d−1}) in closed form (σ(x)σ(y) from x⁺y⁺, xy⁺, x⁺y and
     * xy for σ = a₋x + (a₊−a₋)x⁺): with h = m_x/s_x,
     * k = m_y/s_y, correlation r and s = √(1−r²), E[x⁺y⁺] = s_x s_y [(hk + r) Φ₂(h, k; r) + h φ(k) Φ((h−rk)/s)
     * + k φ(h) Φ((k−rh)/s) + s φ(h) φ((k−rh)/s)], Φ₂ by Sheppard's integral
     * Φ₂ = Φ(h)Φ(k) + (1/2π) ∫_0^{asin r} exp(−(h² + k² − 2hk sin θ)/(2cos²θ)) dθ (Gauss–Legendre,
     * {@link #phi2Points}; |r| ≤ {@value #PAIR_MAX_CORR}).
     */
    void innerPair(double[] zp, double[] out) {
      double h = zp[d - 2] / sx;
      double k = zp[d - 1] / sy;
      double phH = NormalCdf.pdf(h);
      double phK = NormalCdf.pdf(k);
      double a = (k - pr * h) / ps;
      double b = (h - pr * k) / ps;
      double hk2 = h * h + k * k;
      double hk = h * k;
      double p2 = NormalCdf.cdf(h) * NormalCdf.cdf(k);
      for (int q = 0; q < thW.length; q++) {
        p2 += thW[q] * Math.exp(-(hk2 - 2 * hk * thSin[q]) * thC[q]);
      }
      double f = (hk + pr) * p2 + h * phK * NormalCdf.cdf(b) + k * phH * NormalCdf.cdf(a)
          + ps * phH * NormalCdf.pdf(a);
      double v;
      double dl = ap - am;
      if (am == 0) {
        v = dl * dl * sx * sy * f;
      } else {
        // σ = a₋x + (a₊−a₋)x⁺: E[xy⁺] = m_x E[y⁺] + c Φ(k) (Stein), likewise E[x⁺y], E[xy] = m_x m_y + c
        double mx = zp[d - 2];
        double my = zp[d - 1];
        double c = sx * sy * pr;
        double cdfH = NormalCdf.cdf(h);
        double cdfK = NormalCdf.cdf(k);
        double exPlus = sx * (h * cdfH + phH);
        double eyPlus = sy * (k * cdfK + phK);
        double cross = mx * eyPlus + c * cdfK + my * exPlus + c * cdfH;
        v = am * am * (mx * my + c) + am * dl * cross + dl * dl * sx * sy * f;
      }
      for (int c = 0; c < nc; c++) {
        out[c] += v;
      }
    }

    /** Closed-form innermost average, times w, added into out. */
    void inner(double[] zp, double[] out, double w) {
      int k = d - 1;
      double s = l[k][k];
      double m = zp[k];
      double[] mom = sigPow[k];
      Arrays.fill(mom, Double.NaN);
      for (int c = 0; c < nc; c++) {
        int p = innerPow[c];
        if (Double.isNaN(mom[p])) {
          mom[p] = momentOf(m, s, p);
        }
        out[c] += w * mom[p];
      }
    }

    void level(int k, double[] out) {
      int n = buildNodes(k);
      double[] zin = z[k];
      double[] zout = z[k + 1];
      double[] xs = nodes[k];
      double[] ws = weights[k];
      boolean last = k == outer - 1;
      double[] in = acc[k + 1];
      double[] sp = sigPow[k];
      sp[0] = 1;
      for (int i = 0; i < n; i++) {
        double u = xs[i];
        System.arraycopy(zin, 0, zout, 0, d);
        for (int r = k; r < d; r++) {
          zout[r] += l[r][k] * u;
        }
        double zk = zout[k];
        double sg = zk >= 0 ? ap * zk : am * zk;
        for (int p = 1; p <= MAX_POWER; p++) {
          sp[p] = sp[p - 1] * sg;
        }
        Arrays.fill(in, 0);
        if (last && pairInner) {
          innerPair(zout, in);
        } else if (last) {
          inner(zout, in, 1.0);
        } else {
          level(k + 1, in);
        }
        double wt = ws[i];
        for (int c = 0; c < nc; c++) {
          out[c] += wt * sp[pow[c][k]] * in[c];
        }
      }
    }

    int buildNodes(int k) {
      double[] zp = z[k];
      double lkk = l[k][k];
      double lo = -cutoff;
      int nb = 0;
      double kinkU = -zp[k] / lkk;
      if (positive[k]) {
        lo = Math.max(lo, kinkU);
        if (!(lo < cutoff)) {
          return 0;
        }
      }
      bps[nb++] = lo;
      if (kinked && !positive[k] && kinkU > -cutoff && kinkU < cutoff) {
        bps[nb++] = kinkU;
      }
      for (int g = 0; g < gradeVars[k].length; g++) {
        int r = gradeVars[k][g];
        nb = addGraded(nb, lo, -zp[r] / l[r][k], gradeScale[k][g]);
      }
      bps[nb++] = cutoff;
      Arrays.sort(bps, 0, nb);
      return GaussQuadrature.normalPanels(bps, nb, width, glx, glw, nodes, weights, k);
    }

    /** Adds u and u ± sc·t, t = 1..8, 16, 32, … (below the panel width), inside (lo, U). */
    int addGraded(int nb, double lo, double u, double sc) {
      if (!(u > lo - width && u < cutoff + width)) {
        return nb;
      }
      nb = addBp(nb, lo, u);
      for (double t = 1; sc * t < width; t = t < 8 ? t + 1 : 2 * t) {
        nb = addBp(nb, lo, u - sc * t);
        nb = addBp(nb, lo, u + sc * t);
      }
      return nb;
    }

    int addBp(int nb, double lo, double u) {
      if (u > lo && u < cutoff) {
        if (nb >= bps.length - 1) {
          bps = Arrays.copyOf(bps, 2 * bps.length);
        }
        bps[nb++] = u;
      }
      return nb;
    }
  }
}

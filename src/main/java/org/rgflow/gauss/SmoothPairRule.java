package org.rgflow.gauss;

/**
 * Two-dimensional Gaussian averages E[f(z_a, z_b)] for <em>smooth</em> (analytic, kink-free)
 * integrands by the trapezoidal rule on the real line, with its own error check.
 *
 * <p><b>Method.</b> Whiten with the Cholesky factor, z_a = √K_aa·x, z_b = L_ba·x + s·y (s² = K_bb −
 * L_ba²), x, y iid N(0, 1), and sum over the grid x_i = i·h_x, y_j = j·h_y, |x|, |y| ≤ 8 with weights
 * h·φ(x). For an integrand analytic in a strip |Im x| &lt; a the trapezoidal rule converges like
 * e^{−2πa/h}, and the Gaussian weight alone adds an aliasing error ≈ 2e^{−2π²/h²}. The steps are
 * h = min(1, c/ω) with ω the axis' coefficient in z (√K_aa or |L_ba| for x, s for y): an O(1)-scale
 * feature of σ in z (tanh's poles at ±iπ/2) is then resolved.
 *
 * <p><b>Error check.</b> Every rule is computed on the fine grid (steps h/2) and on its even-indexed
 * sub-grid (steps h) in the same pass. Because the error of step h/2 is about the square of that of
 * step h, the fine result is returned only when the two agree to {@link #CHECK} relative to
 * √(E[f²])-scales of the outputs; otherwise the steps are halved (twice at most) and, if that fails
 * too, null is returned so the caller falls back to {@link GaussQuadrature}. Degenerate pairs (s² ≤
 * 1e-13 K_bb) also return null.
 *
 * <p>Stateless and thread-safe.
 */
public final class SmoothPairRule {
  /** s[i] = σ(z[i]), ds[i] = σ′(z[i]) for i &lt; n (e.g. {@code Activation::valueAndD1}). */
  @FunctionalInterface
  public interface ValueAndD1 {
    void eval(double[] z, double[] s, double[] ds, int n);
  }

  /** Grid truncation |x| ≤ X (tail mass 2φ(X)/X ≈ 1e-15). */
  static final double CUTOFF = 8;
  /** Largest coarse step (the Gaussian's own aliasing error 2e^{−2π²/h²} ≈ 5e-9 at h = 1). */
  static final double MAX_STEP = 1.0;
  /** Coarse step times the axis coefficient ω. */
  static final double STEP_SCALE = 0.75;
  /** Relative agreement of the coarse and fine results that accepts the fine one. */
  static final double CHECK = 1e-6;
  private static final int REFINEMENTS = 2;
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
  private static final double PIVOT_TOL = 1e-13;

  private SmoothPairRule() {}

  /**
   * {E[σ(z_a)σ(z_b)], E[σ′(z_a)σ′(z_b)]} for (z_a, z_b) ~ N(0, [[kaa, kab], [kab, kbb]]), or null when
   * the check fails or the pair is degenerate.
   */
  public static double[] kernelPair(double kaa, double kab, double kbb, ValueAndD1 f) {
    if (!(kaa > 0) || !(kbb > 0)) {
      return null;
    }
    double la = Math.sqrt(kaa);
    double lba = kab / la;
    double s2 = kbb - lba * lba;
    if (!(s2 > PIVOT_TOL * kbb)) {
      return null;
    }
    double s = Math.sqrt(s2);
    double hx = step(Math.max(la, Math.abs(lba)));
    double hy = step(s);
    for (int attempt = 0; attempt <= REFINEMENTS; attempt++) {
      double[] r = kernelPairOnGrid(la, lba, s, hx, hy, f);
      if (r != null) {
        return r;
      }
      hx *= 0.5;
      hy *= 0.5;
    }
    return null;
  }

  static double step(double omega) {
    return Math.min(MAX_STEP, STEP_SCALE / omega);
  }

  /** Fine grid of step h/2 over [−X, X] with an even half-count: nodes, weights h/2·φ(x). */
  private static double[][] grid(double h) {
    int half = 2 * (int) Math.ceil(CUTOFF / h);
    double hf = 0.5 * h;
    int n = 2 * half + 1;
    double[] x = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      double u = (i - half) * hf;
      x[i] = u;
      w[i] = hf * INV_SQRT_2PI * Math.exp(-0.5 * u * u);
    }
    return new double[][] {x, w};
  }

  private static double[] kernelPairOnGrid(double la, double lba, double s, double hx, double hy,
      ValueAndD1 f) {
    double[][] gx = grid(hx);
    double[][] gy = grid(hy);
    double[] xs = gx[0];
    double[] wx = gx[1];
    double[] ys = gy[0];
    double[] wy = gy[1];
    int nx = xs.length;
    int ny = ys.length;
    double[] z = new double[Math.max(nx, ny)];
    double[] sv = new double[z.length];
    double[] dv = new double[z.length];
    // outer values σ(z_a), σ′(z_a)
    double[] sa = new double[nx];
    double[] da = new double[nx];
    for (int i = 0; i < nx; i++) {
      z[i] = la * xs[i];
    }
    f.eval(z, sa, da, nx);
    double ssF = 0;
    double ssC = 0;
    double ddF = 0;
    double ddC = 0;
    double saa = 0;
    double daa = 0;
    double sbb = 0;
    double dbb = 0;
    for (int i = 0; i < nx; i++) {
      double mu = lba * xs[i];
      for (int j = 0; j < ny; j++) {
        z[j] = mu + s * ys[j];
      }
      f.eval(z, sv, dv, ny);
      double gs = 0;
      double gd = 0;
      double gsc = 0;
      double gdc = 0;
      double qs = 0;
      double qd = 0;
      for (int j = 0; j < ny; j += 2) {
        double w = wy[j];
        gsc += w * sv[j];
        gdc += w * dv[j];
      }
      for (int j = 0; j < ny; j++) {
        double w = wy[j];
        double v = sv[j];
        double d = dv[j];
        gs += w * v;
        gd += w * d;
        qs += w * v * v;
        qd += w * d * d;
      }
      double w = wx[i];
      ssF += w * sa[i] * gs;
      ddF += w * da[i] * gd;
      saa += w * sa[i] * sa[i];
      daa += w * da[i] * da[i];
      sbb += w * qs;
      dbb += w * qd;
      if ((i & 1) == 0) {
        ssC += w * sa[i] * gsc;
        ddC += w * da[i] * gdc;
      }
    }
    // the coarse sums carry weights h = 2·(h/2) per axis
    ssC *= 4;
    ddC *= 4;
    double scaleS = Math.sqrt(saa * sbb);
    double scaleD = Math.sqrt(daa * dbb);
    if (!(Math.abs(ssF - ssC) <= CHECK * scaleS) || !(Math.abs(ddF - ddC) <= CHECK * scaleD)) {
      return null;
    }
    return new double[] {ssF, ddF};
  }

  /**
   * E[f(z)] for z ~ N(0, m), m 2×2, f smooth with m outputs (every output checked against
   * √E[f_q²]), or null when the check fails or m is degenerate.
   */
  public static double[] expect(double[][] m, int outputs, GaussQuadrature.Integrand f) {
    double kaa = m[0][0];
    double kbb = m[1][1];
    if (!(kaa > 0) || !(kbb > 0)) {
      return null;
    }
    double la = Math.sqrt(kaa);
    double lba = m[1][0] / la;
    double s2 = kbb - lba * lba;
    if (!(s2 > PIVOT_TOL * kbb)) {
      return null;
    }
    double s = Math.sqrt(s2);
    double hx = step(Math.max(la, Math.abs(lba)));
    double hy = step(s);
    double[] zz = new double[2];
    double[] o = new double[outputs];
    for (int attempt = 0; attempt <= REFINEMENTS; attempt++) {
      double[][] gx = grid(hx);
      double[][] gy = grid(hy);
      double[] fine = new double[outputs];
      double[] coarse = new double[outputs];
      double[] sq = new double[outputs];
      for (int i = 0; i < gx[0].length; i++) {
        double x = gx[0][i];
        for (int j = 0; j < gy[0].length; j++) {
          zz[0] = la * x;
          zz[1] = lba * x + s * gy[0][j];
          f.eval(zz, o);
          double w = gx[1][i] * gy[1][j];
          boolean even = ((i | j) & 1) == 0;
          for (int q = 0; q < outputs; q++) {
            double v = w * o[q];
            fine[q] += v;
            sq[q] += v * o[q];
            if (even) {
              coarse[q] += v;
            }
          }
        }
      }
      boolean ok = true;
      for (int q = 0; q < outputs && ok; q++) {
        ok = Math.abs(fine[q] - 4 * coarse[q]) <= CHECK * Math.sqrt(sq[q]);
      }
      if (ok) {
        return fine;
      }
      hx *= 0.5;
      hy *= 0.5;
    }
    return null;
  }
}

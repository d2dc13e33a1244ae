package org.rgflow.gauss;

import java.util.function.DoubleUnaryOperator;

/**
 * Product averages E[Π_r σ(z_r)^{p_cr}] (one per component c) for z ~ N(0, K), K a d×d covariance
 * (d ≥ 2), for <em>smooth</em> σ (analytic near the real axis: tanh, gelu, swish, erf, …), by a
 * trapezoidal lattice in Cholesky coordinates with interpolated inner levels and its own error check.
 * It serves the index sets of V (docs/THEORY.md, "Theory on many inputs"); callers fall back to
 * {@link GaussQuadrature#expectProducts} when it returns null.
 *
 * <p><b>Lattice.</b> z_r = Σ_{j≤r} L_rj u_j with u iid N(0, 1). Axis j has the step h_j = min(H,
 * c/ω_j), ω_j = max_r |L_rj| its largest coefficient (σ's features, e.g. tanh's poles at ±iπ/2, sit
 * at distance ∝ 1/ω_j from the real u_j-axis); (H, c) = (0.9, 0.5) for four-point sets, (0.8, 0.35)
 * for three-point sets (a σ² factor) and (0.7, 0.2) for pairs (σ³ factors; one row, cheap). The outer d − 1 axes keep the nodes inside the ball
 * |u| ≤ 9 (mass outside ≤ 1e-16); the innermost axis runs over |u| ≤ 9.
 *
 * <p><b>Inner levels by tables.</b> The last variable z_D = μ_D + s·y (s = L_DD) enters only through
 * G_p(μ) = E_y[σ(μ + s y)^p], tabulated once per set on a uniform μ-grid of spacing δ ≈ 0.04 (the
 * y-step is an even multiple of δ/s at most the axis' step, so the table is a discrete convolution of
 * one σ-grid),
 * and z_C, C = D − 1, is read from a σ-table. Along one row of the C axis (outer coordinates fixed) both
 * arguments move by L_CC·h_C and L_DC·h_C; the table spacings are chosen so that these are even
 * multiples of δ, hence the 8-point Lagrange weights are fixed per row and a node costs two 8-term dot
 * products (σ-calls only on the grids and the outer levels). Where a spacing cannot be matched
 * (L_DC·h_C tiny, or a table would be too long) the weights are computed per node. For tanh the
 * 8-point interpolation error is ≲ 2·43·δ⁸·(2/π)⁹ ≈ 1e-11 at δ = 0.04 (0.02 for d ≤ 3).
 *
 * <p><b>Error check.</b> Each set is computed on two lattices: the one above, A, and the one shifted
 * by half a step on every axis, B, with tables offset by δ/2 (other interpolation nodes). The aliasing
 * errors of the trapezoidal rule from dual-lattice modes with an odd number of 2π/h_j steps (the
 * leading ones, along one axis) change sign under the half-step shift, so |A − B| is about twice the
 * error of either, and they cancel in (A + B)/2 (the body-centred lattice). Modes with an even number
 * (e.g. 2π(1/h_i, 1/h_j) for a strongly correlated pair of axes) neither show in |A − B| nor cancel.
 * The rule returns (A + B)/2 when |A − B| ≤ 1e-7 · Π_r E[σ(z_r)^{2p_cr}]^{1/2} for every component (the
 * 1-D moments by a fine 1-D trapezoid). Measured on tanh: on the kernels of tanh networks (K ≲ 0.7)
 * the error of (A + B)/2 is ≲ 1e-12 of the scale at |A − B| ≈ 1e-7; the worst case seen, a random
 * covariance with K up to 1.36 and a correlation 0.92, had 3.3e-9 at |A − B| = 2.9e-7 (then refined),
 * i.e. the undetected part is up to ~1e-2·|A − B|, ≲ 1e-9 of the scale under this threshold; the
 * interpolation error, not cancelled, is ≲ 1e-11.
 * When the check fails the steps are multiplied by 0.6 and both lattices redone once (about 4.6×
 * the cost in three outer dimensions); if that fails too, and for near-singular K (a pivot L_rr² ≤ 1e-10·K_rr), for K_rr ≤ 0, or when a lattice
 * or its innermost table would exceed {@link #MAX_NODES} nodes or multiply-adds (large K: σ kink-like on
 * the u-scale), it returns null.
 *
 * <p>Stateless and thread-safe; deterministic (no dependence on threads).
 */
public final class SmoothProductRule {
  static final double RADIUS = 9;
  /** Steps h = min(MAX_STEP[d], STEP_SCALE[d]/ω) for d = 2, 3 and ≥ 4 (index min(d, 4)). */
  static final double[] MAX_STEP = {0, 0, 0.7, 0.8, 0.9};
  static final double[] STEP_SCALE = {0, 0, 0.2, 0.35, 0.5};
  /** Table spacing targets (d ≥ 4, d ≤ 3). */
  static final double DELTA4 = 0.04;
  static final double DELTA3 = 0.02;
  static final double CHECK = 1e-7;
  /** Step factors tried in turn while the check fails. */
  private static final double[] REFINE = {1, 0.6};
  /** Diagnostics: -Drgflow.debugSmooth=true prints A, B and |A − B|/scale of every set to stderr. */
  static final boolean DEBUG = Boolean.getBoolean("rgflow.debugSmooth");
  static final double PIVOT_TOL = 1e-10;
  /** Largest number of lattice nodes (outer axes and C axis) per lattice, and of G-table terms. */
  static final double MAX_NODES = 4e6;
  /** Longest table; beyond it the row trick is given up for per-node weights at spacing DELTA. */
  static final int MAX_TABLE = 20000;
  private static final int ORDER = 8;
  /** Stencil offsets −3..4 around floor(position). */
  private static final int LEFT = 3;
  private static final int MARGIN = ORDER + 2;
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
  private static final double[] INV_DEN = new double[ORDER];

  static {
    for (int t = 0; t < ORDER; t++) {
      double den = 1;
      for (int u = 0; u < ORDER; u++) {
        if (u != t) {
          den *= t - u;
        }
      }
      INV_DEN[t] = 1 / den;
    }
  }

  private SmoothProductRule() {}

  /**
   * E[Π_r g(z_r)^{pow[c][r]}] for every c, z ~ N(0, k), or null when the rule declines (see class
   * javadoc).
   */
  public static double[] expect(double[][] k, DoubleUnaryOperator g, int[][] pow) {
    int d = k.length;
    if (d < 2) {
      return null;
    }
    double[][] l = new double[d][d];
    for (int i = 0; i < d; i++) {
      if (!(k[i][i] > 0) || Double.isInfinite(k[i][i])) {
        return null;
      }
      for (int j = 0; j <= i; j++) {
        double s = k[i][j];
        for (int q = 0; q < j; q++) {
          s -= l[i][q] * l[j][q];
        }
        if (i == j) {
          if (!(s > PIVOT_TOL * k[i][i])) {
            return null;
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    double[] scale = scales(k, g, pow);
    int m = pow.length;
    for (double refine : REFINE) {
      double[] h = new double[d];
      double nodes = 1;
      for (int j = 0; j < d; j++) {
        double om = 0;
        for (int r = j; r < d; r++) {
          om = Math.max(om, Math.abs(l[r][j]));
        }
        int di = Math.min(d, 4);
        h[j] = refine * Math.min(MAX_STEP[di], STEP_SCALE[di] / om);
        if (j < d - 1) {
          nodes *= 2 * RADIUS / h[j] + 1;
        }
      }
      // the G table: one convolution of (range/δ) points with the y-axis' nodes
      double delta = d >= 4 ? DELTA4 : DELTA3;
      double table = (2 * RADIUS * Math.sqrt(k[d - 1][d - 1]) / delta + 2 * MARGIN)
          * (2 * RADIUS / h[d - 1] + 1);
      if (!(nodes <= MAX_NODES) || !(table <= MAX_NODES)) {
        return null;
      }
      Plan p = new Plan(d, l, h, g, pow, delta);
      double[] a = p.lattice(0, 0);
      double[] b = p.lattice(0.5, 0.5);
      double[] out = new double[m];
      boolean ok = true;
      for (int c = 0; c < m; c++) {
        double e = Math.abs(a[c] - b[c]) / scale[c];
        if (DEBUG) {
          System.err.printf("debug d=%d refine=%.2f c=%d A=%.15g B=%.15g |A-B|/scale=%.3e%n", d, refine,
              c, a[c], b[c], e);
        }
        ok &= e <= CHECK;
        out[c] = 0.5 * (a[c] + b[c]);
      }
      if (ok) {
        return out;
      }
    }
    return null;
  }

  /** Π_r E[g(z_r)^{2 pow[c][r]}]^{1/2} per component (1-D trapezoid, steps min(0.25, 0.1/√K_rr)). */
  static double[] scales(double[][] k, DoubleUnaryOperator g, int[][] pow) {
    int d = k.length;
    int m = pow.length;
    double[] out = new double[m];
    java.util.Arrays.fill(out, 1);
    for (int r = 0; r < d; r++) {
      int pmax = 0;
      for (int[] pc : pow) {
        pmax = Math.max(pmax, pc[r]);
      }
      if (pmax == 0) {
        continue;
      }
      double sd = Math.sqrt(k[r][r]);
      double hh = Math.min(0.25, 0.1 / sd);
      int n = (int) Math.ceil(RADIUS / hh);
      double[] mom = new double[pmax + 1];
      for (int i = -n; i <= n; i++) {
        double x = i * hh;
        double w = hh * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
        double v = g.applyAsDouble(sd * x);
        double v2 = v * v;
        double f = 1;
        for (int q = 1; q <= pmax; q++) {
          f *= v2;
          mom[q] += w * f;
        }
      }
      for (int c = 0; c < m; c++) {
        if (pow[c][r] > 0) {
          out[c] *= Math.sqrt(mom[pow[c][r]]);
        }
      }
    }
    return out;
  }

  /** Lagrange weights at fractional position f ∈ [0, 1) of the stencil −3..4 into w. */
  static void weights(double f, double[] w) {
    double[] pre = new double[ORDER + 1];
    pre[0] = 1;
    for (int u = 0; u < ORDER; u++) {
      pre[u + 1] = pre[u] * (f - (u - LEFT));
    }
    double suf = 1;
    for (int t = ORDER - 1; t >= 0; t--) {
      w[t] = pre[t] * suf * INV_DEN[t];
      suf *= f - (t - LEFT);
    }
  }

  /** One table T(t0 + iδ), i ∈ [0, n). */
  private static final class Table {
    final double t0;
    final double delta;
    final double[][] v; // [power index][i]

    Table(double t0, double delta, double[][] v) {
      this.t0 = t0;
      this.delta = delta;
      this.v = v;
    }
  }

  private static final class Plan {
    final int d;
    final int cc;
    final int dd;
    final double[][] l;
    final double[] h;
    final DoubleUnaryOperator g;
    final int[][] pow;
    final int m;
    /** Distinct powers of z_D and, per component, the index of its power. */
    final int[] powD;
    final int[] gIdx;
    final int[] pC;
    final int pCmax;

    final double delta;

    Plan(int d, double[][] l, double[] h, DoubleUnaryOperator g, int[][] pow, double delta) {
      this.delta = delta;
      this.d = d;
      this.cc = d - 2;
      this.dd = d - 1;
      this.l = l;
      this.h = h;
      this.g = g;
      this.pow = pow;
      this.m = pow.length;
      int[] distinct = new int[m];
      int nd = 0;
      gIdx = new int[m];
      pC = new int[m];
      int pcm = 0;
      for (int c = 0; c < m; c++) {
        int pd = pow[c][dd];
        int at = -1;
        for (int q = 0; q < nd; q++) {
          if (distinct[q] == pd) {
            at = q;
          }
        }
        if (at < 0) {
          distinct[nd] = pd;
          at = nd++;
        }
        gIdx[c] = at;
        pC[c] = pow[c][cc];
        pcm = Math.max(pcm, pC[c]);
      }
      powD = java.util.Arrays.copyOf(distinct, nd);
      pCmax = pcm;
    }

    /** The lattice u_j ∈ (Z + shift)·h_j, tables offset by tableShift·δ. */
    double[] lattice(double shift, double tableShift) {
      // σ table of z_C
      double rc = RADIUS * Math.sqrt(sumSq(cc, cc + 1));
      double stepC = l[cc][cc] * h[cc];
      int kc = 2 * Math.max(1, (int) Math.ceil(stepC / (2 * delta)));
      double deltaC = stepC / kc;
      boolean fastC = 2 * rc / deltaC <= MAX_TABLE;
      if (!fastC) {
        deltaC = delta;
      }
      int nC = (int) Math.ceil(2 * rc / deltaC) + 2 * MARGIN;
      double t0C = -rc - MARGIN * deltaC + tableShift * deltaC;
      double[] tc = new double[nC];
      for (int i = 0; i < nC; i++) {
        tc[i] = g.applyAsDouble(t0C + i * deltaC);
      }
      // G tables of z_D
      double s = l[dd][dd];
      double rd = RADIUS * Math.sqrt(sumSq(dd, dd));
      double stepD = l[dd][cc] * h[cc];
      boolean fastD = Math.abs(stepD) >= delta / 4;
      int kd = 0;
      double deltaD = delta;
      if (fastD) {
        kd = 2 * Math.max(1, (int) Math.ceil(Math.abs(stepD) / (2 * delta)));
        deltaD = Math.abs(stepD) / kd;
        if (2 * rd / deltaD > MAX_TABLE) {
          fastD = false;
          deltaD = delta;
        } else if (stepD < 0) {
          kd = -kd;
        }
      }
      Table gt = gTable(rd, deltaD, s, shift, tableShift);
      double[] out = new double[m];
      double[] z = new double[d];
      double[] prod = new double[m];
      java.util.Arrays.fill(prod, 1);
      Row row = new Row(tc, t0C, deltaC, fastC ? kc : 0, fastC, gt, fastD ? kd : 0, fastD, shift);
      outer(0, 0, 1, z, prod, out, row, shift);
      return out;
    }

    double sumSq(int r, int upto) {
      double s = 0;
      for (int j = 0; j < upto; j++) {
        s += l[r][j] * l[r][j];
      }
      return s;
    }

    /** G_p(μ) = Σ_q h_y φ(y_q) g(μ + s y_q)^p on μ_i = t0 + iδ, y_q ∈ (Z + shift)·h_y, |y_q| ≤ 9. */
    Table gTable(double rd, double delta, double s, double shift, double tableShift) {
      int n = (int) Math.ceil(2 * rd / delta) + 2 * MARGIN;
      double t0 = -rd - MARGIN * delta + tableShift * delta;
      double hyMax = h[dd];
      int mult = 2 * (int) Math.floor(s * hyMax / (2 * delta));
      double hy = mult >= 2 ? mult * delta / s : hyMax;
      int qlo = (int) Math.ceil(-RADIUS / hy - shift);
      int qhi = (int) Math.floor(RADIUS / hy - shift);
      int nq = qhi - qlo + 1;
      double[] wy = new double[nq];
      for (int q = 0; q < nq; q++) {
        double y = (q + qlo + shift) * hy;
        wy[q] = hy * INV_SQRT_2PI * Math.exp(-0.5 * y * y);
      }
      int np = powD.length;
      double[][] v = new double[np][n];
      if (mult >= 2) {
        // μ_i + s·y_q = t0 + (i + mult·(q + qlo) + mult·shift)·δ: one σ-grid, a discrete convolution
        int off = mult * qlo + (int) Math.round(mult * shift);
        int ns = n + mult * (nq - 1);
        double[][] sg = new double[np][ns];
        for (int j = 0; j < ns; j++) {
          double val = g.applyAsDouble(t0 + (j + off) * delta);
          for (int pi = 0; pi < np; pi++) {
            sg[pi][j] = ipow(val, powD[pi]);
          }
        }
        for (int pi = 0; pi < np; pi++) {
          double[] sv = sg[pi];
          double[] out = v[pi];
          for (int q = 0; q < nq; q++) {
            double w = wy[q];
            int base = mult * q;
            for (int i = 0; i < n; i++) {
              out[i] += w * sv[base + i];
            }
          }
        }
      } else {
        for (int i = 0; i < n; i++) {
          double mu = t0 + i * delta;
          for (int q = 0; q < nq; q++) {
            double val = g.applyAsDouble(mu + s * (q + qlo + shift) * hy);
            for (int pi = 0; pi < np; pi++) {
              v[pi][i] += wy[q] * ipow(val, powD[pi]);
            }
          }
        }
      }
      return new Table(t0, delta, v);
    }

    /** Outer axes 0..C−1 (ball |u| ≤ R), then the row of axis C. */
    void outer(int j, double r2, double wprod, double[] z, double[] prod, double[] out, Row row,
        double shift) {
      double ext = Math.sqrt(Math.max(0, RADIUS * RADIUS - r2));
      double hj = h[j];
      int lo = (int) Math.ceil(-ext / hj - shift);
      int hi = (int) Math.floor(ext / hj - shift);
      if (j == cc) {
        row.run(z, lo, hi, wprod, prod, out);
        return;
      }
      double[] z2 = new double[d];
      double[] prod2 = new double[m];
      for (int i = lo; i <= hi; i++) {
        double u = (i + shift) * hj;
        for (int r = 0; r < d; r++) {
          z2[r] = r > j ? z[r] + l[r][j] * u : z[r];
        }
        double sv = g.applyAsDouble(z2[j] + l[j][j] * u);
        for (int c = 0; c < m; c++) {
          prod2[c] = prod[c] * ipow(sv, pow[c][j]);
        }
        double w = hj * INV_SQRT_2PI * Math.exp(-0.5 * u * u);
        outer(j + 1, r2 + u * u, wprod * w, z2, prod2, out, row, shift);
      }
    }

    /** The C axis: σ(z_C) and G_p(μ_D) from the tables. */
    final class Row {
      final double[] tc;
      final double t0C;
      final double deltaC;
      final int kc;
      final boolean fastC;
      final Table gt;
      final int kd;
      final boolean fastD;
      final double shift;
      final double[] wc = new double[ORDER];
      final double[] wd = new double[ORDER];
      final double[] gv;
      final double[] acc;

      Row(double[] tc, double t0C, double deltaC, int kc, boolean fastC, Table gt, int kd,
          boolean fastD, double shift) {
        this.tc = tc;
        this.t0C = t0C;
        this.deltaC = deltaC;
        this.kc = kc;
        this.fastC = fastC;
        this.gt = gt;
        this.kd = kd;
        this.fastD = fastD;
        this.shift = shift;
        this.gv = new double[powD.length];
        this.acc = new double[m];
        double hc = h[cc];
        rowLo = (int) Math.ceil(-RADIUS / hc - shift);
        int rowHi = (int) Math.floor(RADIUS / hc - shift);
        wRow = new double[rowHi - rowLo + 1];
        for (int i = rowLo; i <= rowHi; i++) {
          double u = (i + shift) * hc;
          wRow[i - rowLo] = hc * INV_SQRT_2PI * Math.exp(-0.5 * u * u);
        }
      }

      /** Trapezoid weights h_C φ(u_i) of the C axis, from index rowLo. */
      final double[] wRow;
      final int rowLo;

      private double simpleRow(int lo, int hi, int bc, int bd) {
        final double[] t = tc;
        final double[] gg = gt.v[0];
        final double c0 = wc[0];
        final double c1 = wc[1];
        final double c2 = wc[2];
        final double c3 = wc[3];
        final double c4 = wc[4];
        final double c5 = wc[5];
        final double c6 = wc[6];
        final double c7 = wc[7];
        final double d0 = wd[0];
        final double d1 = wd[1];
        final double d2 = wd[2];
        final double d3 = wd[3];
        final double d4 = wd[4];
        final double d5 = wd[5];
        final double d6 = wd[6];
        final double d7 = wd[7];
        final double[] wr = wRow;
        final int kcc = kc;
        final int kdd = kd;
        int jc = bc;
        int jd = bd;
        double sum = 0;
        for (int i = lo; i <= hi; i++, jc += kcc, jd += kdd) {
          double sc = c0 * t[jc] + c1 * t[jc + 1] + c2 * t[jc + 2] + c3 * t[jc + 3]
              + c4 * t[jc + 4] + c5 * t[jc + 5] + c6 * t[jc + 6] + c7 * t[jc + 7];
          double gv = d0 * gg[jd] + d1 * gg[jd + 1] + d2 * gg[jd + 2] + d3 * gg[jd + 3]
              + d4 * gg[jd + 4] + d5 * gg[jd + 5] + d6 * gg[jd + 6] + d7 * gg[jd + 7];
          sum += wr[i - rowLo] * sc * gv;
        }
        return sum;
      }

      void run(double[] z, int lo, int hi, double wprod, double[] prod, double[] out) {
        if (hi < lo) {
          return;
        }
        double hc = h[cc];
        double lcc = l[cc][cc];
        double ldc = l[dd][cc];
        double muC = z[cc];
        double muD = z[dd];
        java.util.Arrays.fill(acc, 0);
        double u0 = (lo + shift) * hc;
        double posC = (muC + lcc * u0 - t0C) / deltaC;
        double posD = (muD + ldc * u0 - gt.t0) / gt.delta;
        int bc = (int) Math.floor(posC);
        int bd = (int) Math.floor(posD);
        if (fastC) {
          weights(posC - bc, wc);
        }
        if (fastD) {
          weights(posD - bd, wd);
        }
        bc -= LEFT;
        bd -= LEFT;
        int np = powD.length;
        boolean simple = m == 1 && pC[0] == 1 && np == 1;
        if (simple && fastC && fastD) {
          // the four-point sets: two 8-term dot products per node, weights in registers
          acc[0] = simpleRow(lo, hi, bc, bd);
          out[0] += wprod * prod[0] * acc[0];
          return;
        }
        for (int i = lo; i <= hi; i++) {
          double u = (i + shift) * hc;
          double w = wRow[i - rowLo];
          int jc;
          if (fastC) {
            jc = bc + (i - lo) * kc;
          } else {
            double p = (muC + lcc * u - t0C) / deltaC;
            int f = (int) Math.floor(p);
            weights(p - f, wc);
            jc = f - LEFT;
          }
          int jd;
          if (fastD) {
            jd = bd + (i - lo) * kd;
          } else {
            double p = (muD + ldc * u - gt.t0) / gt.delta;
            int f = (int) Math.floor(p);
            weights(p - f, wd);
            jd = f - LEFT;
          }
          double sc = dot(tc, jc, wc);
          if (simple) {
            acc[0] += w * sc * dot(gt.v[0], jd, wd);
            continue;
          }
          for (int pi = 0; pi < np; pi++) {
            gv[pi] = dot(gt.v[pi], jd, wd);
          }
          for (int c = 0; c < m; c++) {
            acc[c] += w * ipow(sc, pC[c]) * gv[gIdx[c]];
          }
        }
        for (int c = 0; c < m; c++) {
          out[c] += wprod * prod[c] * acc[c];
        }
      }
    }
  }

  private static double dot(double[] t, int j, double[] w) {
    return w[0] * t[j] + w[1] * t[j + 1] + w[2] * t[j + 2] + w[3] * t[j + 3]
        + w[4] * t[j + 4] + w[5] * t[j + 5] + w[6] * t[j + 6] + w[7] * t[j + 7];
  }

  private static double ipow(double v, int p) {
    double f = 1;
    for (int e = 0; e < p; e++) {
      f *= v;
    }
    return f;
  }
}

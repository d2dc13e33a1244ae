package org.rgflow.layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rgflow.act.Activation;
import org.rgflow.core.Parallel;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.gauss.MehlerSeries;
import org.rgflow.gauss.PiecewiseLinearMoments;
import org.rgflow.gauss.SmoothPairRule;
import org.rgflow.gauss.SmoothProductRule;

/**
 * The Gaussian averages of σ at one layer's kernel K, which every layer type's recursion step reads
 * (docs/THEORY.md §1–§3, §6). All are computed with {@link GaussQuadrature}, so kinks are exact.
 *
 * <p><b>Derivative tensors without derivatives.</b> By Stein's lemma,
 * ½ Σ K^{β1γ1}K^{β2γ2}⟨O (z_γ1 z_γ2 − K_γ1γ2)⟩ = ½⟨∂_β1∂_β2 O⟩ ≡ ½ D2_{β1β2}[O], which for
 * O = σ_a σ_b vanishes unless β1, β2 ∈ {a, b}; on the (≤2-dim) marginal M of (z_a, z_b),
 * D2_{ij}[O] = ⟨O H_ij⟩ and D4_{ijkl}[O] = ⟨O H_ijkl⟩ with the Hermite polynomials of N(0, M)
 * (y = M⁻¹z, P = M⁻¹): H_ij = y_i y_j − P_ij and
 * H_ijkl = y_i y_j y_k y_l − (P_ij y_k y_l + 5 perms) + (P_ij P_kl + P_ik P_jl + P_il P_jk).
 * No σ″ is needed, so relu/step kinks stay exact.
 *
 * <p>Cost for N distinct inputs: N one-dim integrals here; the steps add N(N−1)/2 two-dim integrals,
 * plus one |S|-dimensional integral per index set S of size 3 or 4 occurring in V (C(N,3) + C(N,4) of
 * them; a 4-dim integral is ≈ 5·10⁶ integrand calls, ≈ 0.2 s). N = 5 costs ≈ 1–2 s per layer.
 *
 * <p><b>Many inputs</b> (docs/THEORY.md, "Theory on many inputs"): pairs and index sets are computed in
 * parallel on {@link #threads(int)} threads, each into its own slot, so results do not depend on the
 * thread count. For piecewise-linear σ (linear, relu, leaky relu) the products ⟨σ…σ⟩ of the index sets
 * use {@link PiecewiseLinearMoments} (innermost variable in closed form, relu's vanishing half-spaces
 * skipped), and the kernels-only pair averages ⟨σ_aσ_b⟩, ⟨σ′_aσ′_b⟩ the arc-cosine closed forms. For
 * smooth σ (no kinks) the kernels-only pairs use {@link MehlerSeries} where its truncation bound is
 * below 1e-10 (moderate |ρ|), and all pairs otherwise {@link SmoothPairRule} (trapezoidal rule with
 * its own coarse/fine check, within 1e-8 of {@link GaussQuadrature}), falling back to
 * {@link GaussQuadrature} when the check fails.
 */
public final class Averages {
  final Activation act;
  final boolean singular;
  final GaussQuadrature quad;
  final int layer;
  final int n;
  final double[][] k;
  /** Single-input statistics at K_αα, indexed [α][S2..H2D]. */
  double[][] stats;
  /** (a₊, a₋) for piecewise-linear σ, else null. */
  private final double[] slopes;
  /** σ is smooth (no kinks, not piecewise linear): pairs use {@link SmoothPairRule} when its check passes. */
  private final boolean smooth;
  /** Per-input Mehler coefficients of σ and σ′ (smooth σ, kernels-only pairs), or null. */
  private MehlerSeries[] mehler;
  /** Truncation bound of the Mehler pairs, relative to √(E[σ_a²]E[σ_b²]). */
  private static final double MEHLER_TOL = 1e-10;
  private int threads = 1;

  // indices into stats[α]
  static final int S2 = 0;
  static final int S4 = 1;
  static final int D2 = 2;
  static final int D4 = 3;
  static final int SD = 4;
  static final int H2S = 5; // ⟨σ² H2⟩ = 2 ∂_K⟨σ²⟩ = D2_{αα}[σ²]
  static final int H4S = 6; // ⟨σ² H4⟩ = 4 ∂²_K⟨σ²⟩ = D4_{αααα}[σ²]
  static final int H2D = 7; // ⟨σ′² H2⟩ = 2 ∂_K⟨σ′²⟩
  static final int NSTATS = 8;

  /** The single-input averages at every K_αα of the state (the rest on demand, by the steps). */
  public Averages(Activation act, GaussQuadrature quad, KernelState s) {
    this.act = act;
    this.singular = act.derivativeIsSingular();
    this.quad = quad;
    this.layer = s.layer;
    this.k = s.k;
    this.n = k.length;
    this.slopes = act.scaleInvariantSlopes();
    this.smooth = slopes == null && act.kinks().length == 0 && !singular;
    diagStats();
  }

  /** Sets the number of threads of the pair and index-set loops (results do not depend on it). */
  public Averages threads(int t) {
    this.threads = Math.max(1, t);
    return this;
  }

  /**
   * Every pair's averages, [a][b] = [b][a]: with the Hermite moments (for V and G1) when
   * {@code hermite}, else only ⟨σ_aσ_b⟩ and ⟨σ′_aσ′_b⟩ (arc-cosine closed forms for piecewise-linear
   * σ); a = b from the single-input statistics.
   */
  public Pair[][] pairs(boolean hermite) {
    Pair[][] out = new Pair[n][n];
    int np = n * (n - 1) / 2;
    int[] pa = new int[np];
    int[] pb = new int[np];
    int q = 0;
    for (int a = 0; a < n; a++) {
      out[a][a] = pair(a, a);
      for (int b = a + 1; b < n; b++) {
        pa[q] = a;
        pb[q] = b;
        q++;
      }
    }
    if (smooth && !hermite && mehler == null) {
      MehlerSeries[] ms = new MehlerSeries[n];
      Parallel.forEach(n, threads, a -> ms[a] = MehlerSeries.of(quad, k[a][a], act::value, act::d1));
      mehler = ms;
    }
    Parallel.forEach(np, threads, i -> {
      int a = pa[i];
      int b = pb[i];
      Pair p = hermite ? pair(a, b) : pairNoHermite(a, b);
      out[a][b] = p;
      out[b][a] = p;
    });
    return out;
  }

  /** Whether σ′ is a Dirac delta (step): the NTK is undefined. */
  public boolean singular() {
    return singular;
  }

  /** ∂_K⟨σ²⟩ at K_αα. */
  public double dSigma2(int a) {
    return 0.5 * stats[a][H2S];
  }

  /** ⟨σ′²⟩ at K_αα. */
  public double sigmaPrime2(int a) {
    return stats[a][D2];
  }

  /** 1D averages at K_αα for every input: σ², σ⁴, σ′², σ′⁴, σ′²σ², and the Hermite moments. */
  private void diagStats() {
    stats = new double[n][];
    for (int a = 0; a < n; a++) {
      double kk = k[a][a];
      double inv = 1 / kk;
      stats[a] = quad.expect(new double[][] {{kk}}, NSTATS, (z, o) -> {
        double x = z[0];
        double s = act.value(x);
        double d = act.d1(x);
        double s2 = s * s;
        double d2 = d * d;
        double y = x * inv;
        double h2 = y * y - inv;
        double h4 = y * y * y * y - 6 * y * y * inv + 3 * inv * inv;
        o[S2] = s2;
        o[S4] = s2 * s2;
        o[D2] = d2;
        o[D4] = d2 * d2;
        o[SD] = s2 * d2;
        o[H2S] = s2 * h2;
        o[H4S] = s2 * h4;
        o[H2D] = d2 * h2;
      });
    }
  }

  /** Pair data: ⟨σaσb⟩, ⟨σ′aσ′b⟩, local D2 (by number of b-indices 0..2), local D4 (0..4). */
  static final class Pair {
    double ss;
    double dd;
    double[] d2;
    double[] d4;
    int[] vars; // {a} or {a, b}
  }

  Pair pair(int a, int b) {
    Pair p = new Pair();
    if (a == b) {
      double[] st = stats[a];
      p.ss = st[S2];
      p.dd = st[D2];
      p.d2 = new double[] {st[H2S]};
      p.d4 = new double[] {st[H4S]};
      p.vars = new int[] {a};
      return p;
    }
    double[][] m = {{k[a][a], k[a][b]}, {k[b][a], k[b][b]}};
    double det = m[0][0] * m[1][1] - m[0][1] * m[0][1];
    if (!(det > 1e-12 * m[0][0] * m[1][1])) {
      throw new DegenerateException("inputs " + a + " and " + b + " are (anti)parallel at layer " + layer
          + " (|rho| = 1): V and G1 need a non-degenerate two-input kernel");
    }
    double p00 = m[1][1] / det;
    double p11 = m[0][0] / det;
    double p01 = -m[0][1] / det;
    GaussQuadrature.Integrand hermite = (z, o) -> {
      double sa = act.value(z[0]);
      double sb = act.value(z[1]);
      double o0 = sa * sb;
      o[0] = o0;
      o[1] = act.d1(z[0]) * act.d1(z[1]);
      double y0 = p00 * z[0] + p01 * z[1];
      double y1 = p01 * z[0] + p11 * z[1];
      // H2 by number of 1-indices
      o[2] = o0 * (y0 * y0 - p00);
      o[3] = o0 * (y0 * y1 - p01);
      o[4] = o0 * (y1 * y1 - p11);
      // H4_{ijkl}: canonical tuples 0000, 0001, 0011, 0111, 1111
      double y00 = y0 * y0;
      double y01 = y0 * y1;
      double y11 = y1 * y1;
      o[5] = o0 * (y00 * y00 - 6 * p00 * y00 + 3 * p00 * p00);
      o[6] = o0 * (y00 * y01 - 3 * p00 * y01 - 3 * p01 * y00 + 3 * p00 * p01);
      o[7] = o0 * (y00 * y11 - p00 * y11 - 4 * p01 * y01 - p11 * y00 + p00 * p11 + 2 * p01 * p01);
      o[8] = o0 * (y11 * y01 - 3 * p11 * y01 - 3 * p01 * y11 + 3 * p11 * p01);
      o[9] = o0 * (y11 * y11 - 6 * p11 * y11 + 3 * p11 * p11);
    };
    double[] r = smooth ? SmoothPairRule.expect(m, 10, hermite) : null;
    if (r == null) {
      r = quad.expect(m, 10, hermite);
    }
    p.ss = r[0];
    p.dd = r[1];
    p.d2 = new double[] {r[2], r[3], r[4]};
    p.d4 = new double[] {r[5], r[6], r[7], r[8], r[9]};
    p.vars = new int[] {a, b};
    return p;
  }

  /** Thrown when a two-input marginal is singular; the engine reports it as a note. */
  public static final class DegenerateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DegenerateException(String m) {
      super(m);
    }
  }

  Pair pairNoHermite(int a, int b) {
    if (slopes != null) {
      return arcCosine(a, b);
    }
    double[] r = null;
    if (smooth) {
      double rho = k[a][b] / Math.sqrt(k[a][a] * k[b][b]);
      r = mehler == null ? null : MehlerSeries.pair(mehler[a], mehler[b], rho, MEHLER_TOL);
      r = r != null ? r : SmoothPairRule.kernelPair(k[a][a], k[a][b], k[b][b], act::valueAndD1);
    }
    double[][] m = {{k[a][a], k[a][b]}, {k[b][a], k[b][b]}};
    r = r != null ? r : quad.expect(m, 2, (z, o) -> {
      o[0] = act.value(z[0]) * act.value(z[1]);
      o[1] = act.d1(z[0]) * act.d1(z[1]);
    });
    Pair p = new Pair();
    p.ss = r[0];
    p.dd = r[1];
    p.vars = new int[] {a, b};
    return p;
  }

  /**
   * ⟨σ_aσ_b⟩ and ⟨σ′_aσ′_b⟩ for σ = a₊x⁺ − a₋x⁻ in closed form (Cho–Saul arc-cosine kernels): with
   * σ = a₋x + (a₊−a₋)relu(x), E[z_a relu(z_b)] = K_ab/2, E[relu relu] = √(K_aaK_bb)(sin θ + (π−θ)cos θ)/2π
   * and E[1{z_a&gt;0}1{z_b&gt;0}] = (π−θ)/2π, cos θ = K_ab/√(K_aaK_bb).
   */
  private Pair arcCosine(int a, int b) {
    double ap = slopes[0];
    double am = slopes[1];
    double dlt = ap - am;
    double kab = k[a][b];
    double norm = Math.sqrt(k[a][a] * k[b][b]);
    double c = Math.max(-1, Math.min(1, kab / norm));
    double th = Math.acos(c);
    double sin = Math.sqrt(Math.max(0, 1 - c * c));
    double j1 = norm * (sin + (Math.PI - th) * c) / (2 * Math.PI);
    double j0 = (Math.PI - th) / (2 * Math.PI);
    Pair p = new Pair();
    p.ss = am * am * kab + am * dlt * kab + dlt * dlt * j1;
    p.dd = am * am + am * dlt + dlt * dlt * j0;
    p.vars = new int[] {a, b};
    return p;
  }

  /** ⟨σa1σa2σa3σa4⟩ for a1≤a2, a3≤a4, (a1,a2)≤(a3,a4), one integral per distinct index set. */
  double[][][][] fourPoint() {
    double[][][][] out = new double[n][n][n][n];
    Map<List<Integer>, List<int[]>> bySet = new HashMap<>();
    for (int a1 = 0; a1 < n; a1++) {
      for (int a2 = a1; a2 < n; a2++) {
        for (int a3 = 0; a3 < n; a3++) {
          for (int a4 = a3; a4 < n; a4++) {
            if (a3 * n + a4 < a1 * n + a2) {
              continue;
            }
            int[] idx = {a1, a2, a3, a4};
            int[] set = Arrays.stream(idx).distinct().sorted().toArray();
            List<Integer> key = new ArrayList<>();
            for (int s : set) {
              key.add(s);
            }
            bySet.computeIfAbsent(key, x -> new ArrayList<>()).add(idx);
          }
        }
      }
    }
    List<List<Integer>> sets = new ArrayList<>(bySet.keySet());
    PiecewiseLinearMoments[] pl = slopes == null ? null : new PiecewiseLinearMoments[] {
        new PiecewiseLinearMoments(slopes[0], slopes[1], PiecewiseLinearMoments.ruleFor(2)),
        new PiecewiseLinearMoments(slopes[0], slopes[1], PiecewiseLinearMoments.ruleFor(3))};
    Parallel.forEach(sets.size(), threads, si -> {
      List<Integer> set = sets.get(si);
      List<int[]> comps = bySet.get(set);
      int d = set.size();
      if (d == 1) {
        int a = set.get(0);
        out[a][a][a][a] = stats[a][S4];
        return;
      }
      double[][] m = new double[d][d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          m[i][j] = k[set.get(i)][set.get(j)];
        }
      }
      int[][] local = new int[comps.size()][4];
      int[][] pow = new int[comps.size()][d];
      for (int c = 0; c < comps.size(); c++) {
        for (int q = 0; q < 4; q++) {
          local[c][q] = set.indexOf(comps.get(c)[q]);
          pow[c][local[c][q]]++;
        }
      }
      double[] r = pl == null ? null : pl[d <= 2 ? 0 : 1].expect(m, pow);
      if (r == null && smooth) {
        r = SmoothProductRule.expect(m, act::value, pow);
      }
      if (r == null) {
        r = quad.expectProducts(m, act::value, pow);
      }
      for (int c = 0; c < comps.size(); c++) {
        int[] idx = comps.get(c);
        out[idx[0]][idx[1]][idx[2]][idx[3]] = r[c];
      }
    });
    return out;
  }
}

package org.rgflow.theory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * The layer-to-layer recursions on a set of <em>distinct</em> inputs (duplicates are removed by
 * {@link TheoryEngine}). All Gaussian averages ⟨·⟩ are at K^{(ℓ)} and computed with
 * {@link GaussQuadrature}, so kinks are exact.
 *
 * <p><b>Derivative tensors without derivatives.</b> By Stein's lemma,
 * ½ Σ K^{β1γ1}K^{β2γ2}⟨O (z_γ1 z_γ2 − K_γ1γ2)⟩ = ½⟨∂_β1∂_β2 O⟩ ≡ ½ D2_{β1β2}[O], which for
 * O = σ_a σ_b vanishes unless β1, β2 ∈ {a, b}; on the (≤2-dim) marginal M of (z_a, z_b),
 * D2_{ij}[O] = ⟨O H_ij⟩ and D4_{ijkl}[O] = ⟨O H_ijkl⟩ with the Hermite polynomials of N(0, M)
 * (y = M⁻¹z, P = M⁻¹): H_ij = y_i y_j − P_ij and
 * H_ijkl = y_i y_j y_k y_l − (P_ij y_k y_l + 5 perms) + (P_ij P_kl + P_ik P_jl + P_il P_jk).
 * No σ″ is needed, so relu/step kinks stay exact. (FORMULAS.md §1's Π and H, contracted.)
 *
 * <p>Cost per layer for N distinct inputs: N one-dim and N(N−1)/2 two-dim integrals, plus one
 * |S|-dimensional integral per index set S of size 3 or 4 occurring in V (C(N,3) + C(N,4) of them;
 * a 4-dim integral is ≈ 5·10⁶ integrand calls, ≈ 0.2 s). N = 5 costs ≈ 1–2 s per layer.
 */
final class Recursions {
  private final NetworkSpec spec;
  private final Activation act;
  private final boolean singular;
  private final GaussQuadrature quad;
  private final int n;

  /** Current state at layer ℓ. */
  int layer;
  double[][] k;
  double[][] g1;
  double[][][][] v;
  double[][] theta;
  double[] fa;
  double[] fb;
  double[] fd;
  double[] ff;
  /** Single-input statistics at the current layer (filled by {@link #diagStats}). */
  double[][] stats;

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

  Recursions(NetworkSpec spec, double[][] gram) {
    this.spec = spec;
    this.act = spec.activation();
    this.singular = act.derivativeIsSingular();
    this.quad = new GaussQuadrature(act.kinks());
    this.n = gram.length;
    layer = 1;
    k = new double[n][n];
    g1 = new double[n][n];
    v = new double[n][n][n][n];
    theta = new double[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        k[a][b] = spec.cb(1) + spec.cw(1) * gram[a][b];
        theta[a][b] = spec.lambdaB(1) + spec.lambdaW(1) * gram[a][b];
      }
    }
    fa = new double[n];
    fb = new double[n];
    fd = new double[n];
    ff = new double[n];
    checkKernel();
  }

  private void checkKernel() {
    for (int a = 0; a < n; a++) {
      if (!(k[a][a] > 0) || !Double.isFinite(k[a][a])) {
        if (k[a][a] == 0) {
          throw new SpecException("--inputs", "input " + a + " has K_aa = 0 at layer " + layer
              + " (zero input with C_b = 0?): the finite-width theory needs K_aa > 0");
        }
        throw new ArithmeticException("kernel diverged at layer " + layer + ": K_aa = " + k[a][a]);
      }
    }
  }

  /** C_W used for χ at the current layer: that of layer ℓ+1, or of layer L at the last layer. */
  double cwNext() {
    return spec.cw(Math.min(layer + 1, spec.depth()));
  }

  /** 1D averages at K_αα for every input: σ², σ⁴, σ′², σ′⁴, σ′²σ², and the Hermite moments. */
  void diagStats() {
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

  double chiPar(int a) {
    return cwNext() * 0.5 * stats[a][H2S];
  }

  double chiPerp(int a) {
    return cwNext() * stats[a][D2];
  }

  /** Pair data: ⟨σaσb⟩, ⟨σ′aσ′b⟩, local D2 (by number of b-indices 0..2), local D4 (0..4). */
  private static final class Pair {
    double ss;
    double dd;
    double[] d2;
    double[] d4;
    int[] vars; // {a} or {a, b}
  }

  private Pair pair(int a, int b) {
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
    double[] r = quad.expect(m, 10, (z, o) -> {
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
    });
    p.ss = r[0];
    p.dd = r[1];
    p.d2 = new double[] {r[2], r[3], r[4]};
    p.d4 = new double[] {r[5], r[6], r[7], r[8], r[9]};
    p.vars = new int[] {a, b};
    return p;
  }

  /** Thrown when a two-input marginal is singular; the engine reports it as a note. */
  static final class DegenerateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DegenerateException(String m) {
      super(m);
    }
  }

  /**
   * One step ℓ → ℓ+1 of every recursion (FORMULAS.md §2, §3, §6). Requires {@link #diagStats} at ℓ.
   * With C_b, C_W, λ of layer ℓ+1 and ρ = n_ℓ/n_{ℓ−1}:
   *
   * <pre>
   * K'_{ab}  = C_b + C_W ⟨σ_a σ_b⟩                                                    (§2)
   * V'_{(a1a2)(a3a4)} = C_W² [⟨σa1σa2σa3σa4⟩ − ⟨σa1σa2⟩⟨σa3σa4⟩]
   *            + (C_W²/4) ρ Σ_δ V_{(δ1δ2)(δ3δ4)} D2_{δ1δ2}[σa1σa2] D2_{δ3δ4}[σa3σa4]      (§3)
   * G1'_{ab} = ρ C_W [½ Σ_δ G1_{δ1δ2} D2_{δ1δ2}[σaσb] + ⅛ Σ_δ V_{(δ1δ2)(δ3δ4)} D4_{δ1..δ4}[σaσb]] (§3)
   * Θ'_{ab}  = λ_b + λ_W ⟨σ_a σ_b⟩ + C_W ⟨σ′_a σ′_b⟩ Θ_{ab}                            (§6)
   * single input (at K_αα, Θ_αα, V_(αα)(αα)), ω = λ_W ∂_K⟨σ²⟩ + C_W Θ ∂_K⟨σ′²⟩:          (§6)
   *   F' = C_W² Θ ⟨σ′²σ²⟩ + ρ χ∥² F
   *   B' = C_W² Θ² ⟨σ′⁴⟩ + ρ χ⊥² B
   *   D' = λ_W C_W (⟨σ⁴⟩−⟨σ²⟩²) + C_W² Θ (⟨σ′²σ²⟩ − ⟨σ′²⟩⟨σ²⟩) + ρ [χ∥ ω V + χ∥ χ⊥ D]
   *   A' = λ_W² (⟨σ⁴⟩−⟨σ²⟩²) + 2 λ_W C_W Θ (⟨σ′²σ²⟩ − ⟨σ′²⟩⟨σ²⟩) + C_W² Θ² (⟨σ′⁴⟩ − ⟨σ′²⟩²)
   *        + ρ [ω² V + 2 ω χ⊥ D + χ⊥² A]
   * </pre>
   *
   * @param withFiniteWidth false skips V and G1 (after a degenerate two-input kernel)
   */
  void step(boolean withFiniteWidth) {
    int next = layer + 1;
    double cb = spec.cb(next);
    double cw = spec.cw(next);
    double lb = spec.lambdaB(next);
    double lw = spec.lambdaW(next);
    double rho = (double) spec.width(layer) / spec.width(layer - 1);
    Pair[][] pairs = new Pair[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = a; b < n; b++) {
        if (a == b || withFiniteWidth) {
          pairs[a][b] = pair(a, b);
        } else {
          pairs[a][b] = pairNoHermite(a, b);
        }
        pairs[b][a] = pairs[a][b];
      }
    }
    double[][] k2 = new double[n][n];
    double[][] t2 = new double[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        Pair p = pairs[a][b];
        k2[a][b] = cb + cw * p.ss;
        t2[a][b] = lb + lw * p.ss + cw * p.dd * theta[a][b];
      }
    }
    double[][][][] v2 = new double[n][n][n][n];
    double[][] g2 = new double[n][n];
    if (withFiniteWidth) {
      double[][][][] four = fourPoint();
      for (int a1 = 0; a1 < n; a1++) {
        for (int a2 = a1; a2 < n; a2++) {
          Pair p = pairs[a1][a2];
          // G1
          double s1 = 0;
          double s2 = 0;
          int[] vs = p.vars;
          int m = vs.length;
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
              s1 += g1[vs[i]][vs[j]] * p.d2[i + j];
              for (int q = 0; q < m; q++) {
                for (int r = 0; r < m; r++) {
                  s2 += v[vs[i]][vs[j]][vs[q]][vs[r]] * p.d4[i + j + q + r];
                }
              }
            }
          }
          g2[a1][a2] = g2[a2][a1] = rho * cw * (0.5 * s1 + 0.125 * s2);
          // V
          for (int a3 = 0; a3 < n; a3++) {
            for (int a4 = a3; a4 < n; a4++) {
              if (a3 * n + a4 < a1 * n + a2) {
                continue;
              }
              Pair q = pairs[a3][a4];
              double sum = 0;
              int[] ws = q.vars;
              for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                  double dp = p.d2[i + j];
                  for (int x = 0; x < ws.length; x++) {
                    for (int y = 0; y < ws.length; y++) {
                      sum += v[vs[i]][vs[j]][ws[x]][ws[y]] * dp * q.d2[x + y];
                    }
                  }
                }
              }
              double val = cw * cw * (four[a1][a2][a3][a4] - p.ss * q.ss) + 0.25 * cw * cw * rho * sum;
              setSym(v2, val, a1, a2, a3, a4);
            }
          }
        }
      }
    }
    if (!singular) {
      for (int a = 0; a < n; a++) {
        double[] st = stats[a];
        double th = theta[a][a];
        double va = v[a][a][a][a];
        double cp = cw * 0.5 * st[H2S];
        double cq = cw * st[D2];
        double omega = lw * 0.5 * st[H2S] + cw * th * 0.5 * st[H2D];
        double varS2 = st[S4] - st[S2] * st[S2];
        double covSD = st[SD] - st[D2] * st[S2];
        double varD2 = st[D4] - st[D2] * st[D2];
        double f2 = cw * cw * th * st[SD] + rho * cp * cp * ff[a];
        double b2 = cw * cw * th * th * st[D4] + rho * cq * cq * fb[a];
        double d2 = lw * cw * varS2 + cw * cw * th * covSD + rho * (cp * omega * va + cp * cq * fd[a]);
        double a2 = lw * lw * varS2 + 2 * lw * cw * th * covSD + cw * cw * th * th * varD2
            + rho * (omega * omega * va + 2 * omega * cq * fd[a] + cq * cq * fa[a]);
        ff[a] = f2;
        fb[a] = b2;
        fd[a] = d2;
        fa[a] = a2;
      }
    }
    k = k2;
    theta = t2;
    v = v2;
    g1 = g2;
    layer = next;
    checkKernel();
  }

  private Pair pairNoHermite(int a, int b) {
    double[][] m = {{k[a][a], k[a][b]}, {k[b][a], k[b][b]}};
    double[] r = quad.expect(m, 2, (z, o) -> {
      o[0] = act.value(z[0]) * act.value(z[1]);
      o[1] = act.d1(z[0]) * act.d1(z[1]);
    });
    Pair p = new Pair();
    p.ss = r[0];
    p.dd = r[1];
    p.vars = new int[] {a, b};
    return p;
  }

  static void setSym(double[][][][] t, double val, int a1, int a2, int a3, int a4) {
    t[a1][a2][a3][a4] = val;
    t[a2][a1][a3][a4] = val;
    t[a1][a2][a4][a3] = val;
    t[a2][a1][a4][a3] = val;
    t[a3][a4][a1][a2] = val;
    t[a4][a3][a1][a2] = val;
    t[a3][a4][a2][a1] = val;
    t[a4][a3][a2][a1] = val;
  }

  /** ⟨σa1σa2σa3σa4⟩ for a1≤a2, a3≤a4, (a1,a2)≤(a3,a4), one integral per distinct index set. */
  private double[][][][] fourPoint() {
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
    for (Map.Entry<List<Integer>, List<int[]>> e : bySet.entrySet()) {
      List<Integer> set = e.getKey();
      List<int[]> comps = e.getValue();
      int d = set.size();
      if (d == 1) {
        int a = set.get(0);
        out[a][a][a][a] = stats[a][S4];
        continue;
      }
      double[][] m = new double[d][d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          m[i][j] = k[set.get(i)][set.get(j)];
        }
      }
      int[][] local = new int[comps.size()][4];
      for (int c = 0; c < comps.size(); c++) {
        for (int q = 0; q < 4; q++) {
          local[c][q] = set.indexOf(comps.get(c)[q]);
        }
      }
      double[] sig = new double[d];
      double[] r = quad.expect(m, comps.size(), (z, o) -> {
        for (int i = 0; i < d; i++) {
          sig[i] = act.value(z[i]);
        }
        for (int c = 0; c < local.length; c++) {
          int[] l = local[c];
          o[c] = sig[l[0]] * sig[l[1]] * sig[l[2]] * sig[l[3]];
        }
      });
      for (int c = 0; c < comps.size(); c++) {
        int[] idx = comps.get(c);
        out[idx[0]][idx[1]][idx[2]][idx[3]] = r[c];
      }
    }
    return out;
  }
}

package org.rgflow.exact;

import java.util.Arrays;
import org.rgflow.rng.Streams;
import org.rgflow.rng.ChiSquared;
import org.rgflow.rng.InitRng;

/**
 * The exact NTK sweep for scale-invariant activations (relu, leaky relu, linear), carrying only the
 * Gram Γ_ab = g_a·g_b of the backward vectors and their dots Y_aβ = g_a·z_β with the layer's
 * pre-activations, never the vectors themselves (docs/EXACT_SAMPLER.md §2b).
 *
 * <p>Why that suffices: through layer ℓ' the conditional law of the products Wᵀg_a depends on the
 * g_a only through (Γ, Y) (§2 of the doc), and Θ̂ reads only Γ. So (Γ, Y) is a Markov chain down the
 * layers, and one step of it can be drawn without the n_{ℓ'−1} per-neuron values when σ′ takes few
 * values. For σ(z) = a± z the neurons of layer ℓ'−1 fall into groups by the signs of their
 * pre-activations on the N_D inputs; inside group g every σ′ is a constant w_g(α) and σ = w_g(α) z.
 * With v_j = s_W (R η_j + S σ_j) the new vector values at neuron j (R the factor of Γ, η_j ~ N(0, I_r),
 * S = s_W C the constraint's coefficients), the group's sums only need H_g H_gᵀ and H_g Z_g, where
 * H_g = (η_j)_{j∈g} (r × n_g) and Z_g = (z_j)_{j∈g} (n_g × N_D). With Z_gᵀZ_g = L_g L_gᵀ (rank k_g)
 * and Q_g = Z_g L_g^{-T} orthonormal: X_g = H_g Q_g is r × k_g iid N(0, 1), H_g Z_g = X_g L_gᵀ, and
 * H_g H_gᵀ = X_g X_gᵀ + S_⊥ with S_⊥ ~ Wishart_r(n_g − k_g, I) independent of X_g. Then, with
 * U_g = R X_g + S D_g L_g (D_g = diag w_g),
 *
 * <pre>
 *   Γ'_ab += w_g(α_a) w_g(α_b) s_W² (U_g U_gᵀ + R S_⊥ Rᵀ)_ab,   Y'_aβ += w_g(α_a) s_W (U_g L_gᵀ)_aβ,
 * </pre>
 *
 * and S_⊥ = B Bᵀ with Bartlett's lower-triangular B (B_kk² ~ χ²_{n_g−k_g−k}, B_kk' ~ N(0, 1) below
 * the diagonal) when n_g − k_g ≥ r, else B is the r × (n_g − k_g) matrix of iid N(0, 1) (the same
 * law). The measured neurons (the first m of the layer, whose values the new target vectors need)
 * are drawn one by one. Per level: O(r² + r N_D) Gaussians per group instead of r (n + 1), and
 * O(M r²) arithmetic independent of the width.
 *
 * <p>Streams (key from the seed, c3 = e; c2 = ℓ' | flag): Gaussians {@link Streams#GRAM_GAUSS} with
 * c1 = the neuron index j for a measured neuron's η_j (r values), c1 = the first neuron of group g
 * for its sequence (X_g row-major r × N_D, then B's strictly lower entries row by row, or the
 * r × (n_g − k_g) matrix row-major), c1 = n_{ℓ'−1} for the bias coordinate (r values), each through
 * {@link InitRng#weightRow}; chi-squared B_kk² {@link Streams#GRAM_CHI} with c1 = the group's first
 * neuron, variate index k ({@link ChiSquared}).
 */
final class GramSweep {
  /** c2 flag (bits 30, 28) of the Gaussian stream ({@link Streams#GRAM_GAUSS}). */
  static final int GAUSS_FLAG = Streams.GRAM_GAUSS;
  /** c2 flag (bits 30, 29, 28) of the chi-squared stream ({@link Streams#GRAM_CHI}). */
  static final int CHI_FLAG = Streams.GRAM_CHI;
  /** Largest N_D for which the groups are indexed by a sign pattern table (2^N_D entries). */
  static final int MAX_INPUTS = 12;

  private final int nd;
  private final double aPos;
  private final double aNeg;
  private final long seed;

  private final double[][] gramL;
  private final int[] kept;
  private final int[] tRow;
  private final double[][] rc;
  private final double[][] aEta;
  private final double[][] sc;
  private final double[] rhs;
  private final double[] buf;
  private final double[] etaBias;
  private final double[][] etaJ;
  private final double[][] xg;
  private final double[][] bart;
  private final double[][] frow;
  private final int[] rowIdx;
  private final double[][] rowRefs;
  private final double[][] scratch;
  private final double[] gp;
  private final double[] uu;

  private final int[] groupOf;
  private final int[] gFirst;
  private final int[] gPattern;
  private final int[] gCount;
  private final double[][][] gZtZ;
  private final double[][][] gL;
  private final double[][][] gDL;
  private final int[] gRank;

  /** The input of vector a: tags[a], or a mod N_D when tags is null (the per-target sweeps). */
  private int[] tags;

  private int tagOf(int a) {
    return tags == null ? a % nd : tags[a];
  }

  /** Sets the input of each vector for the following steps (null: vector a belongs to a mod N_D). */
  void tags(int[] tags) {
    this.tags = tags;
  }

  private int groupCount;
  private int gaussC2;
  private int chiC2;

  /** Groups drawn with Bartlett's factor / with an explicit Gaussian matrix (for tests). */
  long bartlettGroups;
  long explicitGroups;

  GramSweep(int nd, double[] slopes, long seed, int maxVectors, int maxWidth, int maxMeasured) {
    if (nd > MAX_INPUTS) {
      throw new IllegalArgumentException("GramSweep: N_D ≤ " + MAX_INPUTS);
    }
    this.nd = nd;
    this.aPos = slopes[0];
    this.aNeg = slopes[1];
    this.seed = seed;
    int mv = Math.max(1, maxVectors);
    gramL = new double[mv][mv];
    kept = new int[mv];
    tRow = new int[mv];
    rc = new double[mv][mv];
    aEta = new double[mv][nd];
    sc = new double[mv][nd];
    rhs = new double[nd];
    buf = new double[mv * nd + mv * mv + 4];
    etaBias = new double[mv + 4];
    etaJ = new double[Math.max(1, maxMeasured)][mv + 4];
    xg = new double[mv][nd];
    bart = new double[mv][mv];
    frow = new double[mv][nd + mv];
    rowIdx = new int[mv];
    rowRefs = new double[mv][];
    scratch = new double[mv][mv];
    gp = new double[mv];
    uu = new double[nd];
    int groups = Math.min(1 << nd, Math.max(1, maxWidth));
    groupOf = new int[1 << nd];
    gFirst = new int[groups];
    gPattern = new int[groups];
    gCount = new int[groups];
    gZtZ = new double[groups][nd][nd];
    gL = new double[groups][nd][nd];
    gDL = new double[groups][nd][nd];
    gRank = new int[groups];
  }

  /**
   * One level: from (Γ, Y) of the mAct vectors on layer lp (gram's lower triangle, ydot) to those
   * on layer lp − 1, in place, and unitVal[i][a] = the value of vector a at measured neuron i &lt;
   * mPrev of layer lp − 1 (what the new target vectors' Gram entries read).
   *
   * @param gFactor the semidefinite Cholesky factor of Ĝ^{(lp)} (the constraint's G⁻)
   * @param zPrev z^{(lp−1)}[α][j]; sigPrev σ^{(lp−1)}[α][j]
   * @param blocks with {@code last}, Γ' is formed only inside the ranges [blocks[t+1], blocks[t])
   *     for t = 0..blockCount−1 (vectors of one target layer; Θ̂ reads nothing else) and Y' not at
   *     all; blocks[0] = mAct
   */
  void propagate(long e, int lp, int mAct, int n, int mPrev, double s, double sbl,
      double[][] gFactor, double[][] zPrev, double[][] sigPrev, double[][] gram, double[][] ydot,
      double[][] unitVal, int[] blocks, int blockCount, boolean last) {
    level(mPrev, n, zPrev);
    step(e, lp | GAUSS_FLAG, lp | CHI_FLAG, mAct, n, mPrev, s, sbl, gFactor, zPrev, sigPrev, gram,
        ydot, unitVal, blocks, blockCount, last);
  }

  /**
   * The groups of layer lp − 1's neurons j ∈ [mPrev, n) (by sign pattern) and their Z_gᵀZ_g
   * factors, for the {@link #step}s that follow (one per target layer's sweep; they share them).
   */
  void level(int mPrev, int n, double[][] zPrev) {
    groupCount = groupNeurons(mPrev, n, zPrev);
  }

  /**
   * One step of the sweep (what {@link #propagate} does after {@link #level}), drawing from the
   * Gaussian stream with counter word c2 = gaussC2 and the chi-squared stream with c2 = chiC2
   * (c1, c0 and c3 = e as in the class comment). The groups are those of the last {@link #level}.
   */
  void step(long e, int gaussC2, int chiC2, int mAct, int n, int mPrev, double s, double sbl,
      double[][] gFactor, double[][] zPrev, double[][] sigPrev, double[][] gram, double[][] ydot,
      double[][] unitVal, int[] blocks, int blockCount, boolean last) {
    this.gaussC2 = gaussC2;
    this.chiC2 = chiC2;
    Psd.cholesky(gram, gramL, mAct);
    int r = 0;
    for (int b = 0; b < mAct; b++) {
      if (gramL[b][b] != 0) {
        kept[r++] = b;
      }
    }
    for (int a = 0; a < mAct; a++) {
      double[] src = gramL[a];
      double[] dst = rc[a];
      int t = 0;
      while (t < r && kept[t] <= a) {
        dst[t] = src[kept[t]];
        t++;
      }
      tRow[a] = t;
    }
    int c2 = gaussC2;
    int groups = groupCount;

    // Aᵀη_k = s_W Σ_j η_jk σ_j + s_b η_bias,k: measured neurons one by one, groups through X_g.
    for (int k = 0; k < r; k++) {
      Arrays.fill(aEta[k], 0);
    }
    for (int j = 0; j < mPrev; j++) {
      double[] ej = etaJ[j];
      if (r > 0) {
        InitRng.weightRow(seed, e, c2, j, r, ej);
      }
      for (int k = 0; k < r; k++) {
        double[] ak = aEta[k];
        for (int al = 0; al < nd; al++) {
          ak[al] += ej[k] * sigPrev[al][j];
        }
      }
    }
    for (int g = 0; g < groups; g++) {
      if (!active(g) || r == 0) {
        continue;
      }
      // X_g only (the prefix of the group's row); addGroup redraws it with the rest, the same bits,
      // rather than keep r × N_D values per group between the two passes
      InitRng.weightRow(seed, e, c2, gFirst[g], r * nd, buf);
      loadX(g, r);
      double[][] dl = gDL[g];
      for (int k = 0; k < r; k++) {
        double[] xk = xg[k];
        double[] ak = aEta[k];
        for (int al = 0; al < nd; al++) {
          double t = 0;
          for (int be = 0; be < nd; be++) {
            t += xk[be] * dl[al][be];
          }
          ak[al] += t;
        }
      }
    }
    if (r > 0) {
      InitRng.weightRow(seed, e, c2, n, r, etaBias);
    }
    for (int k = 0; k < r; k++) {
      double[] ak = aEta[k];
      double bias = sbl * etaBias[k];
      for (int al = 0; al < nd; al++) {
        ak[al] = s * ak[al] + bias;
      }
    }
    // S_a = s_W G⁻ (Y_a − Σ_k R_ak Aᵀη_k).
    for (int a = 0; a < mAct; a++) {
      double[] ra = rc[a];
      int t = tRow[a];
      for (int al = 0; al < nd; al++) {
        double acc = 0;
        for (int k = 0; k < t; k++) {
          acc += ra[k] * aEta[k][al];
        }
        rhs[al] = ydot[a][al] - acc;
      }
      Psd.solve(gFactor, nd, rhs, rhs);
      for (int al = 0; al < nd; al++) {
        sc[a][al] = s * rhs[al];
      }
    }

    for (int a = 0; a < mAct; a++) {
      Arrays.fill(gram[a], 0, a + 1, 0);
      if (!last) {
        Arrays.fill(ydot[a], 0);
      }
    }
    for (int g = 0; g < groups; g++) {
      if (active(g) && r > 0) {
        addGroup(e, g, r, mAct, s, gram, ydot, blocks, blockCount, last);
      }
    }
    for (int j = 0; j < mPrev; j++) {
      double[] ej = etaJ[j];
      for (int a = 0; a < mAct; a++) {
        double[] ra = rc[a];
        int t = tRow[a];
        double v = 0;
        for (int k = 0; k < t; k++) {
          v += ra[k] * ej[k];
        }
        double[] sa = sc[a];
        for (int al = 0; al < nd; al++) {
          v += sa[al] * sigPrev[al][j];
        }
        double d = zPrev[tagOf(a)][j] >= 0 ? aPos : aNeg;
        gp[a] = s * d * v;
        unitVal[j][a] = gp[a];
      }
      for (int t = 0; t < (last ? blockCount : 1); t++) {
        int lo = last ? blocks[t + 1] : 0;
        int hi = last ? blocks[t] : mAct;
        for (int a = lo; a < hi; a++) {
          double ga = gp[a];
          double[] gr = gram[a];
          for (int b = lo; b <= a; b++) {
            gr[b] += ga * gp[b];
          }
        }
      }
      if (!last) {
        for (int a = 0; a < mAct; a++) {
          for (int be = 0; be < nd; be++) {
            ydot[a][be] += gp[a] * zPrev[be][j];
          }
        }
      }
    }
  }

  /** Whether some input has σ′ ≠ 0 on group g (a relu group that no input activates enters nothing). */
  private boolean active(int g) {
    for (int al = 0; al < nd; al++) {
      if (wOf(g, al) != 0) {
        return true;
      }
    }
    return false;
  }

  private double wOf(int g, int al) {
    return ((gPattern[g] >>> al) & 1) != 0 ? aNeg : aPos;
  }

  /**
   * Groups of the neurons j ∈ [mPrev, n) by their sign pattern (bit α set: z_α &lt; 0; a single
   * group when a₊ = a₋), in order of first appearance; per group the count, Z_gᵀZ_g (summed in neuron order), its factor L_g and
   * D_g L_g. Returns the number of groups.
   */
  private int groupNeurons(int mPrev, int n, double[][] zPrev) {
    Arrays.fill(groupOf, -1);
    int groups = 0;
    boolean oneSlope = aPos == aNeg; // linear: σ′ the same everywhere, one group
    for (int j = mPrev; j < n; j++) {
      int p = 0;
      for (int al = 0; al < nd && !oneSlope; al++) {
        p |= zPrev[al][j] < 0 ? 1 << al : 0;
      }
      int g = groupOf[p];
      if (g < 0) {
        g = groups++;
        groupOf[p] = g;
        gFirst[g] = j;
        gPattern[g] = p;
        gCount[g] = 0;
        for (double[] row : gZtZ[g]) {
          Arrays.fill(row, 0);
        }
      }
      gCount[g]++;
      double[][] q = gZtZ[g];
      for (int al = 0; al < nd; al++) {
        double za = zPrev[al][j];
        double[] qa = q[al];
        for (int be = 0; be <= al; be++) {
          qa[be] += za * zPrev[be][j];
        }
      }
    }
    for (int g = 0; g < groups; g++) {
      gRank[g] = Psd.cholesky(gZtZ[g], gL[g], nd);
      for (int al = 0; al < nd; al++) {
        double w = wOf(g, al);
        for (int be = 0; be < nd; be++) {
          gDL[g][al][be] = w * gL[g][al][be];
        }
      }
    }
    return groups;
  }

  /** X_g (r × N_D) from buf's prefix, its columns of dropped pivots of L_g set to zero. */
  private void loadX(int g, int r) {
    double[][] l = gL[g];
    for (int k = 0; k < r; k++) {
      double[] xk = xg[k];
      for (int be = 0; be < nd; be++) {
        xk[be] = l[be][be] != 0 ? buf[k * nd + be] : 0;
      }
    }
  }

  private void addGroup(long e, int g, int r, int mAct, double s, double[][] gram,
      double[][] ydot, int[] blocks, int blockCount, boolean last) {
    int d = gCount[g] - gRank[g];
    boolean bartlett = d >= r;
    int extra = d <= 0 ? 0 : bartlett ? r * (r - 1) / 2 : r * d;
    int base = r * nd;
    InitRng.weightRow(seed, e, gaussC2, gFirst[g], base + extra, buf);
    loadX(g, r);
    int cols = nd;
    if (d > 0) {
      if (bartlett) {
        bartlettGroups++;
        for (int k = 0; k < r; k++) {
          double[] bk = bart[k];
          int o = base + k * (k - 1) / 2;
          for (int k2 = 0; k2 < k; k2++) {
            bk[k2] = buf[o + k2];
          }
          bk[k] = Math.sqrt(ChiSquared.draw(seed, k, gFirst[g], chiC2, (int) e, d - k));
        }
        cols += r;
      } else {
        explicitGroups++;
        cols += d;
      }
    }
    double[][] dl = gDL[g];
    double[][] l = gL[g];
    int na = 0;
    for (int a = 0; a < mAct; a++) {
      double wa = wOf(g, tagOf(a));
      if (wa == 0) {
        continue;
      }
      double[] f = frow[na];
      rowIdx[na++] = a;
      double[] ra = rc[a];
      int t = tRow[a];
      double sa = s * wa;
      double[] sca = sc[a];
      for (int al = 0; al < nd; al++) {
        double u = 0;
        for (int k = 0; k < t; k++) {
          u += ra[k] * xg[k][al];
        }
        for (int be = 0; be < nd; be++) {
          u += sca[be] * dl[be][al];
        }
        uu[al] = u;
        f[al] = sa * u;
      }
      if (!last) {
        double[] ya = ydot[a];
        for (int be = 0; be < nd; be++) {
          double y = 0;
          for (int al = 0; al < nd; al++) {
            y += uu[al] * l[be][al];
          }
          ya[be] += sa * y;
        }
      }
      if (cols > nd) {
        Arrays.fill(f, nd, cols, 0);
        if (bartlett) {
          // (R B)_a: B lower triangular, R_a non-zero on k < t
          for (int k = 0; k < t; k++) {
            double c = ra[k];
            if (c == 0) {
              continue;
            }
            double[] bk = bart[k];
            for (int k2 = 0; k2 <= k; k2++) {
              f[nd + k2] += c * bk[k2];
            }
          }
        } else {
          for (int k = 0; k < t; k++) {
            double c = ra[k];
            if (c == 0) {
              continue;
            }
            int o = base + k * d;
            for (int q = 0; q < d; q++) {
              f[nd + q] += c * buf[o + q];
            }
          }
        }
        for (int q = nd; q < cols; q++) {
          f[q] *= sa;
        }
      }
    }
    if (!last) {
      accumulate(0, na, cols, gram);
      return;
    }
    int i = na;
    for (int t = 0; t < blockCount; t++) {
      int lo = blocks[t + 1];
      int hiRow = i;
      while (i > 0 && rowIdx[i - 1] >= lo) {
        i--;
      }
      accumulate(i, hiRow, cols, gram);
    }
  }

  /** Γ' += F Fᵀ over the factor rows [from, to) (their lower triangle, at their vector indices). */
  private void accumulate(int from, int to, int cols, double[][] gram) {
    int cnt = to - from;
    if (cnt == 0) {
      return;
    }
    System.arraycopy(frow, from, rowRefs, 0, cnt);
    Dense.gramLower(rowRefs, cnt, 0, cols, scratch);
    for (int i1 = 0; i1 < cnt; i1++) {
      double[] gr = gram[rowIdx[from + i1]];
      double[] sr = scratch[i1];
      for (int i2 = 0; i2 <= i1; i2++) {
        gr[rowIdx[from + i2]] += sr[i2];
      }
    }
  }
}

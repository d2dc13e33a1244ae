package org.rgflow.opencl;

/**
 * The exact conditional sampler as an OpenCL kernel (Aparapi; docs/EXACT_SAMPLER.md §1 and §2b): one
 * work-item per network, double precision, the same random streams as the CPU's
 * {@code ExactNetwork.forward} and, with {@link #gramNtk}, its Gram-sweep NTK in the per-target
 * layout ({@link #gramSweep}). No weight is drawn.
 *
 * <p>Per layer ℓ of network e = {@code launch[0]} + gid: Ĝ_{αβ} = C_b + (C_W/n_{ℓ−1}) σ_α·σ_β (the
 * dot in the CPU's order: four interleaved partial sums, then the tail), the semidefinite Cholesky
 * Ĝ = L Lᵀ with {@code Psd}'s rule (a Schur pivot ≤ {@value #PSD_TOL} of its diagonal entry, or a
 * diagonal ≤ 0, drops the column), then z_{α;i} = Σ_{β≤α} L_{αβ} u_{β;i} with u_{β;i} lane i &amp; 3 of
 * the Philox block (i &gt;&gt; 2, β, ℓ | 2^30, e) through Box–Muller — the Gaussians of
 * {@code InitRng.weightRow(seed, e, ℓ | Streams.EXACT_FORWARD, β, n_ℓ)}. Residual layers (ξ ≠ 0):
 * z = ξ (L u) + γ z^{(ℓ−1)}, as on the CPU.
 *
 * <p>Layout, per work-item g: {@code z[g·zPer + zOff[ℓ] + i·N_D + α]} = z^{(ℓ)}_{i;α} (block ℓ = 0
 * holds x), {@code sig} the same for σ(z) of the layers below; {@code chol[g·cholPer + ℓ·64 + α·8 + β]}
 * the N_D ≤ 8 factor of Ĝ^{(ℓ)} and {@code gram[g·64 + ..]} Ĝ; {@code theta[g·tPer + tOff[ℓ] + p·m_ℓN_D
 * + q]} Θ̂^{(ℓ)}; {@code diverged[g]} the first layer with
 * !(|z| ≤ 1e150), 0 if none. Activations and Philox are the direct kernel's
 * ({@link ClNetworkKernel#sigma}, {@link ClNetworkKernel#gaussians4}, inherited: Aparapi translates
 * the superclass's methods it reaches and only the fields they read).
 *
 * <p>Napkin per network (width n, depth L, N_D inputs): N_D(N_D+1)/2·n multiply-adds for Ĝ, N_D·n/4
 * Philox blocks and N_D·n/2 Box–Muller pairs per layer, N_D²·n/2 multiply-adds for Lu; against the
 * direct sampler's n² Gaussians per layer. One work-item per network means a launch needs E ≫ cores
 * to fill a device (on POCL: a correctness check, no speed claim).
 */
class ClExactKernel extends ClNetworkKernel {
  /** Psd.RELATIVE_TOL (the CPU's semidefinite Cholesky threshold). */
  static final double PSD_TOL = 1e-11;
  static final int FORWARD_FLAG = 0x40000000;

  /** C_W^{(ℓ)}/n_{ℓ−1} and C_b^{(ℓ)}, indexed by ℓ (the CPU's s_W², s_b²). */
  double[] cwn;
  double[] cbl;
  /** Ĝ (64 doubles, 8 × 8 row-major, per work-item) and its factor per layer (64·(L+1)). */
  double[] gram;
  double[] chol;
  int cholPer;

  // ---- the NTK by the Gram sweep, per-target layout (gramNtk != 0; see gramSweep) ----
  int gramNtk;
  /** Largest m_t·N_D (the vectors of one target layer) and largest number of sign groups. */
  int mMax;
  int gMax;
  /** Per-work-item double and int workspace lengths, and the offsets of their parts. */
  int wsPer;
  int iwsPer;
  int oGramL;
  int oRc;
  int oAEta;
  int oSc;
  int oRhs;
  int oBuf;
  int oEtaBias;
  int oXg;
  int oBart;
  int oFrow;
  int oUu;
  int oZtZ;
  int oL;
  int oDL;
  int oTG;
  int oTY;
  int oKept;
  int oTRow;
  int oRowIdx;
  int oGroupOf;
  int oGFirst;
  int oGPattern;
  int oGCount;
  int oGRank;
  /** Offsets of target layer t's Γ (M_t × M_t) and Y (M_t × 8) inside the Γ and Y parts. */
  int[] tgOff;
  int[] tyOff;
  double[] ws;
  int[] iws;
  /** Philox words, 4 per work-item (the chi-squared draws). */
  int[] pw;
  /** Groups of the current level (per work-item; a launch-argument-free scalar would be shared). */
  int[] groupCount;

  @Override
  public void run() {
    int gid = getGlobalId();
    if (gid < launch[1]) {
      int e = launch[0] + gid;
      int bad = exactForward(gid, e);
      diverged[gid] = bad;
      if (bad == 0 && gramNtk != 0) {
        gramSweep(gid, e);
      }
    }
  }

  /** The forward pass of network e (see the class comment); the first layer that overflowed, or 0. */
  int exactForward(int gid, int e) {
    int zb = gid * zPer;
    int n0 = width[0];
    for (int t = 0; t < n0 * nd; t++) {
      z[zb + t] = x[t];
      sig[zb + t] = x[t];
    }
    int gb = gid * 64;
    int bad = 0;
    for (int l = 1; l <= depth && bad == 0; l++) {
      int nIn = width[l - 1];
      int nOut = width[l];
      int inB = zb + zOff[l - 1];
      int outB = zb + zOff[l];
      for (int a = 0; a < nd; a++) {
        for (int b = 0; b <= a; b++) {
          gram[gb + a * 8 + b] = cbl[l] + cwn[l] * dot(inB, a, b, nIn);
        }
      }
      int cb = gid * cholPer + l * 64;
      cholesky(gb, cb);
      int blocks = (nOut + 3) >> 2;
      for (int c = 0; c < blocks; c++) {
        for (int lane = 0; lane < 4; lane++) {
          int i = c * 4 + lane;
          if (i < nOut) {
            for (int a = 0; a < nd; a++) {
              z[outB + i * nd + a] = 0.0;
            }
          }
        }
        for (int b = 0; b < nd; b++) {
          if (chol[cb + b * 9] != 0.0) {
            gaussians4(gid, c, b, l | FORWARD_FLAG, e);
            for (int lane = 0; lane < 4; lane++) {
              int i = c * 4 + lane;
              if (i < nOut) {
                double u = rnd[gid * 4 + lane];
                for (int a = b; a < nd; a++) {
                  double f = chol[cb + a * 8 + b];
                  if (f != 0.0) {
                    z[outB + i * nd + a] += f * u;
                  }
                }
              }
            }
          }
        }
      }
      double xl = xiL[l];
      double gl = gam[l];
      for (int i = 0; i < nOut; i++) {
        for (int a = 0; a < nd; a++) {
          int o = outB + i * nd + a;
          double v = z[o];
          if (xl != 1.0 || gl != 0.0) {
            v = xl * v + gl * z[inB + i * nd + a];
          }
          z[o] = v;
          if (!(Math.abs(v) <= DIVERGENCE_BOUND)) {
            bad = l;
          }
          sig[o] = sigma(v);
        }
      }
    }
    return bad;
  }

  /** σ_a·σ_b over the n neurons of the block at {@code base}, in Sums.dot's order. */
  double dot(int base, int a, int b, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      s0 += sig[base + j * nd + a] * sig[base + j * nd + b];
      s1 += sig[base + (j + 1) * nd + a] * sig[base + (j + 1) * nd + b];
      s2 += sig[base + (j + 2) * nd + a] * sig[base + (j + 2) * nd + b];
      s3 += sig[base + (j + 3) * nd + a] * sig[base + (j + 3) * nd + b];
    }
    double s = (s0 + s1) + (s2 + s3);
    for (; j < n; j++) {
      s += sig[base + j * nd + a] * sig[base + j * nd + b];
    }
    return s;
  }

  /** Psd.cholesky of the N_D × N_D lower triangle gram[gb..] into chol[cb..] (same operation order). */
  void cholesky(int gb, int cb) {
    for (int k = 0; k < nd; k++) {
      for (int j = k + 1; j < nd; j++) {
        chol[cb + k * 8 + j] = 0.0;
      }
      double akk = gram[gb + k * 9];
      double s = akk;
      for (int j = 0; j < k; j++) {
        s -= chol[cb + k * 8 + j] * chol[cb + k * 8 + j];
      }
      if (!(akk > 0.0) || s <= PSD_TOL * akk) {
        for (int i = k; i < nd; i++) {
          chol[cb + i * 8 + k] = 0.0;
        }
      } else {
        double r = Math.sqrt(s);
        chol[cb + k * 9] = r;
        double inv = 1.0 / r;
        for (int i = k + 1; i < nd; i++) {
          double t = gram[gb + i * 8 + k];
          for (int j = 0; j < k; j++) {
            t -= chol[cb + i * 8 + j] * chol[cb + k * 8 + j];
          }
          chol[cb + i * 8 + k] = t * inv;
        }
      }
    }
  }

  // ------------------------------------------------------------------ the Gram sweep (NTK)

  static final int GAUSS_FLAG = 0x50000000;
  static final int CHI_FLAG = 0x70000000;

  /**
   * Θ̂ of network e by the Gram sweep in its per-target layout (ExactNetwork.backward with
   * GramSweep, docs/EXACT_SAMPLER.md §2b): for each target layer t its own sweep down from level t,
   * carrying Γ and Y of its m_t·N_D vectors, on the streams c2 = flag | t·2^14 | ℓ'.
   */
  void gramSweep(int gid, int e) {
    int tb = gid * tPer;
    for (int q = 0; q < tPer; q++) {
      theta[tb + q] = 0.0;
    }
    int wb = gid * wsPer;
    int zb = gid * zPer;
    int cf = gid * nd * nd;
    for (int lp = depth; lp >= 1; lp--) {
      int mm = mL[lp] * nd;
      int tg = wb + oTG + tgOff[lp];
      int ty = wb + oTY + tyOff[lp];
      int zl = zb + zOff[lp];
      for (int f = 0; f < mm; f++) {
        int i = f / nd;
        for (int b = 0; b <= f; b++) {
          ws[tg + f * mm + b] = b / nd == i ? 1.0 : 0.0;
        }
        for (int al = 0; al < nd; al++) {
          ws[ty + f * 8 + al] = z[zl + i * nd + al];
        }
      }
      int nPrev = width[lp - 1];
      int inB = zb + zOff[lp - 1];
      for (int a = 0; a < nd; a++) {
        for (int b = a; b < nd; b++) {
          double c = lamB[lp] + lamWn[lp] * dot(inB, a, b, nPrev);
          coef[cf + a * nd + b] = c;
          coef[cf + b * nd + a] = c;
        }
      }
      for (int l = lp; l <= depth; l++) {
        int tn = mL[l] * nd;
        int th = tb + tOff[l];
        int g = wb + oTG + tgOff[l];
        for (int t1 = 0; t1 < tn; t1++) {
          for (int t2 = t1; t2 < tn; t2++) {
            theta[th + t1 * tn + t2] += ws[g + t2 * tn + t1] * coef[cf + (t1 % nd) * nd + t2 % nd];
          }
        }
      }
      if (lp > 1) {
        groupNeurons(gid, nPrev, inB);
        for (int t = lp; t <= depth; t++) {
          int c2g = GAUSS_FLAG | (t << 14) | lp;
          int c2c = CHI_FLAG | (t << 14) | lp;
          step(gid, e, c2g, c2c, mL[t] * nd, nPrev, lp, inB, wb + oTG + tgOff[t],
              wb + oTY + tyOff[t], lp == 2 ? 1 : 0);
        }
      }
    }
    for (int l = 1; l <= depth; l++) {
      int tn = mL[l] * nd;
      int th = tb + tOff[l];
      for (int t1 = 0; t1 < tn; t1++) {
        for (int t2 = 0; t2 < t1; t2++) {
          theta[th + t1 * tn + t2] = theta[th + t2 * tn + t1];
        }
      }
    }
  }

  /** σ′ of sign group g (pattern bit α set: z_α &lt; 0) on input α: a₋ or a₊. */
  double wOf(int gid, int g, int al) {
    int pat = iws[gid * iwsPer + oGPattern + g];
    return ((pat >>> al) & 1) != 0 ? actB : actA;
  }

  int active(int gid, int g) {
    int on = 0;
    for (int al = 0; al < nd; al++) {
      if (wOf(gid, g, al) != 0.0) {
        on = 1;
      }
    }
    return on;
  }

  /** GramSweep.groupNeurons with mPrev = 0: groups of layer ℓ'−1's n neurons, Z_gᵀZ_g, L_g, D_g L_g. */
  void groupNeurons(int gid, int n, int zPrev) {
    int ib = gid * iwsPer;
    int wb = gid * wsPer;
    for (int p = 0; p < (1 << nd); p++) {
      iws[ib + oGroupOf + p] = -1;
    }
    int groups = 0;
    int oneSlope = actA == actB ? 1 : 0;
    for (int j = 0; j < n; j++) {
      int p = 0;
      if (oneSlope == 0) {
        for (int al = 0; al < nd; al++) {
          if (z[zPrev + j * nd + al] < 0) {
            p = p | (1 << al);
          }
        }
      }
      int g = iws[ib + oGroupOf + p];
      if (g < 0) {
        g = groups;
        groups++;
        iws[ib + oGroupOf + p] = g;
        iws[ib + oGFirst + g] = j;
        iws[ib + oGPattern + g] = p;
        iws[ib + oGCount + g] = 0;
        for (int q = 0; q < 64; q++) {
          ws[wb + oZtZ + g * 64 + q] = 0.0;
        }
      }
      iws[ib + oGCount + g] = iws[ib + oGCount + g] + 1;
      for (int al = 0; al < nd; al++) {
        double za = z[zPrev + j * nd + al];
        for (int be = 0; be <= al; be++) {
          ws[wb + oZtZ + g * 64 + al * 8 + be] += za * z[zPrev + j * nd + be];
        }
      }
    }
    for (int g = 0; g < groups; g++) {
      iws[ib + oGRank + g] = cholWs(wb + oZtZ + g * 64, wb + oL + g * 64, 8, nd);
      for (int al = 0; al < nd; al++) {
        double w = wOf(gid, g, al);
        for (int be = 0; be < nd; be++) {
          ws[wb + oDL + g * 64 + al * 8 + be] = w * ws[wb + oL + g * 64 + al * 8 + be];
        }
      }
    }
    groupCount[gid] = groups;
  }

  /** Psd.cholesky on ws: the d × d lower triangle at src (row stride ld) into dst; the rank. */
  int cholWs(int src, int dst, int ld, int d) {
    int rank = 0;
    for (int k = 0; k < d; k++) {
      for (int j = k + 1; j < d; j++) {
        ws[dst + k * ld + j] = 0.0;
      }
      double akk = ws[src + k * ld + k];
      double s = akk;
      for (int j = 0; j < k; j++) {
        s -= ws[dst + k * ld + j] * ws[dst + k * ld + j];
      }
      if (!(akk > 0.0) || s <= PSD_TOL * akk) {
        for (int i = k; i < d; i++) {
          ws[dst + i * ld + k] = 0.0;
        }
      } else {
        rank++;
        double r = Math.sqrt(s);
        ws[dst + k * ld + k] = r;
        double inv = 1.0 / r;
        for (int i = k + 1; i < d; i++) {
          double t = ws[src + i * ld + k];
          for (int j = 0; j < k; j++) {
            t -= ws[dst + i * ld + j] * ws[dst + k * ld + j];
          }
          ws[dst + i * ld + k] = t * inv;
        }
      }
    }
    return rank;
  }

  /** Psd.solve: x = G⁻ x in place on ws[x..x+N_D) with G = L Lᵀ, L the factor at chol[cb..]. */
  void solve(int cb, int x) {
    for (int k = 0; k < nd; k++) {
      double lkk = chol[cb + k * 9];
      if (lkk == 0.0) {
        ws[x + k] = 0.0;
      } else {
        double t = ws[x + k];
        for (int j = 0; j < k; j++) {
          t -= chol[cb + k * 8 + j] * ws[x + j];
        }
        ws[x + k] = t / lkk;
      }
    }
    for (int k = nd - 1; k >= 0; k--) {
      double lkk = chol[cb + k * 9];
      if (lkk != 0.0) {
        double t = ws[x + k];
        for (int j = k + 1; j < nd; j++) {
          t -= chol[cb + j * 8 + k] * ws[x + j];
        }
        ws[x + k] = t / lkk;
      }
    }
  }

  /** InitRng.weightRow(seed, e, c2, row, count) into ws[dst..dst+count). */
  void weightRow(int gid, int e, int c2, int row, int count, int dst) {
    for (int j = 0; j < count; j++) {
      if ((j & 3) == 0) {
        gaussians4(gid, j >> 2, row, c2, e);
      }
      ws[dst + j] = rnd[gid * 4 + (j & 3)];
    }
  }

  /** Philox4x32-10 words of counter (c0, c1, c2, c3) into pw[4·gid..]. */
  void philoxWords(int gid, int c0In, int c1In, int c2In, int c3In) {
    int c0 = c0In;
    int c1 = c1In;
    int c2 = c2In;
    int c3 = c3In;
    int k0 = key0;
    int k1 = key1;
    for (int r = 0; r < 10; r++) {
      long p0 = 0xD2511F53L * (c0 & 0xFFFFFFFFL);
      long p1 = 0xCD9E8D57L * (c2 & 0xFFFFFFFFL);
      int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      c1 = (int) p1;
      c3 = (int) p0;
      c0 = n0;
      c2 = n2;
      k0 += 0x9E3779B9;
      k1 += 0xBB67AE85;
    }
    pw[gid * 4] = c0;
    pw[gid * 4 + 1] = c1;
    pw[gid * 4 + 2] = c2;
    pw[gid * 4 + 3] = c3;
  }

  double uniform(int x) {
    return ((x & 0xFFFFFFFFL) + 0.5) * 2.3283064365386963E-10;
  }

  /** ChiSquared.draw(seed, index, c1, c2, c3 = e, nu): Marsaglia–Tsang on its own Philox blocks. */
  double chiSquared(int gid, int index, int c1, int c2, int e, int nu) {
    double a = nu == 1 ? 1.5 : 0.5 * nu;
    double d = a - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9.0 * d);
    double out = -1.0;
    for (int t = 0; t < 4096 && out < 0.0; t++) {
      philoxWords(gid, (index << 12) | t, c1, c2, e);
      double g = Math.sqrt(-2.0 * Math.log(uniform(pw[gid * 4])))
          * Math.cos(6.283185307179586 * uniform(pw[gid * 4 + 1]));
      double v = 1.0 + c * g;
      if (v > 0.0) {
        v = v * v * v;
        double u = uniform(pw[gid * 4 + 2]);
        if (Math.log(u) < 0.5 * g * g + d - d * v + d * Math.log(v)) {
          double y = d * v;
          if (nu == 1) {
            double w = uniform(pw[gid * 4 + 3]);
            y *= w * w;
          }
          out = 2.0 * y;
        }
      }
    }
    return out;
  }

  /** X_g (r × N_D) from buf's prefix into xg, its columns of dropped pivots of L_g set to zero. */
  void loadX(int gid, int g, int r) {
    int wb = gid * wsPer;
    for (int k = 0; k < r; k++) {
      for (int be = 0; be < nd; be++) {
        ws[wb + oXg + k * 8 + be] = ws[wb + oL + g * 64 + be * 9] != 0.0
            ? ws[wb + oBuf + k * nd + be] : 0.0;
      }
    }
  }

  /**
   * GramSweep.step with mPrev = 0 (no measured neurons: the per-target layout) for the mAct vectors
   * whose Γ (row stride mAct) is at gram and Y (row stride 8) at ydot; level lp, layer lp − 1 of n
   * neurons at zPrev (z and σ interleaved [j·N_D + α]).
   */
  void step(int gid, int e, int c2, int chiC2, int mAct, int n, int lp, int zPrev, int gram0,
      int ydot, int last) {
    int wb = gid * wsPer;
    int ib = gid * iwsPer;
    double s = wScale[lp];
    double sbl = bScale[lp];
    int ldM = mMax;
    // Γ's lower triangle at gram0 (stride mAct) into the square scratch gramL (stride mMax)
    for (int a = 0; a < mAct; a++) {
      for (int b = 0; b <= a; b++) {
        ws[wb + oBuf + a * ldM + b] = ws[gram0 + a * mAct + b];
      }
    }
    cholWs(wb + oBuf, wb + oGramL, ldM, mAct);
    int r = 0;
    for (int b = 0; b < mAct; b++) {
      if (ws[wb + oGramL + b * ldM + b] != 0.0) {
        iws[ib + oKept + r] = b;
        r++;
      }
    }
    for (int a = 0; a < mAct; a++) {
      int t = 0;
      for (int q = 0; q < r; q++) {
        if (t == q && iws[ib + oKept + q] <= a) {
          ws[wb + oRc + a * ldM + q] = ws[wb + oGramL + a * ldM + iws[ib + oKept + q]];
          t++;
        }
      }
      iws[ib + oTRow + a] = t;
    }
    int groups = groupCount[gid];
    for (int k = 0; k < r; k++) {
      for (int al = 0; al < nd; al++) {
        ws[wb + oAEta + k * 8 + al] = 0.0;
      }
    }
    if (r > 0) {
      for (int g = 0; g < groups; g++) {
        if (active(gid, g) != 0) {
          weightRow(gid, e, c2, iws[ib + oGFirst + g], r * nd, wb + oBuf);
          loadX(gid, g, r);
          for (int k = 0; k < r; k++) {
            for (int al = 0; al < nd; al++) {
              double t = 0;
              for (int be = 0; be < nd; be++) {
                t += ws[wb + oXg + k * 8 + be] * ws[wb + oDL + g * 64 + al * 8 + be];
              }
              ws[wb + oAEta + k * 8 + al] += t;
            }
          }
        }
      }
      weightRow(gid, e, c2, n, r, wb + oEtaBias);
    }
    for (int k = 0; k < r; k++) {
      double bias = sbl * ws[wb + oEtaBias + k];
      for (int al = 0; al < nd; al++) {
        ws[wb + oAEta + k * 8 + al] = s * ws[wb + oAEta + k * 8 + al] + bias;
      }
    }
    int cbl = gid * cholPer + lp * 64;
    for (int a = 0; a < mAct; a++) {
      int t = iws[ib + oTRow + a];
      for (int al = 0; al < nd; al++) {
        double acc = 0;
        for (int k = 0; k < t; k++) {
          acc += ws[wb + oRc + a * ldM + k] * ws[wb + oAEta + k * 8 + al];
        }
        ws[wb + oRhs + al] = ws[ydot + a * 8 + al] - acc;
      }
      solve(cbl, wb + oRhs);
      for (int al = 0; al < nd; al++) {
        ws[wb + oSc + a * 8 + al] = s * ws[wb + oRhs + al];
      }
    }
    for (int a = 0; a < mAct; a++) {
      for (int b = 0; b <= a; b++) {
        ws[gram0 + a * mAct + b] = 0.0;
      }
      if (last == 0) {
        for (int al = 0; al < nd; al++) {
          ws[ydot + a * 8 + al] = 0.0;
        }
      }
    }
    if (r > 0) {
      for (int g = 0; g < groups; g++) {
        if (active(gid, g) != 0) {
          addGroup(gid, e, g, r, mAct, s, c2, chiC2, gram0, ydot, last);
        }
      }
    }
  }

  /** GramSweep.addGroup (one block: the per-target layout). */
  void addGroup(int gid, int e, int g, int r, int mAct, double s, int c2, int chiC2, int gram0,
      int ydot, int last) {
    int wb = gid * wsPer;
    int ib = gid * iwsPer;
    int ldM = mMax;
    int fl = 8 + mMax;
    int d = iws[ib + oGCount + g] - iws[ib + oGRank + g];
    int bartlett = d >= r ? 1 : 0;
    int extra = d <= 0 ? 0 : bartlett != 0 ? r * (r - 1) / 2 : r * d;
    int base = r * nd;
    int first = iws[ib + oGFirst + g];
    weightRow(gid, e, c2, first, base + extra, wb + oBuf);
    loadX(gid, g, r);
    int cols = nd;
    if (d > 0) {
      if (bartlett != 0) {
        for (int k = 0; k < r; k++) {
          int o = base + k * (k - 1) / 2;
          for (int k2 = 0; k2 < k; k2++) {
            ws[wb + oBart + k * ldM + k2] = ws[wb + oBuf + o + k2];
          }
          ws[wb + oBart + k * ldM + k] = Math.sqrt(chiSquared(gid, k, first, chiC2, e, d - k));
        }
        cols += r;
      } else {
        cols += d;
      }
    }
    int na = 0;
    for (int a = 0; a < mAct; a++) {
      double wa = wOf(gid, g, a % nd);
      if (wa != 0.0) {
        int f = wb + oFrow + na * fl;
        iws[ib + oRowIdx + na] = a;
        na++;
        int t = iws[ib + oTRow + a];
        double sa = s * wa;
        for (int al = 0; al < nd; al++) {
          double u = 0;
          for (int k = 0; k < t; k++) {
            u += ws[wb + oRc + a * ldM + k] * ws[wb + oXg + k * 8 + al];
          }
          for (int be = 0; be < nd; be++) {
            u += ws[wb + oSc + a * 8 + be] * ws[wb + oDL + g * 64 + be * 8 + al];
          }
          ws[wb + oUu + al] = u;
          ws[f + al] = sa * u;
        }
        if (last == 0) {
          for (int be = 0; be < nd; be++) {
            double y = 0;
            for (int al = 0; al < nd; al++) {
              y += ws[wb + oUu + al] * ws[wb + oL + g * 64 + be * 8 + al];
            }
            ws[ydot + a * 8 + be] += sa * y;
          }
        }
        if (cols > nd) {
          for (int q = nd; q < cols; q++) {
            ws[f + q] = 0.0;
          }
          for (int k = 0; k < t; k++) {
            double c = ws[wb + oRc + a * ldM + k];
            if (c != 0.0) {
              if (bartlett != 0) {
                for (int k2 = 0; k2 <= k; k2++) {
                  ws[f + nd + k2] += c * ws[wb + oBart + k * ldM + k2];
                }
              } else {
                int o = base + k * d;
                for (int q = 0; q < d; q++) {
                  ws[f + nd + q] += c * ws[wb + oBuf + o + q];
                }
              }
            }
          }
          for (int q = nd; q < cols; q++) {
            ws[f + q] *= sa;
          }
        }
      }
    }
    // Γ' += F Fᵀ (lower triangle, at the rows' vector indices)
    for (int i1 = 0; i1 < na; i1++) {
      int f1 = wb + oFrow + i1 * fl;
      int a1 = iws[ib + oRowIdx + i1];
      for (int i2 = 0; i2 <= i1; i2++) {
        int f2 = wb + oFrow + i2 * fl;
        double acc = 0;
        for (int q = 0; q < cols; q++) {
          acc += ws[f1 + q] * ws[f2 + q];
        }
        ws[gram0 + a1 * mAct + iws[ib + oRowIdx + i2]] += acc;
      }
    }
  }
}

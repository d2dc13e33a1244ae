// exact_gram.cu — the exact sampler's NTK by the Gram sweep (docs/EXACT_SAMPLER.md §2b) in its
// per-target layout, for σ = a± z (relu, leaky relu, linear): the device twin of ExactNetwork.backward
// with GramSweep (and of the OpenCL ClExactKernel.gramSweep), after rg_exact_forward_nd<N_D> has
// written every layer's z. One thread per network e = e0 + global thread index (< count), serial,
// in double; every per-network array lives in global workspace (ws, iws) at the offsets below.
//
// Per level l' = L..1: Θ̂^{(t)} += Γ_t ⊙ coef for t ≥ l' (coef_{αβ} = λ_b + (λ_W/n) σ_α·σ_β of layer
// l'−1); then, for l' > 1, the neurons of layer l'−1 in sign groups (Z_gᵀZ_g, L_g, D_g L_g), Ĝ^{(l')}
// and its semidefinite Cholesky, and for each target t ≥ l' one step of (Γ_t, Y_t) on the streams
// c2 = flag | t << 14 | l': Gaussians 0x50000000 (c1 = the group's first neuron: X_g, then Bartlett's
// strictly lower entries or the explicit matrix; c1 = n for the bias), chi-squared 0x70000000
// (Marsaglia–Tsang on raw Philox words, c0 = index << 12 | attempt, as rng/ChiSquared).
//
// Float on the device: z comes from the float forward kernel, the Gaussians are rg_gauss4's float
// Box–Muller; all sums, factors and Θ̂ are double. So Θ̂ agrees with the CPU to float tolerance, as
// long as no z lies so close to 0 that float and double disagree on its sign (a different group).
//
// Napkin (n = 1024, L = 8, N_D = 2, m = 4, per network): per level and target ≈ 2^N_D groups of
// (r N_D + r²/2) Gaussians and O(M r²) flops with M = r = m N_D = 8, i.e. L²/2 · 4 · 40 ≈ 5·10³
// Gaussians and 10⁵ flops, plus the O(n N_D²) grouping per level: small next to the forward pass's
// 1.6·10⁴ Gaussians, but serial per thread. (Estimate only: never run on a GPU.)
//
// Workspace per network (doubles, offsets in this order): gramL M², rc M², aEta 8M, sc 8M, rhs 8,
// buf 8M + M² + 4, etaBias M + 4, xg 8M, bart M², frow M(8 + M), uu 8, ZtZ 64G, L 64G, DL 64G,
// coef 64, ghat 64, gchol 64, sig 8·maxW, Γ Σ_t M_t², Y Σ_t 8 M_t; ints: kept M, tRow M, rowIdx M,
// groupOf 256, gFirst G, gPattern G, gCount G, gRank G — M = max_t m_t N_D, G = min(2^N_D, maxW).
// Output: theta + g·thetaStride + tOff[t], Θ̂^{(t)} as (m_t N_D)² doubles, row-major.
#include "philox.cuh"

#define RG_GRAM_GAUSS 0x50000000u
#define RG_GRAM_CHI 0x70000000u
#define RG_GRAM_PSD_TOL 1e-11

struct RgGram {
  int nd, mMax, gMax;
  double aPos, aNeg;
  uint2 key;
  unsigned e;
  double* ws;
  int* iws;
  int oGramL, oRc, oAEta, oSc, oRhs, oBuf, oEtaBias, oXg, oBart, oFrow, oUu, oZtZ, oL, oDL, oCoef,
      oGhat, oGchol, oSig, oTG, oTY;
  int oKept, oTRow, oRowIdx, oGroupOf, oGFirst, oGPattern, oGCount, oGRank;
  int groups;
};

/** Psd.cholesky on the d × d lower triangle at a (row stride ld) into l; returns the rank. */
__device__ int rg_gram_chol(const double* a, double* l, int ld, int d) {
  int rank = 0;
  for (int k = 0; k < d; ++k) {
    for (int j = k + 1; j < d; ++j) l[k * ld + j] = 0.0;
    double akk = a[k * ld + k];
    double s = akk;
    for (int j = 0; j < k; ++j) s -= l[k * ld + j] * l[k * ld + j];
    if (!(akk > 0.0) || s <= RG_GRAM_PSD_TOL * akk) {
      for (int i = k; i < d; ++i) l[i * ld + k] = 0.0;
      continue;
    }
    ++rank;
    double r = sqrt(s);
    l[k * ld + k] = r;
    double inv = 1.0 / r;
    for (int i = k + 1; i < d; ++i) {
      double t = a[i * ld + k];
      for (int j = 0; j < k; ++j) t -= l[i * ld + j] * l[k * ld + j];
      l[i * ld + k] = t * inv;
    }
  }
  return rank;
}

/** Psd.solve: x = G⁻ x in place, G = L Lᵀ with L (ld 8) from rg_gram_chol. */
__device__ void rg_gram_solve(const double* l, int d, double* x) {
  for (int k = 0; k < d; ++k) {
    double lkk = l[k * 9];
    if (lkk == 0.0) {
      x[k] = 0.0;
      continue;
    }
    double t = x[k];
    for (int j = 0; j < k; ++j) t -= l[k * 8 + j] * x[j];
    x[k] = t / lkk;
  }
  for (int k = d - 1; k >= 0; --k) {
    double lkk = l[k * 9];
    if (lkk == 0.0) continue;
    double t = x[k];
    for (int j = k + 1; j < d; ++j) t -= l[j * 8 + k] * x[j];
    x[k] = t / lkk;
  }
}

/** InitRng.weightRow(seed, e, c2, row, count) in float32 Box–Muller, widened, into out. */
__device__ void rg_gram_row(const RgGram& s, unsigned c2, unsigned row, int count, double* out) {
  for (int j = 0; j < count; j += 4) {
    float4 g = rg_gauss4(make_uint4((unsigned)(j >> 2), row, c2, s.e), s.key);
    for (int q = 0; q < 4 && j + q < count; ++q) out[j + q] = (double)rg_lane(g, q);
  }
}

__device__ __forceinline__ double rg_gram_uniform(uint32_t x) {
  return ((double)x + 0.5) * 2.3283064365386963e-10;
}

/** ChiSquared.draw(seed, index, c1, c2, c3 = e, nu): Marsaglia–Tsang on raw Philox words. */
__device__ double rg_gram_chi2(const RgGram& s, int index, unsigned c1, unsigned c2, int nu) {
  double a = nu == 1 ? 1.5 : 0.5 * nu;
  double d = a - 1.0 / 3.0;
  double c = 1.0 / sqrt(9.0 * d);
  for (int t = 0; t < 4096; ++t) {
    uint4 x = rg_philox4x32_10(make_uint4(((unsigned)index << 12) | (unsigned)t, c1, c2, s.e), s.key);
    double g = sqrt(-2.0 * log(rg_gram_uniform(x.x))) * cos(6.283185307179586 * rg_gram_uniform(x.y));
    double v = 1.0 + c * g;
    if (v <= 0.0) continue;
    v = v * v * v;
    double u = rg_gram_uniform(x.z);
    if (log(u) < 0.5 * g * g + d - d * v + d * log(v)) {
      double y = d * v;
      if (nu == 1) {
        double w = rg_gram_uniform(x.w);
        y *= w * w;
      }
      return 2.0 * y;
    }
  }
  return 0.0;
}

__device__ __forceinline__ double rg_gram_w(const RgGram& s, int g, int al) {
  return ((s.iws[s.oGPattern + g] >> al) & 1) ? s.aNeg : s.aPos;
}

__device__ __forceinline__ bool rg_gram_active(const RgGram& s, int g) {
  for (int al = 0; al < s.nd; ++al)
    if (rg_gram_w(s, g, al) != 0.0) return true;
  return false;
}

/** X_g from buf's prefix into xg (ld 8), columns of dropped pivots of L_g zero. */
__device__ void rg_gram_loadx(RgGram& s, int g, int r) {
  const double* l = s.ws + s.oL + g * 64;
  for (int k = 0; k < r; ++k)
    for (int be = 0; be < s.nd; ++be)
      s.ws[s.oXg + k * 8 + be] = l[be * 9] != 0.0 ? s.ws[s.oBuf + k * s.nd + be] : 0.0;
}

/** GramSweep.groupNeurons (mPrev = 0) over layer l'−1's n neurons (z at zp, layout [α][j]). */
__device__ void rg_gram_groups(RgGram& s, const float* zp, int n) {
  const int nd = s.nd;
  for (int p = 0; p < (1 << nd); ++p) s.iws[s.oGroupOf + p] = -1;
  int groups = 0;
  bool oneSlope = s.aPos == s.aNeg;
  for (int j = 0; j < n; ++j) {
    int p = 0;
    if (!oneSlope)
      for (int al = 0; al < nd; ++al) p |= zp[al * n + j] < 0.0f ? 1 << al : 0;
    int g = s.iws[s.oGroupOf + p];
    if (g < 0) {
      g = groups++;
      s.iws[s.oGroupOf + p] = g;
      s.iws[s.oGFirst + g] = j;
      s.iws[s.oGPattern + g] = p;
      s.iws[s.oGCount + g] = 0;
      for (int q = 0; q < 64; ++q) s.ws[s.oZtZ + g * 64 + q] = 0.0;
    }
    s.iws[s.oGCount + g]++;
    double* q = s.ws + s.oZtZ + g * 64;
    for (int al = 0; al < nd; ++al) {
      double za = (double)zp[al * n + j];
      for (int be = 0; be <= al; ++be) q[al * 8 + be] += za * (double)zp[be * n + j];
    }
  }
  for (int g = 0; g < groups; ++g) {
    s.iws[s.oGRank + g] = rg_gram_chol(s.ws + s.oZtZ + g * 64, s.ws + s.oL + g * 64, 8, nd);
    for (int al = 0; al < nd; ++al) {
      double w = rg_gram_w(s, g, al);
      for (int be = 0; be < nd; ++be)
        s.ws[s.oDL + g * 64 + al * 8 + be] = w * s.ws[s.oL + g * 64 + al * 8 + be];
    }
  }
  s.groups = groups;
}

/** GramSweep.addGroup for one sign group (a single block: the per-target layout). */
__device__ void rg_gram_add_group(RgGram& s, int g, int r, int mAct, double sw, unsigned c2,
                                  unsigned chiC2, double* gram, double* ydot, bool last) {
  const int nd = s.nd, ldM = s.mMax, fl = 8 + s.mMax;
  double* ws = s.ws;
  int d = s.iws[s.oGCount + g] - s.iws[s.oGRank + g];
  bool bartlett = d >= r;
  int extra = d <= 0 ? 0 : bartlett ? r * (r - 1) / 2 : r * d;
  int base = r * nd;
  unsigned first = (unsigned)s.iws[s.oGFirst + g];
  rg_gram_row(s, c2, first, base + extra, ws + s.oBuf);
  rg_gram_loadx(s, g, r);
  int cols = nd;
  if (d > 0) {
    if (bartlett) {
      for (int k = 0; k < r; ++k) {
        int o = base + k * (k - 1) / 2;
        for (int k2 = 0; k2 < k; ++k2) ws[s.oBart + k * ldM + k2] = ws[s.oBuf + o + k2];
        ws[s.oBart + k * ldM + k] = sqrt(rg_gram_chi2(s, k, first, chiC2, d - k));
      }
      cols += r;
    } else {
      cols += d;
    }
  }
  const double* dl = ws + s.oDL + g * 64;
  const double* l = ws + s.oL + g * 64;
  int na = 0;
  for (int a = 0; a < mAct; ++a) {
    double wa = rg_gram_w(s, g, a % nd);
    if (wa == 0.0) continue;
    double* f = ws + s.oFrow + na * fl;
    s.iws[s.oRowIdx + na++] = a;
    int t = s.iws[s.oTRow + a];
    double sa = sw * wa;
    for (int al = 0; al < nd; ++al) {
      double u = 0.0;
      for (int k = 0; k < t; ++k) u += ws[s.oRc + a * ldM + k] * ws[s.oXg + k * 8 + al];
      for (int be = 0; be < nd; ++be) u += ws[s.oSc + a * 8 + be] * dl[be * 8 + al];
      ws[s.oUu + al] = u;
      f[al] = sa * u;
    }
    if (!last) {
      for (int be = 0; be < nd; ++be) {
        double y = 0.0;
        for (int al = 0; al < nd; ++al) y += ws[s.oUu + al] * l[be * 8 + al];
        ydot[a * 8 + be] += sa * y;
      }
    }
    if (cols > nd) {
      for (int q = nd; q < cols; ++q) f[q] = 0.0;
      for (int k = 0; k < t; ++k) {
        double c = ws[s.oRc + a * ldM + k];
        if (c == 0.0) continue;
        if (bartlett) {
          for (int k2 = 0; k2 <= k; ++k2) f[nd + k2] += c * ws[s.oBart + k * ldM + k2];
        } else {
          int o = base + k * d;
          for (int q = 0; q < d; ++q) f[nd + q] += c * ws[s.oBuf + o + q];
        }
      }
      for (int q = nd; q < cols; ++q) f[q] *= sa;
    }
  }
  for (int i1 = 0; i1 < na; ++i1) {
    const double* f1 = ws + s.oFrow + i1 * fl;
    int a1 = s.iws[s.oRowIdx + i1];
    for (int i2 = 0; i2 <= i1; ++i2) {
      const double* f2 = ws + s.oFrow + i2 * fl;
      double acc = 0.0;
      for (int q = 0; q < cols; ++q) acc += f1[q] * f2[q];
      gram[a1 * mAct + s.iws[s.oRowIdx + i2]] += acc;
    }
  }
}

/** GramSweep.step with mPrev = 0 for the mAct vectors of one target (Γ row stride mAct, Y ld 8). */
__device__ void rg_gram_step(RgGram& s, unsigned c2, unsigned chiC2, int mAct, int n, double sw,
                             double sb, double* gram, double* ydot, bool last) {
  const int nd = s.nd, ldM = s.mMax;
  double* ws = s.ws;
  for (int a = 0; a < mAct; ++a)
    for (int b = 0; b <= a; ++b) ws[s.oBuf + a * ldM + b] = gram[a * mAct + b];
  rg_gram_chol(ws + s.oBuf, ws + s.oGramL, ldM, mAct);
  int r = 0;
  for (int b = 0; b < mAct; ++b)
    if (ws[s.oGramL + b * ldM + b] != 0.0) s.iws[s.oKept + r++] = b;
  for (int a = 0; a < mAct; ++a) {
    int t = 0;
    while (t < r && s.iws[s.oKept + t] <= a) {
      ws[s.oRc + a * ldM + t] = ws[s.oGramL + a * ldM + s.iws[s.oKept + t]];
      ++t;
    }
    s.iws[s.oTRow + a] = t;
  }
  for (int k = 0; k < r; ++k)
    for (int al = 0; al < nd; ++al) ws[s.oAEta + k * 8 + al] = 0.0;
  if (r > 0) {
    for (int g = 0; g < s.groups; ++g) {
      if (!rg_gram_active(s, g)) continue;
      rg_gram_row(s, c2, (unsigned)s.iws[s.oGFirst + g], r * nd, ws + s.oBuf);
      rg_gram_loadx(s, g, r);
      const double* dl = ws + s.oDL + g * 64;
      for (int k = 0; k < r; ++k)
        for (int al = 0; al < nd; ++al) {
          double t = 0.0;
          for (int be = 0; be < nd; ++be) t += ws[s.oXg + k * 8 + be] * dl[al * 8 + be];
          ws[s.oAEta + k * 8 + al] += t;
        }
    }
    rg_gram_row(s, c2, (unsigned)n, r, ws + s.oEtaBias);
  }
  for (int k = 0; k < r; ++k) {
    double bias = sb * ws[s.oEtaBias + k];
    for (int al = 0; al < nd; ++al) ws[s.oAEta + k * 8 + al] = sw * ws[s.oAEta + k * 8 + al] + bias;
  }
  for (int a = 0; a < mAct; ++a) {
    int t = s.iws[s.oTRow + a];
    for (int al = 0; al < nd; ++al) {
      double acc = 0.0;
      for (int k = 0; k < t; ++k) acc += ws[s.oRc + a * ldM + k] * ws[s.oAEta + k * 8 + al];
      ws[s.oRhs + al] = ydot[a * 8 + al] - acc;
    }
    rg_gram_solve(ws + s.oGchol, nd, ws + s.oRhs);
    for (int al = 0; al < nd; ++al) ws[s.oSc + a * 8 + al] = sw * ws[s.oRhs + al];
  }
  for (int a = 0; a < mAct; ++a) {
    for (int b = 0; b <= a; ++b) gram[a * mAct + b] = 0.0;
    if (!last)
      for (int al = 0; al < nd; ++al) ydot[a * 8 + al] = 0.0;
  }
  if (r > 0)
    for (int g = 0; g < s.groups; ++g)
      if (rg_gram_active(s, g)) rg_gram_add_group(s, g, r, mAct, sw, c2, chiC2, gram, ydot, last);
}

extern "C" __global__ void __launch_bounds__(64) rg_exact_gram(
    int depth, int nd, int mMax, int gMax, int maxW, const int* widths, const int* zOff,
    const int* mL, const int* tOff, const int* tgOff, const int* tyOff, const float* x,
    const double* sw, const double* sb, const double* lamB, const double* lamWn,
    const double* cwn, const double* cb, const double* slopes, unsigned seedLo, unsigned seedHi,
    unsigned e0, int count, const float* zs, long long zStride, double* wsAll, long long wsStride,
    int* iwsAll, long long iwsStride, double* theta, long long thetaStride) {
  int gidx = blockIdx.x * blockDim.x + threadIdx.x;
  if (gidx >= count) return;
  RgGram s;
  s.nd = nd;
  s.mMax = mMax;
  s.gMax = gMax;
  s.aPos = slopes[0];
  s.aNeg = slopes[1];
  s.key = make_uint2(seedLo, seedHi);
  s.e = e0 + (unsigned)gidx;
  s.ws = wsAll + (size_t)gidx * (size_t)wsStride;
  s.iws = iwsAll + (size_t)gidx * (size_t)iwsStride;
  int o = 0, M = mMax, G = gMax;
  s.oGramL = o; o += M * M;
  s.oRc = o; o += M * M;
  s.oAEta = o; o += 8 * M;
  s.oSc = o; o += 8 * M;
  s.oRhs = o; o += 8;
  s.oBuf = o; o += 8 * M + M * M + 4;
  s.oEtaBias = o; o += M + 4;
  s.oXg = o; o += 8 * M;
  s.oBart = o; o += M * M;
  s.oFrow = o; o += M * (8 + M);
  s.oUu = o; o += 8;
  s.oZtZ = o; o += 64 * G;
  s.oL = o; o += 64 * G;
  s.oDL = o; o += 64 * G;
  s.oCoef = o; o += 64;
  s.oGhat = o; o += 64;
  s.oGchol = o; o += 64;
  s.oSig = o; o += 8 * maxW;
  s.oTG = o;
  s.oTY = o + tgOff[depth + 1];
  int io = 0;
  s.oKept = io; io += M;
  s.oTRow = io; io += M;
  s.oRowIdx = io; io += M;
  s.oGroupOf = io; io += 256;
  s.oGFirst = io; io += G;
  s.oGPattern = io; io += G;
  s.oGCount = io; io += G;
  s.oGRank = io;
  const float* z = zs + (size_t)gidx * (size_t)zStride;
  double* th = theta + (size_t)gidx * (size_t)thetaStride;
  for (long long q = 0; q < thetaStride; ++q) th[q] = 0.0;
  double* ws = s.ws;
  for (int lp = depth; lp >= 1; --lp) {
    int mm = mL[lp] * nd, n = widths[lp];
    double* tg = ws + s.oTG + tgOff[lp];
    double* ty = ws + s.oTY + tyOff[lp];
    for (int f = 0; f < mm; ++f) {
      int i = f / nd;
      for (int b = 0; b <= f; ++b) tg[f * mm + b] = b / nd == i ? 1.0 : 0.0;
      for (int al = 0; al < nd; ++al) ty[f * 8 + al] = (double)z[zOff[lp] + al * n + i];
    }
    // σ of layer l'−1 (x for l' = 1) in double, [α][j]
    int np = widths[lp - 1];
    double* sig = ws + s.oSig;
    for (int al = 0; al < nd; ++al)
      for (int j = 0; j < np; ++j) {
        double v = lp == 1 ? (double)x[al * np + j] : (double)z[zOff[lp - 1] + al * np + j];
        sig[al * np + j] = lp == 1 ? v : (v >= 0.0 ? s.aPos : s.aNeg) * v;
      }
    double* coef = ws + s.oCoef;
    double* ghat = ws + s.oGhat;
    for (int a = 0; a < nd; ++a)
      for (int b = 0; b <= a; ++b) {
        double dot = 0.0;
        for (int j = 0; j < np; ++j) dot += sig[a * np + j] * sig[b * np + j];
        double c = lamB[lp] + lamWn[lp] * dot;
        coef[a * 8 + b] = c;
        coef[b * 8 + a] = c;
        ghat[a * 8 + b] = cb[lp] + cwn[lp] * dot;
      }
    for (int l = lp; l <= depth; ++l) {
      int tn = mL[l] * nd;
      double* tt = th + tOff[l];
      const double* g = ws + s.oTG + tgOff[l];
      for (int t1 = 0; t1 < tn; ++t1)
        for (int t2 = t1; t2 < tn; ++t2) tt[t1 * tn + t2] += g[t2 * tn + t1] * coef[(t1 % nd) * 8 + t2 % nd];
    }
    if (lp > 1) {
      rg_gram_chol(ghat, ws + s.oGchol, 8, nd);
      rg_gram_groups(s, z + zOff[lp - 1], np);
      for (int t = lp; t <= depth; ++t) {
        unsigned c2 = RG_GRAM_GAUSS | ((unsigned)t << 14) | (unsigned)lp;
        unsigned chi = RG_GRAM_CHI | ((unsigned)t << 14) | (unsigned)lp;
        rg_gram_step(s, c2, chi, mL[t] * nd, np, sw[lp], sb[lp], ws + s.oTG + tgOff[t],
                     ws + s.oTY + tyOff[t], lp == 2);
      }
    }
  }
  for (int l = 1; l <= depth; ++l) {
    int tn = mL[l] * nd;
    double* tt = th + tOff[l];
    for (int t1 = 0; t1 < tn; ++t1)
      for (int t2 = 0; t2 < t1; ++t2) tt[t1 * tn + t2] = tt[t2 * tn + t1];
  }
}

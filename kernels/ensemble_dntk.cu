// ensemble_dntk.cu — the per-network dNTK statistics (docs/THEORY.md §16; host: the dNTK twin of
// CudaEnsemble's launches, checked by CudaKernelsOnHostTest through the host harness).
//
// Kernel: rg_dntk, one thread block per network e = e0 + blockIdx.x, run after rg_forward_nd* with
// z kept (zScratch: z^(l)_{i;al} at zOff[l] + al*n_l + i, l >= 1). It computes what the CPU reference
// ensemble/DntkSweep computes, one target layer t at a time (as the OpenCL kernel ClNetworkKernel):
//   directions: u_{k al} (k < m_t, al < ND; start vector e_k at level t) and c_{al2 al3} (start
//     vector z^(t)_{al3}, input al2); their g^(a) = d(direction)/dz^(a) are carried down from t to 1:
//     g^(a-1) = sw[a] sigma'(z^(a-1)_{al_d}) (W^(a)T g^(a)), stored for every level;
//   tangents up from 1 to t, at every input be: zd^(1) = coef^(1)_{al_d be} g^(1),
//     zd^(a+1) = sw W (sigma'_be zd^(a)) + coef^(a+1)_{al_d be} g^(a+1);
//     zdd^(1) = 0, zdd^(a+1) = sw W (sigma''_be zd1 zd2 + sigma'_be zdd^(a))
//                 + (lamW/n_a) [g1^(a+1) sigma_{al1}.(sigma'_be zd2) + g2^(a+1) sigma_{al2}.(sigma'_be zd1)]
//     for the pairs (k al1, k al2) (al1 <= al2 only) and (i al1, c_{al2 al3});
//   statistics of layer t, 2 ND^4 doubles (p then q, flat over (al0, al1, al2, al3)), as DntkSweep.finish.
// Threads: the W^T step gives thread q the column quad q (one Philox block per row: counter
// (q, i, a, e), as the forward kernel); the W step gives thread i the output row i. Each output has
// one owner and a fixed summation order: deterministic. Tangents are float, the cross-term dots, the
// coefficients and the statistics double.
// Work (floats per network, workStride): sigma, sigma', sigma'' (3 zStride), g (dDirs gStride),
// zd (2 dDirs ND nmax), zdd (2 dPairs ND nmax), f (2 dPairs ND). Weights are regenerated in each
// pass: 2 (t - 1) layer regenerations per target t.
#include "philox.cuh"
#include "activations.cuh"

#define RG_DNTK_MAX_ND 8

/** sigma''(z) in float, as org.rgflow.act's d2 (0 for the piecewise-linear family and step). */
__device__ __forceinline__ float rg_d2act(int act, float a, float z) {
  switch (act) {
    case RG_TANH: { float t = tanhf(z); return -2.0f * t * (1.0f - t * t); }
    case RG_SIN: return -sinf(z);
    case RG_ERF: return -2.2567583341910251f * z * expf(-z * z);
    case RG_SIGMOID: { float g = 1.0f / (1.0f + expf(-z)); return g * (1.0f - g) * (1.0f - 2.0f * g); }
    case RG_SOFTPLUS: { float g = 1.0f / (1.0f + expf(-z)); return g * (1.0f - g); }
    case RG_SWISH: { float g = 1.0f / (1.0f + expf(-z)); return g * (1.0f - g) * (2.0f + z * (1.0f - 2.0f * g)); }
    case RG_GELU: return 0.3989422804014327f * expf(-0.5f * z * z) * (2.0f - z * z);
    case RG_MONOMIAL: {
      int q = (int)a;
      if (q < 2) return 0.0f;
      float v = 1.0f;
      for (int i = 0; i < q - 2; ++i) v *= z;
      return (float)(q * (q - 1)) * v;
    }
    default: return 0.0f;
  }
}

__device__ __forceinline__ int rg_dir_alpha(int d, int m, int nd) {
  return d < m * nd ? d % nd : (d - m * nd) / nd;
}

__device__ __forceinline__ int rg_pair_dir1(int p, int m, int nd) {
  const int n2 = nd * nd;
  if (p < m * n2) return (p / n2) * nd + (p / nd) % nd;
  const int q = p - m * n2;
  return (q / (n2 * nd)) * nd + (q / n2) % nd;
}

__device__ __forceinline__ int rg_pair_dir2(int p, int m, int nd) {
  const int n2 = nd * nd;
  if (p < m * n2) return (p / n2) * nd + p % nd;
  return m * nd + (p - m * n2) % n2;
}

/** The P pairs with al1 > al2 are transposes of those with al1 < al2, not propagated. */
__device__ __forceinline__ bool rg_pair_active(int p, int m, int nd) {
  return !(p < m * nd * nd && (p / nd) % nd > p % nd);
}

/** sigma^(l)_{j;al}: x for l = 0, else the work buffer's sigma. */
__device__ __forceinline__ float rg_sig_at(int l, int al, int j, const int* widths, const int* zOff,
                                           const float* x, const float* sg) {
  return l == 0 ? x[al * widths[0] + j] : sg[zOff[l] + al * widths[l] + j];
}

extern "C" __global__ void __launch_bounds__(256) rg_dntk(
    int depth, int nd, const int* widths, const int* zOff, const int* dm, const int* gLOff,
    int gStride, int dDirs, int dPairs, int nmax, const float* x, const float* sw,
    const double* lamB, const double* lamW, int act, float actA, float actB, unsigned seedLo,
    unsigned seedHi, unsigned e0, const float* zScratch, long long zStride, float* work,
    long long workStride, double* dntkOut, int drop) {
  __shared__ double coef[RG_DNTK_MAX_ND * RG_DNTK_MAX_ND];
  const unsigned e = e0 + blockIdx.x;
  const RgRoundKeys rk = rg_round_keys(make_uint2(seedLo, seedHi));
  const float* zb = zScratch + (size_t)blockIdx.x * (size_t)zStride;
  float* sg = work + (size_t)blockIdx.x * (size_t)workStride;
  float* ds = sg + zStride;
  float* d2 = ds + zStride;
  float* dg = d2 + zStride;
  float* dzd = dg + (size_t)dDirs * gStride;
  const size_t halfD = (size_t)dDirs * nd * nmax;
  const size_t halfP = (size_t)dPairs * nd * nmax;
  float* dzdd = dzd + 2 * halfD;
  float* fb = dzdd + 2 * halfP;
  const int n4 = nd * nd * nd * nd;
  double* out = dntkOut + (size_t)blockIdx.x * (size_t)depth * 2 * n4;
  const int tid = threadIdx.x, bd = blockDim.x;

  for (int l = 1; l < depth; ++l) {
    for (int t = tid; t < nd * widths[l]; t += bd) {
      float s, d;
      const float v = zb[zOff[l] + t];
      rg_act(act, actA, actB, v, &s, &d);
      sg[zOff[l] + t] = s;
      ds[zOff[l] + t] = d;
      d2[zOff[l] + t] = rg_d2act(act, actA, v);
    }
  }
  __syncthreads();
  for (int t = 1; t <= depth; ++t) {
    const int m = dm[t], dirs = m * nd + nd * nd, pairs = m * nd * nd * (1 + nd), nt = widths[t];
    for (int idx = tid; idx < dirs * nt; idx += bd) {
      const int d = idx / nt, j = idx % nt;
      float v;
      if (d < m * nd) v = j == d / nd ? 1.0f : 0.0f;
      else v = zb[zOff[t] + ((d - m * nd) % nd) * nt + j];
      dg[(size_t)d * gStride + gLOff[t] + j] = v;
    }
    __syncthreads();
    // down
    for (int a = t; a >= 2; --a) {
      const int nOut = widths[a], nIn = widths[a - 1], quads = (nIn + 3) >> 2;
      for (int q = tid; q < quads; q += bd) {
        for (int d = 0; d < dirs; ++d)
          for (int c = 0; c < 4; ++c)
            if (4 * q + c < nIn) dg[(size_t)d * gStride + gLOff[a - 1] + 4 * q + c] = 0.0f;
        for (int i = 0; i < nOut; ++i) {
          const float4 w = rg_gauss4_rk(make_uint4(q, i, a, e), rk);
          for (int d = 0; d < dirs; ++d) {
            const float gi = dg[(size_t)d * gStride + gLOff[a] + i];
            if (gi == 0.0f) continue;
            float* o = dg + (size_t)d * gStride + gLOff[a - 1] + 4 * q;
            for (int c = 0; c < 4; ++c)
              if (4 * q + c < nIn) o[c] = fmaf(gi, rg_lane(w, c), o[c]);
          }
        }
        for (int d = 0; d < dirs; ++d) {
          const int al = rg_dir_alpha(d, m, nd);
          float* o = dg + (size_t)d * gStride + gLOff[a - 1] + 4 * q;
          for (int c = 0; c < 4; ++c)
            if (4 * q + c < nIn) o[c] = o[c] * (sw[a] * ds[zOff[a - 1] + al * nIn + 4 * q + c]);
        }
      }
      __syncthreads();
    }
    // up, level 1
    if (tid == 0) {
      for (int x1 = 0; x1 < nd; ++x1)
        for (int x2 = 0; x2 < nd; ++x2) {
          double s = 0.0;
          for (int j = 0; j < widths[0]; ++j)
            s += (double)x[x1 * widths[0] + j] * (double)x[x2 * widths[0] + j];
          coef[x1 * nd + x2] = lamB[1] + lamW[1] / widths[0] * s;
        }
    }
    __syncthreads();
    const int n1 = widths[1];
    for (int idx = tid; idx < dirs * nd * n1; idx += bd) {
      const int i = idx % n1, b = (idx / n1) % nd, d = idx / (n1 * nd);
      dzd[(size_t)(d * nd + b) * nmax + i] =
          (float)coef[rg_dir_alpha(d, m, nd) * nd + b] * dg[(size_t)d * gStride + gLOff[1] + i];
    }
    for (int idx = tid; idx < pairs * nd * n1; idx += bd) {
      const int i = idx % n1, pb = idx / n1;
      dzdd[(size_t)pb * nmax + i] = 0.0f;
    }
    __syncthreads();
    int cur = 0;
    for (int lvl = 1; lvl < t; ++lvl) {
      const int nIn = widths[lvl], nOut = widths[lvl + 1], l2 = lvl + 1, quads = (nIn + 3) >> 2;
      const float* dc = dzd + cur * halfD;
      float* dn = dzd + (1 - cur) * halfD;
      const float* pc = dzdd + cur * halfP;
      float* pn = dzdd + (1 - cur) * halfP;
      const float* sgl = sg + zOff[lvl];
      const float* dsl = ds + zOff[lvl];
      const float* d2l = d2 + zOff[lvl];
      if (tid == 0) {
        for (int x1 = 0; x1 < nd; ++x1)
          for (int x2 = 0; x2 < nd; ++x2) {
            double s = 0.0;
            for (int j = 0; j < nIn; ++j)
              s += (double)rg_sig_at(lvl, x1, j, widths, zOff, x, sg)
                   * (double)rg_sig_at(lvl, x2, j, widths, zOff, x, sg);
            coef[x1 * nd + x2] = lamB[l2] + lamW[l2] / nIn * s;
          }
      }
      for (int idx = tid; idx < pairs * nd; idx += bd) {
        const int p = idx / nd, b = idx % nd;
        if (!rg_pair_active(p, m, nd)) continue;
        const int k1 = rg_pair_dir1(p, m, nd), k2 = rg_pair_dir2(p, m, nd);
        const int a1 = rg_dir_alpha(k1, m, nd), a2 = rg_dir_alpha(k2, m, nd);
        double f1 = 0.0, f2 = 0.0;
        for (int j = 0; j < nIn; ++j) {
          const double dj = dsl[b * nIn + j];
          f1 += (double)sgl[a1 * nIn + j] * (dj * dc[(size_t)(k2 * nd + b) * nmax + j]);
          f2 += (double)sgl[a2 * nIn + j] * (dj * dc[(size_t)(k1 * nd + b) * nmax + j]);
        }
        const double rate = lamW[l2] / nIn;
        fb[2 * idx] = drop == 2 ? 0.0f : (float)(rate * f1);
        fb[2 * idx + 1] = drop == 2 ? 0.0f : (float)(rate * f2);
      }
      __syncthreads();
      for (int i = tid; i < nOut; i += bd) {
        for (int db = 0; db < dirs * nd; ++db) dn[(size_t)db * nmax + i] = 0.0f;
        for (int pb = 0; pb < pairs * nd; ++pb) pn[(size_t)pb * nmax + i] = 0.0f;
        for (int q = 0; q < quads; ++q) {
          const float4 w = rg_gauss4_rk(make_uint4(q, i, l2, e), rk);
          for (int c = 0; c < 4; ++c) {
            const int j = 4 * q + c;
            if (j >= nIn) break;
            const float wv = rg_lane(w, c);
            for (int d = 0; d < dirs; ++d)
              for (int b = 0; b < nd; ++b)
                dn[(size_t)(d * nd + b) * nmax + i] = fmaf(wv, dsl[b * nIn + j] * dc[(size_t)(d * nd + b) * nmax + j],
                                                           dn[(size_t)(d * nd + b) * nmax + i]);
            for (int p = 0; p < pairs; ++p) {
              if (!rg_pair_active(p, m, nd)) continue;
              const int k1 = rg_pair_dir1(p, m, nd), k2 = rg_pair_dir2(p, m, nd);
              for (int b = 0; b < nd; ++b) {
                float r = dsl[b * nIn + j] * pc[(size_t)(p * nd + b) * nmax + j];
                if (drop != 1)
                  r = fmaf(d2l[b * nIn + j] * dc[(size_t)(k1 * nd + b) * nmax + j],
                           dc[(size_t)(k2 * nd + b) * nmax + j], r);
                pn[(size_t)(p * nd + b) * nmax + i] = fmaf(wv, r, pn[(size_t)(p * nd + b) * nmax + i]);
              }
            }
          }
        }
        for (int d = 0; d < dirs; ++d) {
          const float gv = dg[(size_t)d * gStride + gLOff[l2] + i];
          const int al = rg_dir_alpha(d, m, nd);
          for (int b = 0; b < nd; ++b) {
            float* o = dn + (size_t)(d * nd + b) * nmax + i;
            *o = fmaf(sw[l2], *o, (float)coef[al * nd + b] * gv);
          }
        }
        for (int p = 0; p < pairs; ++p) {
          if (!rg_pair_active(p, m, nd)) continue;
          const int k1 = rg_pair_dir1(p, m, nd), k2 = rg_pair_dir2(p, m, nd);
          const float g1 = dg[(size_t)k1 * gStride + gLOff[l2] + i];
          const float g2 = dg[(size_t)k2 * gStride + gLOff[l2] + i];
          for (int b = 0; b < nd; ++b) {
            float* o = pn + (size_t)(p * nd + b) * nmax + i;
            *o = fmaf(sw[l2], *o, fb[2 * (p * nd + b)] * g1 + fb[2 * (p * nd + b) + 1] * g2);
          }
        }
      }
      __syncthreads();
      cur = 1 - cur;
    }
    // statistics of layer t
    const float* pc = dzdd + cur * halfP;
    const double norm = (double)m * (nt - 1);
    const float* zt = zb + zOff[t];
    for (int f = tid; f < n4; f += bd) {
      const int a3 = f % nd, a2 = (f / nd) % nd, a1 = (f / (nd * nd)) % nd, a0 = f / (nd * nd * nd);
      const int lo = a1 < a2 ? a1 : a2, hi = a1 < a2 ? a2 : a1;
      double ps = 0.0, qs = 0.0;
      for (int k = 0; k < m; ++k) {
        const float* kk = pc + (size_t)(((k * nd + lo) * nd + hi) * nd + a0) * nmax;
        double dot = 0.0;
        for (int i = 0; i < nt; ++i) dot += (double)zt[a3 * nt + i] * (double)kk[i];
        const double self = (double)zt[a3 * nt + k] * (double)kk[k];
        const int qp = m * nd * nd + ((k * nd + a1) * nd + a2) * nd + a3;
        ps += dot - self;
        qs += (double)pc[(size_t)(qp * nd + a0) * nmax + k] - self;
      }
      out[(size_t)(t - 1) * 2 * n4 + f] = ps / norm;
      out[(size_t)(t - 1) * 2 * n4 + n4 + f] = qs / norm;
    }
    __syncthreads();
  }
}

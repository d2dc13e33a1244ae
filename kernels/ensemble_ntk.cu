// ensemble_ntk.cu — the per-network NTK sub-blocks by one fused downward sweep (host: CudaEnsemble).
//
// Kernels: rg_ntk_vt8, rg_ntk_vt16 (register tile of VT vectors, below). Run after rg_forward_nd* on the same chunk (one thread block per network
// e = e0 + blockIdx.x), which left z^(l) of every layer in zScratch at zOff[l]. It computes exactly the
// CPU reference's definition (CpuNetwork.backward):
//   for every target layer l, measured neuron i < m_l = min(n_l, ntkNeurons) and input al, the
//   gradient g^{(l,i,al)} = dz^(l)_{i;al} / dz^(l') is carried from l' = l down to 1; at each level l'
//   Theta^(l)_{ik;al be} += (g^{i al} . g^{k be}) [lamB^(l') + (lamW^(l')/n_{l'-1}) sigma^(l'-1)_al . sigma^(l'-1)_be]
//   and moving down applies W^(l')^T (regenerated from Philox, never stored) and sigma'(z^(l'-1)_al).
//   Residual layers (gam[l'], xis[l'], 0 and 1 for dense ones): the coefficient gains xi^2 and the
//   step down is g <- gam g + xi sigma' (W^T g) (equal widths); skipped when gam = 0 and xi = 1.
// Vectors are numbered v = vOff[l] + i*ND + al (vOff[l] = sum_{l'<l} m_l' ND); at level l' the active
// ones are v in [vOff[l'], vOff[L+1]), all of width n_l'. Two ping-pong buffers of V x ldG floats per
// network live in gScratch.
//   Theta: one warp per pair (t1 <= t2) of each layer, dot in double, shuffle reduce, added by lane 0 to
//     thetaOut (double, per network sum_l (m_l ND)^2) — one owner per entry, fixed order: deterministic.
//   W^T: thread q owns columns 4q..4q+3 of W^(l') (one Philox block per row k: counter (q, k, l', e)),
//     and a register tile of VT vectors x 4 columns; rows whose g entries are all zero for the tile are
//     skipped (new targets are unit vectors). The weights are regenerated once per VT-tile of vectors.
// Also written: zHead[vOff[l] + al*m_l + i] = z^(l)_{i;al} for i < m_l (LayerStats needs them for F, D).
// Only thetaOut and zHead leave the device; nothing of size n^2 is stored.
//
// Napkin math (E = 4096, n = 1024, L = 32, ND = 2, m = 4: 8 vectors per layer, V(l') = 8 (L - l' + 1)):
// W^T is applied at levels l' = L..2 (level 1 only adds to Theta): sum_{l'=2..32} V(l') n^2 =
// 8 x 496 n^2 = 3968 n^2 = 4.2e9 FMA per network, 1.7e13 in all (~0.3 s at H100's ~6e13 FP32 FMA/s).
// RNG: W^(l') is regenerated ceil(V(l')/VT) times: sum_{j=1..31} ceil(8j/VT) = 256 layer
// regenerations at VT = 16 (496 at VT = 8), against the forward pass's 32: 8x (15.5x) the forward's
// Gaussians. The W^T inner loop is 438 SASS instructions per Philox block at VT = 16 (4 weights x
// 16 vectors: 64 FMAs, 16 g loads; 294 at VT = 8; benchmarks/gpu/sass-counts.txt): 256 x n^2/4
// blocks x 438 = 2.9e10 instructions per network, 1.2e14 for E = 4096: ~3.6 s at the issue limit
// (3.3e13/s), forward+NTK ~20x the forward time, ~4e10 forward weights/s — short of issue 15's
// 5e10 target. The faster
// design (a tile of W in shared memory reused by all V vectors, i.e. a generated-operand GEMM) is
// described in docs/CUDA.md.
#include "philox.cuh"
#include "activations.cuh"

#define RG_MAX_ND 8

/** sigma'(z), out of line: the write-out loop below is unrolled VT x 4 times. */
__device__ __noinline__ float rg_dact(int act, float a, float b, float z) {
  float s, d;
  rg_act(act, a, b, z, &s, &d);
  return d;
}

template <int RG_VT>
__device__ __forceinline__ void rg_ntk(
    int depth, int nd, const int* __restrict__ widths, const int* __restrict__ zOff,
    const int* __restrict__ vOff, const int* __restrict__ tOff, const int* __restrict__ mL,
    const float* __restrict__ x, const float* __restrict__ sw, const double* __restrict__ lamB,
    const double* __restrict__ lamW, int act, float actA, float actB, unsigned seedLo,
    unsigned seedHi, unsigned e0, const float* __restrict__ zScratch, long long zStride,
    float* __restrict__ gScratch, long long gStride, int ldG, double* __restrict__ thetaOut,
    long long thetaStride, float* __restrict__ zHead, long long zHeadStride, double* red,
    double* coef, const float* __restrict__ gam, const float* __restrict__ xis) {
  const unsigned e = e0 + blockIdx.x;
  const uint2 key = make_uint2(seedLo, seedHi);
  const RgRoundKeys rk = rg_round_keys(key);
  const float* zb = zScratch + (size_t)blockIdx.x * (size_t)zStride;
  float* g0 = gScratch + (size_t)blockIdx.x * (size_t)gStride;
  const int vTotal = vOff[depth + 1];
  float* g1 = g0 + (size_t)vTotal * ldG;
  double* th = thetaOut + (size_t)blockIdx.x * (size_t)thetaStride;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;

  for (long long t = threadIdx.x; t < thetaStride; t += blockDim.x) th[t] = 0.0;
  for (int l = 1; l <= depth; ++l) {
    int n = widths[l], m = mL[l];
    for (int t = threadIdx.x; t < nd * m; t += blockDim.x) {
      int al = t / m, i = t % m;
      zHead[(size_t)blockIdx.x * zHeadStride + vOff[l] + t] = zb[zOff[l] + al * n + i];
    }
  }
  __syncthreads();  // [redundant] th and cur are next read after step 2's barriers

  for (int lp = depth; lp >= 1; --lp) {
    float* cur = ((depth - lp) & 1) ? g1 : g0;
    float* nxt = ((depth - lp) & 1) ? g0 : g1;
    const int width = widths[lp], nPrev = widths[lp - 1];
    // 1. New targets: unit vectors e_i for the measured neurons of layer lp.
    {
      const int vb = vOff[lp], cnt = vOff[lp + 1] - vb;
      for (long long t = threadIdx.x; t < (long long)cnt * width; t += blockDim.x) {
        int v = (int)(t / width), j = (int)(t % width);
        cur[(size_t)(vb + v) * ldG + j] = (j == v / nd) ? 1.0f : 0.0f;
      }
    }
    // 2. Coefficients lamB + lamW/n_{lp-1} sigma^(lp-1)_al . sigma^(lp-1)_be (double).
    for (int a = 0; a < nd; ++a)
      for (int b = a; b < nd; ++b) {
        double v = 0.0;
        for (int j = threadIdx.x; j < nPrev; j += blockDim.x) {
          float sa, sbv, d;
          if (lp == 1) {
            sa = x[a * nPrev + j];
            sbv = x[b * nPrev + j];
          } else {
            const float* zp = zb + zOff[lp - 1];
            rg_act(act, actA, actB, zp[a * nPrev + j], &sa, &d);
            rg_act(act, actA, actB, zp[b * nPrev + j], &sbv, &d);
          }
          v += (double)sa * (double)sbv;
        }
        for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
        __syncthreads();
        if (lane == 0) red[warp] = v;
        __syncthreads();
        if (threadIdx.x == 0) {
          double s = 0.0;
          for (int w = 0; w < nwarps; ++w) s += red[w];
          double c = lamB[lp] + lamW[lp] / (double)nPrev * s;
          if (xis[lp] != 1.0f) c *= (double)xis[lp] * (double)xis[lp];  // residual: xi^2 (b, W)
          coef[a * nd + b] = c;
          coef[b * nd + a] = c;
        }
      }
    __syncthreads();
    // 3. Theta^(l) += (g_t1 . g_t2) coef for every layer l >= lp, pairs t1 <= t2 (one warp each).
    {
      int p = 0;
      for (int l = lp; l <= depth; ++l) {
        const int T = mL[l] * nd, vb = vOff[l];
        double* tl = th + tOff[l];
        for (int t1 = 0; t1 < T; ++t1)
          for (int t2 = t1; t2 < T; ++t2, ++p) {
            if (p % nwarps != warp) continue;
            const float* a = cur + (size_t)(vb + t1) * ldG;
            const float* b = cur + (size_t)(vb + t2) * ldG;
            double v = 0.0;
            for (int j = lane; j < width; j += 32) v += (double)a[j] * (double)b[j];
            for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
            if (lane == 0) tl[t1 * T + t2] += v * coef[(t1 % nd) * nd + (t2 % nd)];
          }
      }
    }
    if (lp == 1) break;
    // 4. Propagate: nxt_v[j] = sigma'(z^(lp-1)_{j;al(v)}) * sw * sum_k cur_v[k] W~_{kj}, W~ standard normal.
    const int vBegin = vOff[lp], vEnd = vTotal;
    const float swl = sw[lp], gl = gam[lp], xl = xis[lp];
    const float* zp = zb + zOff[lp - 1];
    const int quads = (nPrev + 3) >> 2;
    // Work items (q, group): column quad q and every groups-th tile of RG_VT vectors from the
    // group's first. Below 4 x blockDim columns the spare threads take other tiles of the same
    // quads (each (q, tile) is still computed once, in the same k order: same results), so no
    // thread idles while tiles are left.
    const int tiles = (vEnd - vBegin + RG_VT - 1) / RG_VT;
    const int groups = quads >= (int)blockDim.x ? 1 : max(1, min(tiles, (int)blockDim.x / quads));
    for (int item = threadIdx.x; item < quads * groups; item += blockDim.x) {
      const int q = item % quads, grp = item / quads;
      for (int v0 = vBegin + grp * RG_VT; v0 < vEnd; v0 += groups * RG_VT) {
        float acc[RG_VT][4];
#pragma unroll
        for (int v = 0; v < RG_VT; ++v) acc[v][0] = acc[v][1] = acc[v][2] = acc[v][3] = 0.0f;
        for (int k = 0; k < width; ++k) {
          float gv[RG_VT];
          bool any = false;
#pragma unroll
          for (int v = 0; v < RG_VT; ++v) {
            gv[v] = (v0 + v < vEnd) ? cur[(size_t)(v0 + v) * ldG + k] : 0.0f;
            any |= gv[v] != 0.0f;
          }
          if (!any) continue;  // the same for every thread of the group (same v0, k)
          float4 w = rg_gauss4_rk(make_uint4(q, k, lp, e), rk);
#pragma unroll
          for (int v = 0; v < RG_VT; ++v) {
            acc[v][0] = fmaf(gv[v], w.x, acc[v][0]);
            acc[v][1] = fmaf(gv[v], w.y, acc[v][1]);
            acc[v][2] = fmaf(gv[v], w.z, acc[v][2]);
            acc[v][3] = fmaf(gv[v], w.w, acc[v][3]);
          }
        }
        const int j0 = 4 * q;
#pragma unroll
        for (int v = 0; v < RG_VT; ++v) {
          if (v0 + v >= vEnd) break;
          const int al = (v0 + v) % nd;
          const float* zr = zp + al * nPrev;
          float* out = nxt + (size_t)(v0 + v) * ldG + j0;
          if (j0 + 3 < nPrev) {  // one 16-byte store per thread: a warp writes 512 contiguous bytes
            float4 o;
            o.x = rg_dact(act, actA, actB, zr[j0]) * (swl * acc[v][0]);
            o.y = rg_dact(act, actA, actB, zr[j0 + 1]) * (swl * acc[v][1]);
            o.z = rg_dact(act, actA, actB, zr[j0 + 2]) * (swl * acc[v][2]);
            o.w = rg_dact(act, actA, actB, zr[j0 + 3]) * (swl * acc[v][3]);
            if (xl != 1.0f || gl != 0.0f) {  // residual: g <- gam g + xi sigma' (W^T g)
              const float* gc = cur + (size_t)(v0 + v) * ldG + j0;
              o.x = fmaf(gl, gc[0], xl * o.x);
              o.y = fmaf(gl, gc[1], xl * o.y);
              o.z = fmaf(gl, gc[2], xl * o.z);
              o.w = fmaf(gl, gc[3], xl * o.w);
            }
            *reinterpret_cast<float4*>(out) = o;  // ldG and the buffers are multiples of 4 floats
          } else {
#pragma unroll
            for (int c = 0; c < 4; ++c)
              if (j0 + c < nPrev) {
                float o = rg_dact(act, actA, actB, zr[j0 + c]) * (swl * acc[v][c]);
                if (xl != 1.0f || gl != 0.0f) o = fmaf(gl, cur[(size_t)(v0 + v) * ldG + j0 + c], xl * o);
                out[c] = o;
              }
          }
        }
      }
    }
    __syncthreads();  // [redundant] nxt is next read in step 3, after step 2's barriers
  }
  __syncthreads();
  // Symmetrise: lower triangle from the upper one (as the CPU reference does).
  for (int l = 1; l <= depth; ++l) {
    const int T = mL[l] * nd;
    double* tl = th + tOff[l];
    for (int t = threadIdx.x; t < T * T; t += blockDim.x) {
      int t1 = t / T, t2 = t % T;
      if (t2 < t1) tl[t1 * T + t2] = tl[t2 * T + t1];
    }
  }
}

// Two register-tile sizes: VT = 16 regenerates W half as often but needs ~246 registers (one
// 256-thread block per SM); VT = 8 needs 128 (two blocks per SM). CudaBench times both.
#define RG_NTK_ENTRY(VT)                                                                          \
  extern "C" __global__ void __launch_bounds__(256) rg_ntk_vt##VT(                                \
      int depth, int nd, const int* widths, const int* zOff, const int* vOff, const int* tOff,    \
      const int* mL, const float* x, const float* sw, const double* lamB, const double* lamW,     \
      int act, float actA, float actB, unsigned seedLo, unsigned seedHi, unsigned e0,             \
      const float* zScratch, long long zStride, float* gScratch, long long gStride, int ldG,      \
      double* thetaOut, long long thetaStride, float* zHead, long long zHeadStride,               \
      const float* gam, const float* xis) {                                                       \
    __shared__ double red[32];                                                                    \
    __shared__ double coef[RG_MAX_ND * RG_MAX_ND];                                                \
    rg_ntk<VT>(depth, nd, widths, zOff, vOff, tOff, mL, x, sw, lamB, lamW, act, actA, actB,       \
               seedLo, seedHi, e0, zScratch, zStride, gScratch, gStride, ldG, thetaOut,           \
               thetaStride, zHead, zHeadStride, red, coef, gam, xis);                             \
  }

RG_NTK_ENTRY(8)
RG_NTK_ENTRY(16)

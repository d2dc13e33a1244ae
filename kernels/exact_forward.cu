// exact_forward.cu — the exact conditional sampler's forward pass (docs/EXACT_SAMPLER.md §1) on the
// device: one thread block per network e = e0 + blockIdx.x, the same random streams as the CPU's
// ExactNetwork.forward (u^{(l)}_{b;i} = lane i & 3 of Philox block (i >> 2, b, l | 2^30, e), the
// weight-row Gaussians of InitRng.weightRow with row b and layer word l | Streams.EXACT_FORWARD).
//
// Per layer l: Ĝ_{ab} = C_b + (C_W/n_{l-1}) σ_a·σ_b (N_D(N_D+1)/2 block sums in double, fixed order),
// the semidefinite Cholesky of Ĝ by thread 0 in double with Psd's rule (a Schur pivot ≤ 1e-11 of its
// diagonal entry, or a diagonal ≤ 0, drops the column), L in shared memory; then each thread owns
// neurons i = tid, tid + blockDim, ... and writes z_{a;i} = Σ_{b≤a} L_ab u_{b;i} (float), and σ(z)
// for the next layer. Dense layers only (the host refuses residual specs for now). No weight is drawn.
//
// Napkin (n = 1024, L = 8, N_D = 2, per network): 3 dots of 1024 (3·10³ FMAs, block sums in double),
// 2·1024 Gaussians per layer (one Philox block per 4 neurons and input b: 512 blocks per layer),
// ≈ 1.6·10⁴ Gaussians per network — against 8.4·10⁶ weights for rg_forward_nd2; at the ~38.8
// instructions per Gaussian of ensemble_forward.cu this is ≈ 6·10⁵ instructions per network, so the
// forward pass is bound by the per-layer barriers and the serial N_D ≤ 8 Cholesky, not by Philox.
// (Estimate only: never run on a GPU.)
//
// Output: z^{(l)} of all layers at scratch + blockIdx.x·scratchStride + zOff[l], layout [a][i];
// diverged[blockIdx.x] = first layer with !(|z| <= 1e30) (as ensemble_forward.cu), 0 when none.
#include "philox.cuh"
#include "activations.cuh"

#ifndef RG_DYNAMIC_SHARED
#define RG_DYNAMIC_SHARED(type, name) extern __shared__ __align__(16) type name[]
#endif

#define RG_EXACT_OVERFLOW 1e30f
#define RG_EXACT_FORWARD_FLAG 0x40000000u
#define RG_PSD_TOL 1e-11

/** Block-wide sum in double, valid in thread 0 (warp shuffles, warp partials in warp order). */
__device__ __forceinline__ double rg_exact_block_sum(double v, double* red) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  __syncthreads();
  if (lane == 0) red[warp] = v;
  __syncthreads();
  double s = 0.0;
  if (threadIdx.x == 0) {
    int nw = (blockDim.x + 31) >> 5;
    for (int w = 0; w < nw; ++w) s += red[w];
  }
  return s;
}

/** Psd.cholesky on a d × d lower triangle g (row-major, ld 8) into l; same operation order. */
__device__ __forceinline__ void rg_psd_cholesky(const double* g, double* l, int d) {
  for (int k = 0; k < d; ++k) {
    for (int j = k + 1; j < d; ++j) l[k * 8 + j] = 0.0;
    double akk = g[k * 8 + k];
    double s = akk;
    for (int j = 0; j < k; ++j) s -= l[k * 8 + j] * l[k * 8 + j];
    if (!(akk > 0.0) || s <= RG_PSD_TOL * akk) {
      for (int i = k; i < d; ++i) l[i * 8 + k] = 0.0;
      continue;
    }
    double r = sqrt(s);
    l[k * 8 + k] = r;
    double inv = 1.0 / r;
    for (int i = k + 1; i < d; ++i) {
      double t = g[i * 8 + k];
      for (int j = 0; j < k; ++j) t -= l[i * 8 + j] * l[k * 8 + j];
      l[i * 8 + k] = t * inv;
    }
  }
}

template <int ND>
__device__ void rg_exact_forward(int depth, const int* __restrict__ widths, const int* __restrict__ zOff,
                                 const float* __restrict__ x, const double* __restrict__ cwn,
                                 const double* __restrict__ cb, int act, float actA, float actB,
                                 unsigned seedLo, unsigned seedHi, unsigned e0,
                                 float* __restrict__ scratch, long long scratchStride,
                                 int* __restrict__ diverged) {
  RG_DYNAMIC_SHARED(float, sig);  // ND x maxWidth activations of the previous layer
  __shared__ double red[32];
  __shared__ double gh[64];
  __shared__ double lf[64];
  __shared__ int overflow;
  const unsigned e = e0 + blockIdx.x;
  const uint2 key = make_uint2(seedLo, seedHi);
  float* zbase = scratch + (size_t)blockIdx.x * (size_t)scratchStride;
  int ld = 0;
  for (int l = 0; l <= depth; ++l) ld = widths[l] > ld ? widths[l] : ld;
  int nprev = widths[0];
  for (int a = 0; a < ND; ++a)
    for (int j = threadIdx.x; j < nprev; j += blockDim.x) sig[a * ld + j] = x[a * nprev + j];
  if (threadIdx.x == 0) {
    overflow = 0;
    diverged[blockIdx.x] = 0;
  }
  __syncthreads();
  for (int l = 1; l <= depth; ++l) {
    const int n = widths[l];
    for (int a = 0; a < ND; ++a)
      for (int b = 0; b <= a; ++b) {
        double v = 0.0;
        for (int j = threadIdx.x; j < nprev; j += blockDim.x)
          v += (double)sig[a * ld + j] * (double)sig[b * ld + j];
        v = rg_exact_block_sum(v, red);
        if (threadIdx.x == 0) gh[a * 8 + b] = cb[l] + cwn[l] * v;
      }
    if (threadIdx.x == 0) rg_psd_cholesky(gh, lf, ND);
    __syncthreads();
    float L[ND][ND];
#pragma unroll
    for (int a = 0; a < ND; ++a)
#pragma unroll
      for (int b = 0; b < ND; ++b) L[a][b] = (float)lf[a * 8 + b];
    float* z = zbase + zOff[l];
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
      float u[ND];
#pragma unroll
      for (int b = 0; b < ND; ++b)
        u[b] = lf[b * 8 + b] != 0.0
            ? rg_lane(rg_gauss4(make_uint4(i >> 2, b, l | RG_EXACT_FORWARD_FLAG, e), key), i & 3)
            : 0.0f;
#pragma unroll
      for (int a = 0; a < ND; ++a) {
        float o = 0.0f;
#pragma unroll
        for (int b = 0; b <= a; ++b) o = fmaf(L[a][b], u[b], o);
        if (!(fabsf(o) <= RG_EXACT_OVERFLOW)) overflow = 1;
        z[a * n + i] = o;
      }
    }
    __syncthreads();
    if (overflow) {
      if (threadIdx.x == 0) diverged[blockIdx.x] = l;
      return;
    }
    if (l == depth) break;
    for (int a = 0; a < ND; ++a)
      for (int i = threadIdx.x; i < n; i += blockDim.x) {
        float sv = 0.0f, dv;
        rg_act(act, actA, actB, z[a * n + i], &sv, &dv);
        sig[a * ld + i] = sv;
      }
    nprev = n;
    __syncthreads();
  }
}

#define RG_EXACT_FORWARD_ENTRY(ND)                                                                \
  extern "C" __global__ void __launch_bounds__(256) rg_exact_forward_nd##ND(                      \
      int depth, const int* widths, const int* zOff, const float* x, const double* cwn,           \
      const double* cb, int act, float actA, float actB, unsigned seedLo, unsigned seedHi,        \
      unsigned e0, float* scratch, long long scratchStride, int* diverged) {                      \
    rg_exact_forward<ND>(depth, widths, zOff, x, cwn, cb, act, actA, actB, seedLo, seedHi, e0,    \
                         scratch, scratchStride, diverged);                                       \
  }

RG_EXACT_FORWARD_ENTRY(1)
RG_EXACT_FORWARD_ENTRY(2)
RG_EXACT_FORWARD_ENTRY(3)
RG_EXACT_FORWARD_ENTRY(4)
RG_EXACT_FORWARD_ENTRY(5)
RG_EXACT_FORWARD_ENTRY(6)
RG_EXACT_FORWARD_ENTRY(7)
RG_EXACT_FORWARD_ENTRY(8)

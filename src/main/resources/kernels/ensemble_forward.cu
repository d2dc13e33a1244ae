// ensemble_forward.cu — fused sample–forward–reduce for ensembles of random MLPs (host: CudaEnsemble).
//
// Kernels: rg_forward_nd{1..8}: one thread block per network. For every layer l = 1..L each thread
// owns rows i = tid, tid + blockDim, ...; it regenerates row i of W^(l) four weights at a time from
// Philox (philox.cuh — the same numbers as the CPU reference), consumes them at once against the
// previous layer's activations of all ND inputs held in shared memory, and never stores a weight.
// The block then reduces the layer's per-network power sums (below) in double and applies sigma.
//
// Napkin math (E = 4096, n = 1024, L = 32, ND = 2): 1.4e11 weights; each costs 1/4 Philox block
// (~40 integer ops) + 1/2 Box–Muller (~12 ops) + ND FMAs, i.e. ~25 instructions: about 3.5e12
// instructions, ~0.1 s at H100's ~3e13 instr/s — RNG-bound (1e12 weights/s ceiling), no memory
// traffic but the stats (E·L·S doubles).
//
// Output per network e and layer l (layout [e][l-1][s], S = P + P(P+1)/2 + ND, P = ND(ND+1)/2):
//   s in [0, P)            : sum_i a_{i,p},            a_{i,p} = z_{i,al} z_{i,be}, p = (al <= be)
//   next P(P+1)/2 entries  : sum_i a_{i,p} a_{i,q},    p <= q (row-major upper triangle)
//   last ND entries        : sum_i z_{i,al}^6
// and diverged[e] = first layer whose pre-activations overflowed (0 when none).
#include "philox.cuh"
#include "activations.cuh"

#define RG_OVERFLOW 1e30f

__device__ __forceinline__ double rg_block_sum(double v, double* red) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  __syncthreads();
  if (lane == 0) red[warp] = v;
  __syncthreads();
  double s = 0.0;
  if (threadIdx.x == 0) {
    int nw = (blockDim.x + 31) >> 5;
    for (int w = 0; w < nw; ++w) s += red[w];  // fixed order: deterministic
  }
  return s;  // valid in thread 0
}

template <int ND>
__device__ void rg_forward(int depth, const int* __restrict__ widths, const float* __restrict__ x,
                           const float* __restrict__ cb, const float* __restrict__ cw, int act,
                           float actParam, unsigned seedLo, unsigned seedHi, unsigned e0,
                           float* __restrict__ scratch, int scratchStride,
                           double* __restrict__ stats, int S, int* __restrict__ diverged) {
  extern __shared__ float shm[];  // ND x stride4(nmax) activations of the previous layer
  __shared__ double red[32];
  __shared__ int overflow;
  const unsigned e = e0 + blockIdx.x;
  const uint2 key = make_uint2(seedLo, seedHi);
  float* z = scratch + (size_t)blockIdx.x * scratchStride;  // ND x n pre-activations
  const int P = ND * (ND + 1) / 2;

  int nprev = widths[0];
  int ld = (nprev + 3) & ~3;
  for (int a = 0; a < ND; ++a)
    for (int j = threadIdx.x; j < ld; j += blockDim.x) shm[a * ld + j] = j < nprev ? x[a * nprev + j] : 0.0f;
  if (threadIdx.x == 0) overflow = 0;
  __syncthreads();

  for (int l = 1; l <= depth; ++l) {
    const int n = widths[l];
    const float sw = sqrtf(cw[l - 1] / (float)nprev), sb = sqrtf(cb[l - 1]);
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
      float acc[ND];
#pragma unroll
      for (int a = 0; a < ND; ++a) acc[a] = 0.0f;
      for (int jb = 0; jb < ld; jb += 4) {
        float4 g = rg_gauss4(make_uint4(jb >> 2, i, l, e), key);
#pragma unroll
        for (int a = 0; a < ND; ++a) {
          const float* s = shm + a * ld + jb;
          acc[a] = fmaf(g.x, s[0], fmaf(g.y, s[1], fmaf(g.z, s[2], fmaf(g.w, s[3], acc[a]))));
        }
      }
      float4 gb = rg_gauss4(make_uint4(i >> 2, 0, l | 0x80000000u, e), key);
      int lane = i & 3;
      float b = lane == 0 ? gb.x : lane == 1 ? gb.y : lane == 2 ? gb.z : gb.w;
#pragma unroll
      for (int a = 0; a < ND; ++a) {
        float v = fmaf(sw, acc[a], sb * b);
        if (!(fabsf(v) < RG_OVERFLOW)) overflow = 1;
        z[a * n + i] = v;
      }
    }
    __syncthreads();
    if (overflow) {
      if (threadIdx.x == 0) diverged[blockIdx.x] = l;
      return;
    }
    // Per-network power sums of layer l.
    double* out = stats + ((size_t)blockIdx.x * depth + (l - 1)) * S;
    int s = 0;
    for (int p = 0, a1 = 0; a1 < ND; ++a1)
      for (int b1 = a1; b1 < ND; ++b1, ++p) {
        double v = 0.0;
        for (int i = threadIdx.x; i < n; i += blockDim.x) v += (double)z[a1 * n + i] * z[b1 * n + i];
        v = rg_block_sum(v, red);
        if (threadIdx.x == 0) out[s] = v;
        ++s;
      }
    for (int a1 = 0; a1 < ND; ++a1)
      for (int b1 = a1; b1 < ND; ++b1)
        for (int a2 = a1; a2 < ND; ++a2)
          for (int b2 = (a2 == a1 ? b1 : a2); b2 < ND; ++b2) {
            double v = 0.0;
            for (int i = threadIdx.x; i < n; i += blockDim.x) {
              double p1 = (double)z[a1 * n + i] * z[b1 * n + i];
              double p2 = (double)z[a2 * n + i] * z[b2 * n + i];
              v += p1 * p2;
            }
            v = rg_block_sum(v, red);
            if (threadIdx.x == 0) out[s] = v;
            ++s;
          }
    for (int a1 = 0; a1 < ND; ++a1) {
      double v = 0.0;
      for (int i = threadIdx.x; i < n; i += blockDim.x) {
        double q = (double)z[a1 * n + i] * z[a1 * n + i];
        v += q * q * q;
      }
      v = rg_block_sum(v, red);
      if (threadIdx.x == 0) out[s] = v;
      ++s;
    }
    (void)P;
    // Activations of layer l become the next layer's inputs.
    __syncthreads();
    ld = (n + 3) & ~3;
    for (int a = 0; a < ND; ++a)
      for (int i = threadIdx.x; i < ld; i += blockDim.x) {
        float sv = 0.0f, dv;
        if (i < n) rg_act(act, actParam, z[a * n + i], &sv, &dv);
        shm[a * ld + i] = sv;
      }
    nprev = n;
    __syncthreads();
  }
  if (threadIdx.x == 0) diverged[blockIdx.x] = 0;
}

#define RG_FORWARD_ENTRY(ND)                                                                      \
  extern "C" __global__ void rg_forward_nd##ND(                                                   \
      int depth, const int* widths, const float* x, const float* cb, const float* cw, int act,    \
      float actParam, unsigned seedLo, unsigned seedHi, unsigned e0, float* scratch,              \
      int scratchStride, double* stats, int S, int* diverged) {                                   \
    rg_forward<ND>(depth, widths, x, cb, cw, act, actParam, seedLo, seedHi, e0, scratch,          \
                   scratchStride, stats, S, diverged);                                            \
  }

RG_FORWARD_ENTRY(1)
RG_FORWARD_ENTRY(2)
RG_FORWARD_ENTRY(3)
RG_FORWARD_ENTRY(4)
RG_FORWARD_ENTRY(5)
RG_FORWARD_ENTRY(6)
RG_FORWARD_ENTRY(7)
RG_FORWARD_ENTRY(8)

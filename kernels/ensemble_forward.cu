// ensemble_forward.cu — fused sample–forward–reduce for ensembles of random MLPs (host: CudaEnsemble).
//
// Kernels: rg_forward_nd{1..8} (ND = number of inputs, a template parameter so that the
// accumulators stay in registers). One thread block per network e = e0 + blockIdx.x. For every layer
// l = 1..L each thread owns rows i = tid, tid + blockDim, ...; it regenerates row i of W^(l) four
// weights at a time from Philox (philox.cuh — the randomness contract, the CPU reference's numbers
// to float rounding), consumes them at once against the previous layer's activations of all ND
// inputs held in shared memory (float4 broadcast reads), and never stores a weight. The block then
// reduces the layer's per-network power sums (below) in double, in a fixed order (deterministic),
// and applies sigma for the next layer.
//
// Napkin math (E = 4096, n = 1024, L = 32, ND = 2): 1.4e11 weights. The inner loop (one Philox
// block = 4 weights: 10 rounds, one branch-free log per Box-Muller pair, 2 sincos, ND FMAs per
// weight) is 155 SASS instructions on sm_90, 38.8 per weight (benchmarks/gpu/sass-counts.txt,
// kernels/sass/count-all.sh; 77.5 before issue 15's transform): 5.4e12 instructions; at the issue
// limit (132 SMs x 4 schedulers x 32 lanes x 1.98 GHz = 3.3e13/s) ~0.16 s, ~9e11 weights/s, the
// limit CudaBench reports against. Memory: z scratch (ND x n floats per network, L2 resident) and
// the statistics, E x L x S doubles (S = 11 for ND = 2): 11.5 MB — nothing scales with n^2.
//
// Residual layers (layer/Residual): gam[l], xis[l] per layer (0 and 1 for dense layers, whose
// arithmetic is then unchanged): z^(l) = gam[l] z^(l-1) + xis[l] (b + W sigma(z^(l-1))).
// Output per network e and layer l (layout [e][l-1][s], S = P + P(P+1)/2 + ND, P = ND(ND+1)/2):
//   s in [0, P)            : sum_i a_{i,p},            a_{i,p} = z_{i,al} z_{i,be}, p = (al <= be)
//   next P(P+1)/2 entries  : sum_i a_{i,p} a_{i,q},    p <= q (row-major upper triangle)
//   next ND entries        : sum_i z_{i,al}^6                    (S = P + P(P+1)/2 + ND so far)
//   then, only when the kernel's argument S >= that S + 2 ND:
//   next ND entries        : sum_i z_{i,al}
//   next ND entries        : sum_i z_{i,al}^3
// The argument S is the stride between layers; entries past those written are left untouched.
// (LayerStats.fromPowerSums turns the first S into the CPU reference's statistic vector.)
// z^(l) is left in scratch at zOff[l] (all zeros: overwritten per layer; the NTK kernel passes
// distinct offsets to keep every layer). diverged[blockIdx] = first layer whose pre-activations
// overflowed (|z| > 1e30 or NaN, the CPU reference's test with float's bound: float cannot reach the
// CPU's 1e150), 0 when none; the host throws the CPU's DivergenceException(e, layer).
#include "philox.cuh"
#include "activations.cuh"

#define RG_OVERFLOW 1e30f

// The dynamic shared memory (launch parameter). A macro so that the host harness (kernels/host/)
// can compile this file unmodified as C++: there it is the running block's buffer.
#ifndef RG_DYNAMIC_SHARED
#define RG_DYNAMIC_SHARED(type, name) extern __shared__ __align__(16) type name[]
#endif

/** Block-wide sum in double: warp shuffles, then warp 0's partials added in warp order by thread 0. */
__device__ __forceinline__ double rg_block_sum(double v, double* red) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  __syncthreads();  // red[] may still be read by thread 0 from the previous call
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
__device__ void rg_forward(int depth, const int* __restrict__ widths, const int* __restrict__ zOff,
                           const float* __restrict__ x, const float* __restrict__ sw,
                           const float* __restrict__ sb, int act, float actA, float actB,
                           unsigned seedLo, unsigned seedHi, unsigned e0,
                           float* __restrict__ scratch, long long scratchStride,
                           double* __restrict__ stats, int S, int* __restrict__ diverged,
                           const float* __restrict__ gam, const float* __restrict__ xis) {
  RG_DYNAMIC_SHARED(float, shm);  // ND x ld activations of the previous layer
  __shared__ double red[32];
  __shared__ int overflow;
  const unsigned e = e0 + blockIdx.x;
  const uint2 key = make_uint2(seedLo, seedHi);
  const RgRoundKeys rk = rg_round_keys(key);
  float* zbase = scratch + (size_t)blockIdx.x * (size_t)scratchStride;

  int nprev = widths[0];
  int ld = (nprev + 3) & ~3;  // rows padded to the Philox block; padding holds 0 activations
  for (int a = 0; a < ND; ++a)
    for (int j = threadIdx.x; j < ld; j += blockDim.x) shm[a * ld + j] = j < nprev ? x[a * nprev + j] : 0.0f;
  if (threadIdx.x == 0) overflow = 0;
  __syncthreads();

  for (int l = 1; l <= depth; ++l) {
    const int n = widths[l];
    float* z = zbase + zOff[l];
    // Residual layers (l >= 2, equal widths): z^(l) = gam z^(l-1) + xi (b + W sigma). Thread i reads
    // its own row of z^(l-1) before writing row i of z^(l), so the shared in-place scratch works too.
    const float* zprev = zbase + zOff[l - 1];
    const float swl = sw[l], sbl = sb[l], gl = gam[l], xl = xis[l];
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
      float acc[ND];
#pragma unroll
      for (int a = 0; a < ND; ++a) acc[a] = 0.0f;
      for (int jb = 0; jb < ld; jb += 4) {
        float4 g = rg_gauss4_rk(make_uint4(jb >> 2, i, l, e), rk);
#pragma unroll
        for (int a = 0; a < ND; ++a) {
          float4 s = *reinterpret_cast<const float4*>(shm + a * ld + jb);
          acc[a] = fmaf(g.x, s.x, fmaf(g.y, s.y, fmaf(g.z, s.z, fmaf(g.w, s.w, acc[a]))));
        }
      }
      float b = 0.0f;
      if (sbl != 0.0f) b = sbl * rg_lane(rg_gauss4(make_uint4(i >> 2, 0, l | 0x80000000u, e), key), i & 3);
#pragma unroll
      for (int a = 0; a < ND; ++a) {
        float v = fmaf(swl, acc[a], b);
        if (xl != 1.0f) v *= xl;  // skipped for dense layers (gam 0, xi 1): their numbers unchanged
        if (gl != 0.0f) v = fmaf(gl, zprev[a * n + i], v);
        if (!(fabsf(v) <= RG_OVERFLOW)) overflow = 1;  // as the CPU: !(|z| <= bound), NaN included
        z[a * n + i] = v;
      }
    }
    __syncthreads();
    if (overflow) {
      if (threadIdx.x == 0) diverged[blockIdx.x] = l;
      return;  // uniform across the block: every thread read the same flag after the barrier
    }
    // Per-network power sums of layer l.
    double* out = stats + ((size_t)blockIdx.x * depth + (l - 1)) * S;
    int s = 0;
    for (int a1 = 0; a1 < ND; ++a1)
      for (int b1 = a1; b1 < ND; ++b1) {
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
    // The odd sums (three-point observables E[z_i^3], E[z_i^2 z_k]), only when the host's stride
    // leaves room for them: a host passing S = s gets exactly the sums above.
    if (S >= s + 2 * ND) {
      for (int p = 1; p <= 3; p += 2)
        for (int a1 = 0; a1 < ND; ++a1) {
          double v = 0.0;
          for (int i = threadIdx.x; i < n; i += blockDim.x) {
            double q = (double)z[a1 * n + i];
            v += p == 1 ? q : q * q * q;
          }
          v = rg_block_sum(v, red);
          if (threadIdx.x == 0) out[s] = v;
          ++s;
        }
    }
    if (l == depth) break;
    // Activations of layer l become the next layer's inputs.
    __syncthreads();  // [redundant] own rows of z only; shm last read before the barrier after the z loop
    ld = (n + 3) & ~3;
    for (int a = 0; a < ND; ++a)
      for (int i = threadIdx.x; i < ld; i += blockDim.x) {
        float sv = 0.0f, dv;
        if (i < n) rg_act(act, actA, actB, z[a * n + i], &sv, &dv);
        shm[a * ld + i] = sv;
      }
    nprev = n;
    __syncthreads();
  }
  if (threadIdx.x == 0) diverged[blockIdx.x] = 0;
}

#define RG_FORWARD_ENTRY(ND)                                                                      \
  extern "C" __global__ void __launch_bounds__(256) rg_forward_nd##ND(                            \
      int depth, const int* widths, const int* zOff, const float* x, const float* sw,             \
      const float* sb, int act, float actA, float actB, unsigned seedLo, unsigned seedHi,         \
      unsigned e0, float* scratch, long long scratchStride, double* stats, int S, int* diverged,  \
      const float* gam, const float* xis) {                                                       \
    rg_forward<ND>(depth, widths, zOff, x, sw, sb, act, actA, actB, seedLo, seedHi, e0, scratch,  \
                   scratchStride, stats, S, diverged, gam, xis);                                  \
  }

RG_FORWARD_ENTRY(1)
RG_FORWARD_ENTRY(2)
RG_FORWARD_ENTRY(3)
RG_FORWARD_ENTRY(4)
RG_FORWARD_ENTRY(5)
RG_FORWARD_ENTRY(6)
RG_FORWARD_ENTRY(7)
RG_FORWARD_ENTRY(8)

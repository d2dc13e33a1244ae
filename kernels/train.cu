// train.cu — full-batch gradient descent of E networks at once (the GPU form of
// org.rgflow.train.CpuTrainer): one thread block per network e = e0 + blockIdx.x, every parameter
// and activation in double, the same operations in the same order as the CPU reference, so the two
// agree to rounding (fused multiply-adds that nvcc contracts move a result by an ulp; the host
// harness builds with -ffp-contract=off and is bit-close to the CPU).
//
// Loss L = 1/2 sum_a (z_a - y_a)^2 on the N_A training inputs, one output (n_L = 1). Per step:
//   forward  z^(l)_{a;i} = b_i + sum_j W_ij s^(l-1)_{a;j}   (j ascending, as CpuTrainer.forward)
//   backward delta^(L)_a = 1 (unscaled), back_{a;j} = sum_i W_ij delta_{a;i} (i ascending) with the
//            weights before the update, then W_ij += sum_a (-lrW[l] eps_a delta_{a;i}) s_{a;j}
//            (a ascending, a term skipped when eps_a delta_{a;i} = 0, as the CPU), b_i -= lrB[l]
//            sum_a eps_a delta_{a;i}; delta^(l-1) = back * sigma'(z^(l-1)).
// The learning-rate tensor comes from the host: lrW[l] = eta lambda_W(l) / n_{l-1},
// lrB[l] = eta lambda_B(l), computed there exactly as CpuTrainer does.
//
// Kernels (the host drives checkpoints and the stopping rule between launches):
//   rg_train_init     W^(l)_ij = sqrt(C_W/n_{l-1}) g, b_i = sqrt(C_b) g from the Philox contract
//                     (philox.cuh: the float Gaussians of every device sampler, within
//                     5e-6 + 2e-6|g| of InitRng's double ones), into params + blockIdx.x pStride
//   rg_train_forward  z^(L) of `count` inputs (test or train points); optionally records the signs
//                     of the hidden pre-activations (mode 1) or counts their changes (mode 2)
//   rg_train_steps    up to nsteps GD steps; per network status (0 running, 1 stopped at
//                     loss <= tol, 2 diverged: !(loss < 1e150)), steps taken, last loss
//   rg_train_ntk      forward on the training inputs, outputs, loss, and the empirical NTK
//                     Theta_ab = sum_l (delta_a . delta_b)(lambda_B + lambda_W/n_{l-1} s_a . s_b)
//
// Launch: grid = the E' networks of one batch (any count), block <= 1024 threads (any count, a
// multiple of 32 for the GPU), no dynamic shared memory.
// Layouts (per network, doubles). params: for l = 1..L, W^(l) row-major n_l x n_{l-1}, then b^(l);
// pStride >= sum_l n_l (n_{l-1} + 1). work: for l = 1..L-1, s^(l) [N][n_l] and s'^(l) [N][n_l];
// then z^(L) [N], eps [N], delta [N][M], back [N][M], M = max_{l>=1} n_l, N = max(N_A, N_B);
// wStride >= rg_train_work_size(). signs (int): for l = 1..L-1, [N_A][n_l].
//
// Napkin (per network and step, P = sum_l n_l n_{l-1} weights, N_A inputs): forward 2 N_A P flops,
// back-propagation 2 N_A P, update 2 N_A P: 6 N_A P flops; the weights are read three times and
// written once, 32 P bytes, so 6 N_A P / 32 P = 0.19 N_A flop/byte — for N_A = 8 about 1.5 flop/byte,
// memory-bound on any GPU (an H100's ~3.35 TB/s would give ~5 TFLOP/s double at best; n = 512,
// L = 2, N_A = 8: P = 2.6e5, 8.4 MB of weight traffic per step and network). Larger N_A or a shared
// tile of W would move it towards the FP64 peak; this kernel is the plain, checked form, not tuned
// (row-per-thread reads of W are not coalesced). Estimate only: never run on a GPU.
#include "philox.cuh"
#include "activations.cuh"

#define RG_TRAIN_OVERFLOW 1e150
#define RG_TRAIN_BIAS_FLAG 0x80000000u

/** sigma and sigma' in double (the codes of activations.cuh; parameters in double). */
__device__ __forceinline__ void rg_act_d(int act, double a, double b, double z, double* s, double* ds) {
  switch (act) {
    case RG_PWLIN: *s = z >= 0.0 ? a * z : b * z; *ds = z >= 0.0 ? a : b; break;
    case RG_TANH: { double t = tanh(z); *s = t; *ds = 1.0 - t * t; break; }
    case RG_SIN: *s = sin(z); *ds = cos(z); break;
    case RG_ERF: *s = erf(z); *ds = 1.1283791670955126 * exp(-z * z); break;
    case RG_SIGMOID: { double g = 1.0 / (1.0 + exp(-z)); *s = g; *ds = g * (1.0 - g); break; }
    case RG_SOFTPLUS: { double g = 1.0 / (1.0 + exp(-z)); *s = fmax(z, 0.0) + log1p(exp(-fabs(z))); *ds = g; break; }
    case RG_SWISH: { double g = 1.0 / (1.0 + exp(-z)); *s = z * g; *ds = g * (1.0 + z * (1.0 - g)); break; }
    case RG_GELU: {
      double c = 0.5 * erfc(-z * 0.7071067811865476);
      *s = z * c;
      *ds = c + z * 0.3989422804014327 * exp(-0.5 * z * z);
      break;
    }
    case RG_STEP: *s = z > 0.0 ? 1.0 : 0.0; *ds = 0.0; break;
    default: {
      int q = (int)a;
      double v = 1.0;
      for (int i = 0; i < q - 1; ++i) v *= z;
      *s = v * z;
      *ds = (double)q * v;
      break;
    }
  }
}

/** The per-network workspace offsets of the layout above (s^(l) and s'^(l): rg_train_sig). */
struct RgTrainWork {
  long long zout, eps, delta, back;
  int maxW, npts;
};

/** Offset of s^(l) (1 <= l <= L-1) in a network's workspace; s'^(l) follows it, N n_l later. */
__device__ __forceinline__ long long rg_train_sig(const int* widths, int npts, int l) {
  long long off = 0;
  for (int k = 1; k < l; ++k) off += 2LL * npts * widths[k];
  return off;
}

__device__ __forceinline__ RgTrainWork rg_train_work(int depth, const int* widths, int npts) {
  RgTrainWork w;
  w.npts = npts;
  w.maxW = 1;
  for (int l = 1; l <= depth; ++l) w.maxW = widths[l] > w.maxW ? widths[l] : w.maxW;
  long long off = rg_train_sig(widths, npts, depth);
  w.zout = off;
  off += npts;
  w.eps = off;
  off += npts;
  w.delta = off;
  off += (long long)npts * w.maxW;
  w.back = off;
  return w;
}

/** Offset of W^(l) in a network's parameters; b^(l) follows it. */
__device__ __forceinline__ long long rg_train_poff(int depth, const int* widths, int l) {
  long long off = 0;
  for (int k = 1; k < l && k <= depth; ++k) off += (long long)widths[k] * (widths[k - 1] + 1);
  return off;
}

/**
 * Forward pass of `count` inputs x [count][n0] through the network at p; hidden s, s' and z^(L)
 * into work. signMode 1 records sign(z) > 0 of the hidden units, 2 counts the changes into *flips.
 * Ends with a barrier.
 */
__device__ void rg_train_fwd(int depth, const int* widths, const double* x, int count, const double* p,
                             int act, double actA, double actB, double* work, const RgTrainWork& w,
                             int* signs, int signMode, int* flips) {
  __shared__ int flipPart[1024];  // per-thread counts, summed in thread order (no atomics)
  long long soff = 0;
  int myFlips = 0;
  for (int l = 1; l <= depth; ++l) {
    const int nIn = widths[l - 1], nOut = widths[l];
    const double* W = p + rg_train_poff(depth, widths, l);
    const double* bias = W + (long long)nOut * nIn;
    const double* in = l == 1 ? x : work + rg_train_sig(widths, w.npts, l - 1);
    for (int idx = threadIdx.x; idx < count * nOut; idx += blockDim.x) {
      const int a = idx / nOut, i = idx - a * nOut;
      const double* row = W + (long long)i * nIn;
      const double* s = in + (long long)a * nIn;
      double acc = bias[i];
      for (int j = 0; j < nIn; ++j) acc += row[j] * s[j];
      if (l < depth) {
        double sv, dv;
        rg_act_d(act, actA, actB, acc, &sv, &dv);
        const long long so = rg_train_sig(widths, w.npts, l) + (long long)a * nOut + i;
        work[so] = sv;
        work[so + (long long)w.npts * nOut] = dv;
        if (signMode == 1) signs[soff + (long long)a * nOut + i] = acc > 0.0 ? 1 : 0;
        if (signMode == 2 && signs[soff + (long long)a * nOut + i] != (acc > 0.0 ? 1 : 0)) ++myFlips;
      } else if (i == 0) {
        work[w.zout + a] = acc;
      }
    }
    if (l < depth) soff += (long long)count * nOut;
    __syncthreads();
  }
  if (signMode == 2) {
    flipPart[threadIdx.x] = myFlips;
    __syncthreads();
    if (threadIdx.x == 0) {
      int t = 0;
      for (int k = 0; k < (int)blockDim.x; ++k) t += flipPart[k];
      *flips = t;
    }
    __syncthreads();
  }
}

/**
 * Backward sweep over the na training inputs after rg_train_fwd: unscaled delta's, the NTK into ntk
 * (na x na, when not null) and, when update, the GD step with the residuals in work + w.eps.
 */
__device__ void rg_train_bwd(int depth, const int* widths, const double* x, int na, double* p,
                             const double* lrW, const double* lrB, const double* lamWn,
                             const double* lamB, double* work, const RgTrainWork& w, bool update,
                             double* ntk) {
  const int M = w.maxW;
  double* delta = work + w.delta;
  double* back = work + w.back;
  const double* eps = work + w.eps;
  for (int a = threadIdx.x; a < na; a += blockDim.x) delta[(long long)a * M] = 1.0;
  if (ntk != nullptr)
    for (int k = threadIdx.x; k < na * na; k += blockDim.x) ntk[k] = 0.0;
  __syncthreads();
  for (int l = depth; l >= 1; --l) {
    const int nOut = widths[l], nIn = widths[l - 1];
    double* W = p + rg_train_poff(depth, widths, l);
    double* bias = W + (long long)nOut * nIn;
    const double* s = l == 1 ? x : work + rg_train_sig(widths, w.npts, l - 1);
    if (ntk != nullptr) {
      const double lw = lamWn[l], lb = lamB[l];
      for (int k = threadIdx.x; k < na * na; k += blockDim.x) {
        const int a = k / na, b = k - a * na;
        if (b < a) continue;
        double dd = 0.0;
        for (int i = 0; i < nOut; ++i) dd += delta[(long long)a * M + i] * delta[(long long)b * M + i];
        double ss = 0.0;
        for (int j = 0; j < nIn; ++j) ss += s[(long long)a * nIn + j] * s[(long long)b * nIn + j];
        const double v = dd * (lb + lw * ss);
        ntk[a * na + b] += v;
        if (b != a) ntk[b * na + a] += v;
      }
    }
    const bool down = l > 1;
    if (down) {
      for (int k = threadIdx.x; k < na * nIn; k += blockDim.x) {
        const int a = k / nIn, j = k - a * nIn;
        double acc = 0.0;
        for (int i = 0; i < nOut; ++i) acc += W[(long long)i * nIn + j] * delta[(long long)a * M + i];
        back[(long long)a * M + j] = acc;
      }
    }
    __syncthreads();  // back uses the weights before the update
    if (update) {
      const double lr = lrW[l];
      for (long long k = threadIdx.x; k < (long long)nOut * nIn; k += blockDim.x) {
        const int i = (int)(k / nIn), j = (int)(k - (long long)i * nIn);
        double v = W[k];
        for (int a = 0; a < na; ++a) {
          const double g = eps[a] * delta[(long long)a * M + i];
          if (g != 0.0) {
            const double c = -lr * g;
            v += c * s[(long long)a * nIn + j];
          }
        }
        W[k] = v;
      }
      for (int i = threadIdx.x; i < nOut; i += blockDim.x) {
        double gb = 0.0;
        for (int a = 0; a < na; ++a) gb += eps[a] * delta[(long long)a * M + i];
        bias[i] -= lrB[l] * gb;
      }
      __syncthreads();  // delta is overwritten below
    }
    if (down) {
      const double* ds = work + rg_train_sig(widths, w.npts, l - 1) + (long long)w.npts * nIn;
      for (int k = threadIdx.x; k < na * nIn; k += blockDim.x) {
        const int a = k / nIn, j = k - a * nIn;
        delta[(long long)a * M + j] = back[(long long)a * M + j] * ds[(long long)a * nIn + j];
      }
      __syncthreads();
    }
  }
}

/** Residuals eps_a = z_a - y_a into work and the loss 1/2 sum eps^2 (a ascending), in every thread. */
__device__ double rg_train_loss(const double* y, int na, double* work, const RgTrainWork& w) {
  __shared__ double loss;
  if (threadIdx.x == 0) {
    double s = 0.0;
    for (int a = 0; a < na; ++a) {
      const double e = work[w.zout + a] - y[a];
      work[w.eps + a] = e;
      s += 0.5 * e * e;
    }
    loss = s;
  }
  __syncthreads();
  const double v = loss;
  __syncthreads();
  return v;
}

extern "C" __global__ void rg_train_init(int depth, const int* __restrict__ widths,
                                         const double* __restrict__ sw, const double* __restrict__ sb,
                                         unsigned seedLo, unsigned seedHi, unsigned e0,
                                         double* __restrict__ params, long long pStride) {
  const unsigned e = e0 + blockIdx.x;
  const uint2 key = make_uint2(seedLo, seedHi);
  double* p = params + (long long)blockIdx.x * pStride;
  for (int l = 1; l <= depth; ++l) {
    const int nIn = widths[l - 1], nOut = widths[l];
    double* W = p + rg_train_poff(depth, widths, l);
    double* bias = W + (long long)nOut * nIn;
    const int q = (nIn + 3) >> 2;
    for (long long k = threadIdx.x; k < (long long)nOut * q; k += blockDim.x) {
      const int i = (int)(k / q), jb = (int)(k - (long long)i * q);
      const float4 g = rg_gauss4(make_uint4((unsigned)jb, (unsigned)i, (unsigned)l, e), key);
      for (int t = 0; t < 4 && 4 * jb + t < nIn; ++t)
        W[(long long)i * nIn + 4 * jb + t] = sw[l] * (double)rg_lane(g, t);
    }
    for (int i = threadIdx.x; i < nOut; i += blockDim.x) {
      const float4 g = rg_gauss4(make_uint4((unsigned)(i >> 2), 0u, (unsigned)l | RG_TRAIN_BIAS_FLAG, e), key);
      bias[i] = sb[l] * (double)rg_lane(g, i & 3);
    }
  }
}

extern "C" __global__ void rg_train_forward(int depth, const int* __restrict__ widths, int npts,
                                            const double* __restrict__ x, int count,
                                            const double* __restrict__ params, long long pStride,
                                            int act, double actA, double actB,
                                            double* __restrict__ work, long long wStride,
                                            double* __restrict__ out, int* __restrict__ signs,
                                            long long sStride, int signMode, int* __restrict__ flips) {
  const RgTrainWork w = rg_train_work(depth, widths, npts);
  double* wk = work + (long long)blockIdx.x * wStride;
  rg_train_fwd(depth, widths, x, count, params + (long long)blockIdx.x * pStride, act, actA, actB, wk, w,
               signMode != 0 ? signs + (long long)blockIdx.x * sStride : nullptr, signMode,
               signMode == 2 ? flips + blockIdx.x : nullptr);
  for (int a = threadIdx.x; a < count; a += blockDim.x) out[(long long)blockIdx.x * count + a] = wk[w.zout + a];
}

extern "C" __global__ void rg_train_steps(int depth, const int* __restrict__ widths, int npts,
                                          const double* __restrict__ x, const double* __restrict__ y,
                                          int na, double* __restrict__ params, long long pStride,
                                          const double* __restrict__ lrW, const double* __restrict__ lrB,
                                          int act, double actA, double actB,
                                          double* __restrict__ work, long long wStride, int nsteps,
                                          double tol, int* __restrict__ status,
                                          long long* __restrict__ steps, double* __restrict__ loss) {
  const RgTrainWork w = rg_train_work(depth, widths, npts);
  double* wk = work + (long long)blockIdx.x * wStride;
  double* p = params + (long long)blockIdx.x * pStride;
  if (status[blockIdx.x] != 0) return;  // block-uniform
  for (int s = 0; s < nsteps; ++s) {
    rg_train_fwd(depth, widths, x, na, p, act, actA, actB, wk, w, nullptr, 0, nullptr);
    const double l = rg_train_loss(y, na, wk, w);
    if (!(l < RG_TRAIN_OVERFLOW) || (tol > 0.0 && l <= tol)) {
      if (threadIdx.x == 0) {
        status[blockIdx.x] = l < RG_TRAIN_OVERFLOW ? 1 : 2;
        loss[blockIdx.x] = l;
      }
      return;
    }
    rg_train_bwd(depth, widths, x, na, p, lrW, lrB, nullptr, nullptr, wk, w, true, nullptr);
    if (threadIdx.x == 0) {
      steps[blockIdx.x] += 1;
      loss[blockIdx.x] = l;
    }
  }
}

extern "C" __global__ void rg_train_ntk(int depth, const int* __restrict__ widths, int npts,
                                        const double* __restrict__ x, const double* __restrict__ y,
                                        int na, double* __restrict__ params, long long pStride,
                                        const double* __restrict__ lamWn, const double* __restrict__ lamB,
                                        int act, double actA, double actB,
                                        double* __restrict__ work, long long wStride,
                                        double* __restrict__ out, double* __restrict__ loss,
                                        double* __restrict__ ntk, int* __restrict__ signs,
                                        long long sStride, int signMode, int* __restrict__ flips) {
  const RgTrainWork w = rg_train_work(depth, widths, npts);
  double* wk = work + (long long)blockIdx.x * wStride;
  double* p = params + (long long)blockIdx.x * pStride;
  rg_train_fwd(depth, widths, x, na, p, act, actA, actB, wk, w,
               signMode != 0 ? signs + (long long)blockIdx.x * sStride : nullptr, signMode,
               signMode == 2 ? flips + blockIdx.x : nullptr);
  const double l = rg_train_loss(y, na, wk, w);
  if (threadIdx.x == 0) loss[blockIdx.x] = l;
  for (int a = threadIdx.x; a < na; a += blockDim.x) out[(long long)blockIdx.x * na + a] = wk[w.zout + a];
  rg_train_bwd(depth, widths, x, na, p, nullptr, nullptr, lamWn, lamB, wk, w, false,
               ntk + (long long)blockIdx.x * na * na);
}

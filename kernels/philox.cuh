// philox.cuh — the rgflow randomness contract on the device (docs/RANDOMNESS.md).
//
// Every weight W^(l)_ij and bias b^(l)_i of network e is a pure function of (seed, e, l, i, j):
//   key     = (seed & 0xffffffff, seed >> 32)
//   counter = (j / 4, i, l, e)               for weights (lane j % 4)
//             (i / 4, 0, l | 0x80000000, e)  for biases  (lane i % 4)
//   Philox4x32-10 -> x0..x3; u_k = (x_k + 0.5) * 2^-32
//   Box-Muller: g0 = sqrt(-2 ln u0) cos(2 pi u1), g1 = sqrt(-2 ln u0) sin(2 pi u1); g2, g3 from (u2, u3).
// The device evaluates the transform in float32 (accurate logf/log1pf/sqrtf/sincospif):
// |dg| <= 5e-6 + 2e-6 |g| against the double-precision CPU reference (RANDOMNESS.md section 6).
#pragma once
#include <stdint.h>

#define RG_PHILOX_M0 0xD2511F53u
#define RG_PHILOX_M1 0xCD9E8D57u
#define RG_PHILOX_W0 0x9E3779B9u
#define RG_PHILOX_W1 0xBB67AE85u

/** The ten round keys of a Philox4x32-10 key, computed once outside a loop (warp-uniform). */
struct RgRoundKeys {
  uint32_t x[10], y[10];
};

__device__ __forceinline__ RgRoundKeys rg_round_keys(uint2 k) {
  RgRoundKeys r;
#pragma unroll
  for (int i = 0; i < 10; ++i) {
    r.x[i] = k.x + (uint32_t)i * RG_PHILOX_W0;
    r.y[i] = k.y + (uint32_t)i * RG_PHILOX_W1;
    // Opaque to the optimiser, so the keys stay in registers instead of being recomputed from the
    // seed in every iteration of the loop that uses them (an empty asm: no instruction).
    asm volatile("" : "+r"(r.x[i]), "+r"(r.y[i]));
  }
  return r;
}

/** Philox4x32-10 with precomputed round keys (the same function as rg_philox4x32_10). */
__device__ __forceinline__ uint4 rg_philox4x32_10_rk(uint4 c, const RgRoundKeys& k) {
#pragma unroll
  for (int r = 0; r < 10; ++r) {
    uint32_t hi0 = __umulhi(RG_PHILOX_M0, c.x), lo0 = RG_PHILOX_M0 * c.x;
    uint32_t hi1 = __umulhi(RG_PHILOX_M1, c.z), lo1 = RG_PHILOX_M1 * c.z;
    c = make_uint4(hi1 ^ c.y ^ k.x[r], lo1, hi0 ^ c.w ^ k.y[r], lo0);
  }
  return c;
}

__device__ __forceinline__ uint4 rg_philox4x32_10(uint4 c, uint2 k) {
#pragma unroll
  for (int r = 0; r < 10; ++r) {
    uint32_t hi0 = __umulhi(RG_PHILOX_M0, c.x), lo0 = RG_PHILOX_M0 * c.x;
    uint32_t hi1 = __umulhi(RG_PHILOX_M1, c.z), lo1 = RG_PHILOX_M1 * c.z;
    c = make_uint4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k.x += RG_PHILOX_W0;
    k.y += RG_PHILOX_W1;
  }
  return c;
}

// Hardware approximations without the denormal fix-ups the non-ftz forms (__fdividef, rsqrtf)
// add: their arguments here are never denormal. The host harness (kernels/host/cuda_host.h)
// declares host stand-ins (correctly rounded) and defines RG_HOST_HARNESS.
#ifndef RG_HOST_HARNESS
/** 1/x, rcp.approx.ftz.f32 (max relative error ~2^-23). */
__device__ __forceinline__ float rg_rcp_approx(float x) {
  float r;
  asm("rcp.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(x));
  return r;
}
/** 1/sqrt(x), rsqrt.approx.ftz.f32 (max relative error ~2^-22.9). */
__device__ __forceinline__ float rg_rsqrt_approx(float x) {
  float r;
  asm("rsqrt.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(x));
  return r;
}
#endif

/** u = (x + 0.5) * 2^-32 rounded to float (I2F, then one FFMA: two roundings, <= 1.5 ulp). */
__device__ __forceinline__ float rg_uniform(uint32_t x) {
  return fmaf((float)x, 0x1p-32f, 0x1p-33f);
}

/**
 * t = -2 ln u for u = (x + 0.5) 2^-32, in float, branch-free, one log:
 *   u > 1/sqrt2 (x >= 0xB504F334): ln u = log1p(-w) with w = 1 - u = (~x + 0.5) 2^-32, exact in
 *     integers then rounded once to float (float cannot hold 1 - u near 1: docs/RANDOMNESS.md §6);
 *   else u = m 2^k with m in [1/sqrt2, sqrt2) (bit split of the float u): ln u = k ln2 + log1p(m - 1).
 * Both cases select (f, k) first and share one log1p(f), f in [1/sqrt2 - 1, sqrt2 - 1]:
 * log1p(f) = 2 atanh(s), s = f / (2 + f) (|s| <= 0.1716, s^2 <= 0.02944), with
 * atanh(s) = s + s z (c1 + c2 z + c3 z^2), z = s^2: a weighted least-squares fit (truncation 8e-10
 * relative). The quotient uses the hardware reciprocal (~2 ulp with the product). Relative error of t
 * ~3e-7 at worst, i.e. ~1.5e-7 on r = sqrt(t): |dg| <= 1.5e-7 |g|, far inside the contract's float32
 * tolerance (5e-6 + 2e-6 |g|).
 */
__device__ __forceinline__ float rg_neg2_log_uniform(uint32_t x) {
  const bool hi = x >= 0xB504F334u;
  const float v = rg_uniform(hi ? ~x : x);  // hi: w = 1 - u; else u
  const int ib = __float_as_int(v) - 0x3f3504f3;  // float bits of 1/sqrt2 (rounded down)
  const int k = ib >> 23;  // u = m 2^k
  const float m = __int_as_float((ib & 0x007fffff) + 0x3f3504f3);
  const float f = hi ? -v : m - 1.0f;
  const float kf = hi ? 0.0f : (float)k;
  // s4 = -4 s = f / (-(2 + f)/4): the factor -4 of -2 ln u = -4 atanh(s) - 2 k ln2 rides on the
  // reciprocal (a power-of-two scaling, exact), and z = s4^2 = 16 s^2 on the coefficients below
  // (c_i / 16^(i+1) of atanh(s) = s + s s^2 (c1 + c2 s^2 + c3 s^4), c = 0.33333388, 0.19988771,
  // 0.14935865).
  const float s4 = f * rg_rcp_approx(fmaf(f, -0.25f, -0.5f));
  const float z = s4 * s4;
  const float p = fmaf(fmaf(0.14935865f / 4096.0f, z, 0.19988771f / 256.0f), z, 0.33333388f / 16.0f);
  const float h4 = fmaf(s4 * z, p, s4);  // -4 atanh(s)
  return fmaf(kf, -1.3862944f, h4);  // -2 (k ln2 + 2 atanh(s)); 1.3862944f = 2 ln 2
}

/**
 * r = sqrt(t) for t in [2.3e-10, 46] (the range of -2 ln u): hardware reciprocal square root, one
 * Newton step on r (<= 1 ulp), no special cases (t is never 0, denormal, infinite or NaN here).
 */
__device__ __forceinline__ float rg_sqrt_bm(float t) {
  const float y = rg_rsqrt_approx(t);
  const float r = t * y;
  return fmaf(fmaf(-r, r, t), 0.5f * y, r);
}

/**
 * sin 2 pi u and cos 2 pi u for u = (x + 0.5) 2^-32, branch-free, from the integer: with
 * q = round(4u) (top two bits of x + 2^29) and t = (x + 2^29) mod 2^30, 2 pi u = (pi/2) q + phi,
 * phi = (pi/2)((t + 0.5) 2^-30 - 1/2) in [-pi/4, pi/4] (one rounding of t to float: |d phi| < 1e-7);
 * sin phi = phi + phi z (s1 + s2 z + s3 z^2), cos phi = 1 + z (c1 + c2 z + c3 z^2 + c4 z^3),
 * z = phi^2 (weighted least-squares fits: 3.6e-9 relative and 5e-11 absolute); the quadrant q
 * swaps them and sets the signs (the sign common to both, q >= 2, is returned as a bit to flip).
 */
__device__ __forceinline__ void rg_sincos_2pi_uniform(uint32_t x, float* sn, float* cs, uint32_t* flip) {
  const uint32_t y = x + 0x20000000u;
  const float phi = fmaf((float)(y & 0x3fffffffu), 1.4629180792671596e-09f, -0.7853981626659893f);
  const float z = phi * phi;
  const float ps = fmaf(fmaf(-0.000195173f, z, 0.008332178f), z, -0.16666655f);
  const float sp = fmaf(phi * z, ps, phi);
  const float pc = fmaf(fmaf(fmaf(2.439045e-05f, z, -0.0013886763f), z, 0.041666623f), z, -0.5f);
  const float cp = fmaf(z, pc, 1.0f);
  // q = y >> 30: odd q swaps (sin, cos) -> (cos, -sin); q >= 2 negates both, which the caller
  // applies to the shared radius instead (flip = sign bit).
  const bool odd = (int)(y << 1) < 0;  // bit 30 of y
  *sn = odd ? cp : sp;
  *cs = odd ? -sp : cp;
  *flip = y & 0x80000000u;
}

/**
 * Four standard normals from one Philox block (Box-Muller on (x0, x1) and (x2, x3)), float32,
 * branch-free: |dg| <= 5e-6 + 2e-6 |g| against the double reference (RANDOMNESS.md section 6;
 * measured on the host harness by GaussTransformOnHostTest). No library transcendental is called.
 */
__device__ __forceinline__ float4 rg_box_muller(uint4 x) {
  float s0, c0, s1, c1;
  uint32_t f0, f1;
  rg_sincos_2pi_uniform(x.y, &s0, &c0, &f0);
  rg_sincos_2pi_uniform(x.w, &s1, &c1, &f1);
  const float r0 = __int_as_float(__float_as_int(rg_sqrt_bm(rg_neg2_log_uniform(x.x))) ^ (int)f0);
  const float r1 = __int_as_float(__float_as_int(rg_sqrt_bm(rg_neg2_log_uniform(x.z))) ^ (int)f1);
  return make_float4(r0 * c0, r0 * s0, r1 * c1, r1 * s1);
}

__device__ __forceinline__ float4 rg_gauss4(uint4 c, uint2 k) {
  return rg_box_muller(rg_philox4x32_10(c, k));
}

/** rg_gauss4 with precomputed round keys (inner loops). */
__device__ __forceinline__ float4 rg_gauss4_rk(uint4 c, const RgRoundKeys& k) {
  return rg_box_muller(rg_philox4x32_10_rk(c, k));
}

/** Lane `lane` (0..3) of a float4, without a local-memory array. */
__device__ __forceinline__ float rg_lane(float4 g, int lane) {
  return lane == 0 ? g.x : lane == 1 ? g.y : lane == 2 ? g.z : g.w;
}

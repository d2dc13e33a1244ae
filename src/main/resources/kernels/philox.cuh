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

/** u = (x + 0.5) * 2^-32 rounded to float (exact in double first, then one rounding). */
__device__ __forceinline__ float rg_uniform(uint32_t x) {
  return (float)(((double)x + 0.5) * 2.3283064365386963e-10);
}

/**
 * ln u for u = (x + 0.5) 2^-32, in float. For u > 1/2 float cannot represent 1 - u near 1, so
 * ln u = log1p(-t) with t = (~x + 0.5) 2^-32 = 1 - u exactly (docs/RANDOMNESS.md section 6);
 * otherwise logf of the rounded u (relative rounding 6e-8 -> absolute error 6e-8 in ln u).
 */
__device__ __forceinline__ float rg_log_uniform(uint32_t x) {
  if (x & 0x80000000u) return log1pf(-rg_uniform(~x));
  return logf(rg_uniform(x));
}

/**
 * Four standard normals from one Philox block (Box-Muller on (x0, x1) and (x2, x3)). float32:
 * |dg| <= 5e-6 + 2e-6 |g| against the double reference (RANDOMNESS.md section 6). Accurate logf,
 * log1pf, sqrtf and sincospif (never build with -use_fast_math).
 */
__device__ __forceinline__ float4 rg_gauss4(uint4 c, uint2 k) {
  uint4 x = rg_philox4x32_10(c, k);
  float r0 = sqrtf(-2.0f * rg_log_uniform(x.x));
  float r1 = sqrtf(-2.0f * rg_log_uniform(x.z));
  float s0, c0, s1, c1;
  sincospif(2.0f * rg_uniform(x.y), &s0, &c0);
  sincospif(2.0f * rg_uniform(x.w), &s1, &c1);
  return make_float4(r0 * c0, r0 * s0, r1 * c1, r1 * s1);
}

/** Lane `lane` (0..3) of a float4, without a local-memory array. */
__device__ __forceinline__ float rg_lane(float4 g, int lane) {
  return lane == 0 ? g.x : lane == 1 ? g.y : lane == 2 ? g.z : g.w;
}

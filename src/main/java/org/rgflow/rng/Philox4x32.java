package org.rgflow.rng;

/**
 * Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3" (SC'11), exactly as in Random123's {@code philox4x32_R(10, ...)}.
 *
 * <p>Input: a 128-bit counter (c0, c1, c2, c3) and a 64-bit key (k0, k1), all unsigned 32-bit words
 * held in Java {@code int}s. Output: four 32-bit words. Each of the ten rounds is
 * <pre>
 *   (hi0, lo0) = M0 · c0,  (hi1, lo1) = M1 · c2          (64-bit products)
 *   c = (hi1 ^ c1 ^ k0,  lo1,  hi0 ^ c3 ^ k1,  lo0)
 *   k0 += W0,  k1 += W1                                  (the key bump, between rounds)
 * </pre>
 * with M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85. Verified against the
 * Random123 known-answer vectors in {@code Philox4x32Test}.
 */
public final class Philox4x32 {
  static final long M0 = 0xD2511F53L;
  static final long M1 = 0xCD9E8D57L;
  static final int W0 = 0x9E3779B9;
  static final int W1 = 0xBB67AE85;
  private static final long MASK = 0xFFFFFFFFL;

  private Philox4x32() {}

  /**
   * Ten rounds of Philox4x32 on counter (c0..c3) with key (k0, k1); writes x0..x3 to
   * {@code out[0..3]}.
   */
  public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
    for (int r = 0; r < 10; r++) {
      if (r > 0) {
        k0 += W0;
        k1 += W1;
      }
      long p0 = M0 * (c0 & MASK);
      long p1 = M1 * (c2 & MASK);
      int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int n1 = (int) p1;
      int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      int n3 = (int) p0;
      c0 = n0;
      c1 = n1;
      c2 = n2;
      c3 = n3;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
  }

  /**
   * The words of Philox4x32-10 blocks c0 = 0..blocks−1 with (c1, c2, c3) fixed and key = seed, block b
   * at out[4b..4b+3]; four (then two, then one) independent chains per iteration, so the multiplies of one round overlap (the same words as one block at a time). Shared by the
   * weights' uniforms ({@link InitRng}) and the ziggurat's words ({@link Ziggurat}).
   */
  static void words(long seed, int c1In, int c2In, int c3In, int blocks, int[] out) {
    final int key0 = (int) seed;
    final int key1 = (int) (seed >>> 32);
    int b = 0;
    for (; b + 3 < blocks; b += 4) {
      int a0 = b;
      int a1 = c1In;
      int a2 = c2In;
      int a3 = c3In;
      int d0 = b + 1;
      int d1 = c1In;
      int d2 = c2In;
      int d3 = c3In;
      int e0 = b + 2;
      int e1 = c1In;
      int e2 = c2In;
      int e3 = c3In;
      int f0 = b + 3;
      int f1 = c1In;
      int f2 = c2In;
      int f3 = c3In;
      int k0 = key0;
      int k1 = key1;
      for (int r = 0; r < 10; r++) {
        long ap0 = M0 * (a0 & MASK);
        long ap1 = M1 * (a2 & MASK);
        long dp0 = M0 * (d0 & MASK);
        long dp1 = M1 * (d2 & MASK);
        long ep0 = M0 * (e0 & MASK);
        long ep1 = M1 * (e2 & MASK);
        long fp0 = M0 * (f0 & MASK);
        long fp1 = M1 * (f2 & MASK);
        a0 = (int) (ap1 >>> 32) ^ a1 ^ k0;
        a1 = (int) ap1;
        a2 = (int) (ap0 >>> 32) ^ a3 ^ k1;
        a3 = (int) ap0;
        d0 = (int) (dp1 >>> 32) ^ d1 ^ k0;
        d1 = (int) dp1;
        d2 = (int) (dp0 >>> 32) ^ d3 ^ k1;
        d3 = (int) dp0;
        e0 = (int) (ep1 >>> 32) ^ e1 ^ k0;
        e1 = (int) ep1;
        e2 = (int) (ep0 >>> 32) ^ e3 ^ k1;
        e3 = (int) ep0;
        f0 = (int) (fp1 >>> 32) ^ f1 ^ k0;
        f1 = (int) fp1;
        f2 = (int) (fp0 >>> 32) ^ f3 ^ k1;
        f3 = (int) fp0;
        k0 += W0;
        k1 += W1;
      }
      int j = b << 2;
      out[j] = a0;
      out[j + 1] = a1;
      out[j + 2] = a2;
      out[j + 3] = a3;
      out[j + 4] = d0;
      out[j + 5] = d1;
      out[j + 6] = d2;
      out[j + 7] = d3;
      out[j + 8] = e0;
      out[j + 9] = e1;
      out[j + 10] = e2;
      out[j + 11] = e3;
      out[j + 12] = f0;
      out[j + 13] = f1;
      out[j + 14] = f2;
      out[j + 15] = f3;
    }
    for (; b + 1 < blocks; b += 2) {
      int a0 = b;
      int a1 = c1In;
      int a2 = c2In;
      int a3 = c3In;
      int d0 = b + 1;
      int d1 = c1In;
      int d2 = c2In;
      int d3 = c3In;
      int k0 = key0;
      int k1 = key1;
      for (int r = 0; r < 10; r++) {
        long p0 = M0 * (a0 & MASK);
        long p1 = M1 * (a2 & MASK);
        long q0 = M0 * (d0 & MASK);
        long q1 = M1 * (d2 & MASK);
        a0 = (int) (p1 >>> 32) ^ a1 ^ k0;
        a1 = (int) p1;
        a2 = (int) (p0 >>> 32) ^ a3 ^ k1;
        a3 = (int) p0;
        d0 = (int) (q1 >>> 32) ^ d1 ^ k0;
        d1 = (int) q1;
        d2 = (int) (q0 >>> 32) ^ d3 ^ k1;
        d3 = (int) q0;
        k0 += W0;
        k1 += W1;
      }
      int j = b << 2;
      out[j] = a0;
      out[j + 1] = a1;
      out[j + 2] = a2;
      out[j + 3] = a3;
      out[j + 4] = d0;
      out[j + 5] = d1;
      out[j + 6] = d2;
      out[j + 7] = d3;
    }
    for (; b < blocks; b++) {
      int c0 = b;
      int c1 = c1In;
      int c2 = c2In;
      int c3 = c3In;
      int k0 = key0;
      int k1 = key1;
      for (int r = 0; r < 10; r++) {
        long p0 = M0 * (c0 & MASK);
        long p1 = M1 * (c2 & MASK);
        c0 = (int) (p1 >>> 32) ^ c1 ^ k0;
        c1 = (int) p1;
        c2 = (int) (p0 >>> 32) ^ c3 ^ k1;
        c3 = (int) p0;
        k0 += W0;
        k1 += W1;
      }
      int j = b << 2;
      out[j] = c0;
      out[j + 1] = c1;
      out[j + 2] = c2;
      out[j + 3] = c3;
    }
  }
}

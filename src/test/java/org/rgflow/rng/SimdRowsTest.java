package org.rgflow.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rgflow.core.Sums;

/**
 * The SIMD path (SimdRows, through Simd) against the scalar reference InitRng/GaussMath, bit for
 * bit: every comparison is of raw double bits (Double.doubleToRawLongBits), no tolerance.
 * Run: {@code mvn -q test -Dtest=SimdRowsTest} (the surefire argLine adds jdk.incubator.vector).
 */
class SimdRowsTest {
  private static final int L = SimdRows.LANES;

  private static void assertBits(double want, double got, String where) {
    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got),
        () -> where + ": scalar " + want + " vs simd " + got);
  }

  /** The tests exercise the vector code itself, so the module must be there (see pom.xml argLine). */
  @Test
  void simdPathIsActiveInTests() {
    assertTrue(Simd.LANES >= Simd.MIN_LANES, "jdk.incubator.vector missing or short vectors: " + L);
    assertEquals(Simd.LANES, SimdRows.LANES);
  }

  /** The Box–Muller step on 10^6 pseudo-random word pairs plus extremes and quadrant edges. */
  @Test
  void transformMatchesScalarOnManyWords() {
    long[] x0 = new long[L];
    long[] x1 = new long[L];
    double[] out = new double[2 * L];
    double[] ref = new double[2];
    java.util.List<Long> special = new java.util.ArrayList<>();
    for (long v : new long[] {0, 1, 2, 0xFFFFFFFFL, 0xFFFFFFFEL, 0x7FFFFFFFL, 0x80000000L,
        0x6a09e667L, 0xb504f333L, 0xb504f334L, 0xb504f332L}) {
      special.add(v);
    }
    for (long k = 1; k <= 7; k++) { // 4u + 0.5 near the integers, 8u near odd multiples
      long edge = k << 29;
      for (long d = -2; d <= 2; d++) {
        special.add((edge + d) & 0xFFFFFFFFL);
      }
    }
    int n = special.size();
    int checked = 0;
    SplittableRandom rnd = new SplittableRandom(17);
    int pairs = n * n + 1_000_000;
    for (int p0 = 0; p0 < pairs; p0 += L) {
      for (int k = 0; k < L; k++) {
        int p = p0 + k;
        if (p < n * n) {
          x0[k] = special.get(p / n);
          x1[k] = special.get(p % n);
        } else {
          x0[k] = rnd.nextInt() & 0xFFFFFFFFL;
          x1[k] = rnd.nextInt() & 0xFFFFFFFFL;
        }
      }
      SimdRows.transformWords(x0, x1, out);
      for (int k = 0; k < L; k++) {
        double r = Math.sqrt(-2.0 * GaussMath.ln(InitRng.uniform((int) x0[k])));
        GaussMath.polar(r, InitRng.uniform((int) x1[k]), ref, 0);
        String where = "words " + Long.toHexString(x0[k]) + ", " + Long.toHexString(x1[k]);
        assertBits(ref[0], out[k], where + " cos");
        assertBits(ref[1], out[L + k], where + " sin");
        checked++;
      }
    }
    assertTrue(checked >= 1_000_000);
  }

  /** Whole blocks of rows: every Gaussian equals weightRow's / weightGaussian's. */
  @Test
  void blocksMatchWeightRows() {
    long[] seeds = {0, 0x0123456789abcdefL, -1L};
    int[] layers = {1, 2, 16, Streams.MAX_DEPTH, 7 | Streams.BIAS};
    long[] networks = {0, 5, 4294967295L};
    int[] firstRows = {0, 3, 504, Integer.MAX_VALUE - L + 1};
    double[] buf = new double[4 * L];
    double[] row = new double[64];
    for (long seed : seeds) {
      for (int layer : layers) {
        for (long e : networks) {
          for (int i0 : firstRows) {
            for (int c0 = 0; c0 < 16; c0++) {
              SimdRows.gaussianBlock(seed, (int) e, layer, i0, c0, buf, 0);
              for (int k = 0; k < L; k++) {
                InitRng.weightRow(seed, e, layer, i0 + k, 64, row);
                for (int t = 0; t < 4; t++) {
                  assertBits(row[4 * c0 + t], buf[t * L + k],
                      "seed " + seed + " layer " + layer + " e " + e + " row " + (i0 + k) + " col " + (4 * c0 + t));
                }
              }
            }
          }
        }
      }
    }
    // and one against the documented golden value (docs/RANDOMNESS.md §7): W, e = 123456, ℓ = 16, i = 511, j = 510
    SimdRows.gaussianBlock(0x0123456789abcdefL, 123456, 16, 511 - 1, 510 / 4, buf, 0);
    assertEquals(-0x1.bd141b4fef998p0, buf[(510 % 4) * L + 1]);
  }

  /** rowDots against Sums.dot of the scalar rows: widths 1..70 and large ones, several inputs. */
  @Test
  void rowDotsMatchScalarDots() {
    SplittableRandom rnd = new SplittableRandom(3);
    int[] widths = new int[80];
    for (int w = 1; w <= 70; w++) {
      widths[w - 1] = w;
    }
    int[] big = {127, 128, 129, 255, 256, 257, 258, 259, 513, 1024};
    System.arraycopy(big, 0, widths, 70, big.length);
    for (int nIn : widths) {
      for (int nd : new int[] {1, 2, 3, 5}) {
        double[][] s = new double[nd][nIn];
        for (double[] v : s) {
          for (int j = 0; j < nIn; j++) {
            // relu-like: zeros, positive values, some negative and tiny ones
            double g = rnd.nextGaussian();
            v[j] = rnd.nextInt(4) == 0 ? 0.0 : (rnd.nextInt(10) == 0 ? -g * 1e-300 : Math.abs(g) * 3);
          }
        }
        long seed = rnd.nextLong();
        long e = rnd.nextInt() & 0xFFFFFFFFL;
        int layer = 1 + rnd.nextInt(40);
        int i0 = rnd.nextInt(1000);
        double[] buf = new double[Simd.bufferLength(nd)];
        double[] out = new double[nd * L];
        Simd.rowDots(seed, e, layer, i0, nIn, s, nd, buf, out);
        double[] row = new double[nIn];
        for (int k = 0; k < L; k++) {
          InitRng.weightRow(seed, e, layer, i0 + k, nIn, row);
          for (int a = 0; a < nd; a++) {
            assertBits(Sums.dot(row, s[a], nIn), out[a * L + k],
                "nIn " + nIn + " nd " + nd + " row " + (i0 + k) + " input " + a);
          }
        }
      }
    }
  }

  /** scaledRows against scale · weightRow, widths 1..70 and beyond a chunk, offset destination rows. */
  @Test
  void scaledRowsMatchScaledScalarRows() {
    SplittableRandom rnd = new SplittableRandom(9);
    double[] buf = new double[Simd.bufferLength(1)];
    for (int nIn : new int[] {1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 66, 67, 68, 69, 70, 129, 256, 257}) {
      long seed = rnd.nextLong();
      long e = rnd.nextInt() & 0xFFFFFFFFL;
      int layer = 1 + rnd.nextInt(40);
      int i0 = rnd.nextInt(1000);
      double scale = Math.sqrt(2.0 / nIn);
      int d0 = 3;
      double[][] dst = new double[d0 + L][nIn];
      Simd.scaledRows(seed, e, layer, i0, nIn, scale, dst, d0, buf);
      double[] row = new double[nIn];
      for (int k = 0; k < L; k++) {
        InitRng.weightRow(seed, e, layer, i0 + k, nIn, row);
        for (int j = 0; j < nIn; j++) {
          assertBits(scale * row[j], dst[d0 + k][j], "nIn " + nIn + " row " + (i0 + k) + " col " + j);
        }
      }
      for (int k = 0; k < d0; k++) {
        for (int j = 0; j < nIn; j++) {
          assertEquals(0.0, dst[k][j]);
        }
      }
    }
  }
}

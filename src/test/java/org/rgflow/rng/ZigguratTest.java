package org.rgflow.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * The exact sampler's ziggurat Gaussians (docs/EXACT_SAMPLER.md §3): the table closes, and N = 4·10^6
 * values over 4000 rows of 1000 (seed 7, network 3) have the standard normal's moments and
 * probabilities within 5 standard errors (false-failure probability 5.7e-7 per assertion), and a
 * Kolmogorov–Smirnov distance below 1.95/√N (p ≈ 0.001). Rows are pure functions of their counter.
 */
class ZigguratTest {
  private static final int ROWS = 4000;
  private static final int LEN = 1000;

  @Test
  void tableCloses() {
    // layers 1..N−1 chain from x_1 = r; the top one's area misses V by |closure| (relative)
    assertTrue(Math.abs(Ziggurat.closure) < 1e-8, "closure " + Ziggurat.closure);
    assertEquals(0.0, Ziggurat.X[Ziggurat.LAYERS]);
    for (int i = 0; i < Ziggurat.LAYERS; i++) {
      assertTrue(Ziggurat.X[i] > Ziggurat.X[i + 1], "x decreasing at " + i);
    }
  }

  @Test
  void momentsProbabilitiesAndKolmogorovSmirnov() {
    int n = ROWS * LEN;
    double[] all = new double[n];
    double[] row = new double[LEN];
    int[] words = new int[LEN + 4];
    for (int r = 0; r < ROWS; r++) {
      Ziggurat.row(7L, 3, 0x60000000 | (2 << 14) | 5, r, LEN, null, -1, words, row);
      System.arraycopy(row, 0, all, r * LEN, LEN);
    }
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double s4 = 0;
    for (double g : all) {
      s1 += g;
      s2 += g * g;
      s3 += g * g * g;
      s4 += g * g * g * g;
    }
    double k = 5;
    assertEquals(0, s1 / n, k * Math.sqrt(1.0 / n), "mean");
    assertEquals(1, s2 / n, k * Math.sqrt(2.0 / n), "variance");
    assertEquals(0, s3 / n, k * Math.sqrt(15.0 / n), "third moment");
    assertEquals(3, s4 / n, k * Math.sqrt(96.0 / n), "fourth moment");
    NormalDistribution phi = new NormalDistribution();
    // P(|g| > t) at the tail's edge r (values beyond come only from Marsaglia's tail method), in
    // the wedges' range and far out
    for (double t : new double[] {0.27, 1.0, 2.0, Ziggurat.R, 4.5}) {
      long c = 0;
      for (double g : all) {
        c += Math.abs(g) > t ? 1 : 0;
      }
      double p = 2 * phi.cumulativeProbability(-t);
      double got = (double) c / n;
      assertEquals(p, got, k * Math.sqrt(p * (1 - p) / n), "P(|g| > " + t + ")");
    }
    java.util.Arrays.sort(all);
    double d = 0;
    for (int i = 0; i < n; i++) {
      double f = phi.cumulativeProbability(all[i]);
      d = Math.max(d, Math.max(f - (double) i / n, (double) (i + 1) / n - f));
    }
    assertTrue(d < 1.95 / Math.sqrt(n), "KS distance " + d);
  }

  @Test
  void rowsArePureFunctionsOfTheirCounter() {
    double[] a = new double[37];
    double[] b = new double[37];
    double[] c = new double[20];
    int[] w = new int[52];
    Ziggurat.row(11L, 5, 0x60004003, 2, 37, null, -1, w, a);
    Ziggurat.row(99L, 1, 0x60004003, 9, 50, null, -1, w, new double[50]);
    Ziggurat.row(11L, 5, 0x60004003, 2, 37, null, -1, w, b);
    assertArrayEquals(a, b, 0.0);
    Ziggurat.row(11L, 5, 0x60004003, 2, 20, null, -1, w, c);
    for (int i = 0; i < 20; i++) {
      assertEquals(a[i], c[i], 0.0, "a shorter row is a prefix");
    }
    // a permutation with skipped lanes writes the same values where they are wanted
    int[] dst = new int[37];
    double[] p = new double[40];
    for (int i = 0; i < 37; i++) {
      dst[i] = i % 3 == 0 ? 39 : 36 - i;
    }
    Ziggurat.row(11L, 5, 0x60004003, 2, 37, dst, 39, w, p);
    for (int i = 0; i < 37; i++) {
      if (i % 3 != 0) {
        assertEquals(a[i], p[36 - i], 0.0);
      }
    }
    Ziggurat.row(11L, 5, 0x60004003, 3, 37, null, -1, w, b);
    assertNotEquals(a[0], b[0]);
  }
}

package org.rgflow.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Exact (bit-identity): {@link InitRng#weightRowPairs} returns the Gaussians of
 * {@link InitRng#weightRow} bit for bit on the lanes of the listed pairs, scattered where asked, and
 * writes nothing else; row lengths 1..13 (partial last blocks) and 1025, random pair subsets.
 * Run: {@code mvn -q test -Dtest=WeightRowPairsTest}.
 */
class WeightRowPairsTest {
  @Test
  void listedPairsEqualWeightRowBitForBit() {
    Random rnd = new Random(11);
    int checked = 0;
    int[] lengths = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 1025};
    for (int n : lengths) {
      for (int trial = 0; trial < 5; trial++) {
        long seed = rnd.nextLong();
        long e = rnd.nextInt() & 0xFFFFFFFFL;
        int layer = 3 | 0x60000000;
        int row = rnd.nextInt(70);
        double[] ref = new double[n];
        InitRng.weightRow(seed, e, layer, row, n, ref);
        int lanes = ((n + 3) >>> 2) << 2;
        // lane j goes to slot lanes - 1 - j (reversed), lanes past n to the spare slot `lanes`
        int[] dst = new int[lanes];
        for (int j = 0; j < lanes; j++) {
          dst[j] = j < n ? lanes - 1 - j : lanes;
        }
        int[] pairs = new int[lanes / 2];
        int count = 0;
        for (int p = 0; 2 * p < n; p++) {
          if (rnd.nextInt(3) > 0) {
            pairs[count++] = p;
          }
        }
        double[] out = new double[lanes + 1];
        java.util.Arrays.fill(out, Double.NaN);
        InitRng.weightRowPairs(seed, e, layer, row, n, pairs, count, dst, new double[lanes], out);
        boolean[] listed = new boolean[lanes];
        for (int t = 0; t < count; t++) {
          listed[2 * pairs[t]] = true;
          listed[2 * pairs[t] + 1] = true;
        }
        for (int j = 0; j < n; j++) {
          if (listed[j]) {
            assertEquals(Double.doubleToRawLongBits(ref[j]),
                Double.doubleToRawLongBits(out[lanes - 1 - j]), "n=" + n + " lane " + j);
            checked++;
          } else {
            assertEquals(Double.NaN, out[lanes - 1 - j], "n=" + n + " lane " + j + " written");
          }
        }
      }
    }
    assertEquals(true, checked > 2000, "checked " + checked);
  }
}

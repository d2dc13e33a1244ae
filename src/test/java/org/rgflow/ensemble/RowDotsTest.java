package org.rgflow.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rgflow.core.Sums;

/**
 * {@link RowDots} is bit for bit s · {@link Sums#dot} row by row (the dNTK up sweep's result must not
 * depend on whether the SIMD path is warm), for lengths with and without a tail, row counts with and
 * without a remainder of 4 and odd vector counts; the outputs outside rows i0..i0+rows are untouched.
 */
class RowDotsTest {
  @Test
  void bitForBitTheScalarDot() {
    assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "no Vector API");
    Random rnd = new Random(12);
    for (int nIn : new int[] {1, 3, 4, 7, 64, 1023}) {
      for (int rows : new int[] {1, 4, 7, 16}) {
        for (int count : new int[] {1, 2, 5}) {
          double[][] tile = new double[rows][nIn];
          for (double[] r : tile) {
            for (int j = 0; j < nIn; j++) {
              r[j] = rnd.nextGaussian();
            }
          }
          double[][] x = new double[count][nIn];
          for (double[] r : x) {
            for (int j = 0; j < nIn; j++) {
              r[j] = rnd.nextGaussian() * Math.exp(3 * rnd.nextGaussian());
            }
          }
          double[][] out = new double[count][rows + 5];
          for (double[] o : out) {
            java.util.Arrays.fill(o, -7);
          }
          double s = 0.37;
          RowDots.dots(tile, rows, x, out, count, 3, nIn, s);
          for (int v = 0; v < count; v++) {
            for (int i = 0; i < rows + 5; i++) {
              double want = i >= 3 && i < 3 + rows ? s * Sums.dot(tile[i - 3], x[v], nIn) : -7;
              assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(out[v][i]),
                  "nIn=" + nIn + " rows=" + rows + " count=" + count + " v=" + v + " i=" + i);
            }
          }
        }
      }
    }
  }
}

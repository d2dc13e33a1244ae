package org.rgflow.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rgflow.core.Sums;

/**
 * {@link TileDots} is bit for bit s · {@link Sums#dot} row by row (the dNTK up sweep's result must not
 * depend on whether the SIMD path is warm), for lengths with and without a tail and odd vector counts.
 */
class TileDotsTest {
  @Test
  void bitForBitTheScalarDot() {
    assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "no Vector API");
    int lanes = TileDots.lanes();
    int stride = 2 * lanes;
    Random rnd = new Random(11);
    for (int nIn : new int[] {1, 3, 4, 7, 64, 1023}) {
      for (int count : new int[] {1, 2, 5}) {
        double[][] tile = new double[stride][nIn];
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
        double[] tt = new double[stride * nIn];
        TileDots.transpose(tile, stride, nIn, tt, stride);
        double[][] out = new double[count][stride + 3];
        double s = 0.37;
        TileDots.dots(tt, stride, lanes, x, out, count, 3, nIn, s);
        for (int v = 0; v < count; v++) {
          for (int r = 0; r < lanes; r++) {
            double want = s * Sums.dot(tile[lanes + r], x[v], nIn);
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(out[v][3 + r]),
                "nIn=" + nIn + " count=" + count + " v=" + v + " r=" + r);
          }
        }
      }
    }
  }
}

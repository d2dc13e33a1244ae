package org.rgflow.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ziggurat's speed-ups change no bit: Philox4x32.words (four chains per iteration) equals
 * Philox4x32.block block by block, and the wedge test's Math.exp squeeze gives the StrictMath
 * decision, also for y within a few ulp of e^t, where only StrictMath can decide.
 */
class ZigguratFastPathTest {
  @Test
  void wordsEqualSingleBlocks() {
    int[] ref = new int[4];
    for (int blocks = 1; blocks <= 13; blocks++) {
      int[] w = new int[4 * blocks];
      Philox4x32.words(0x9876543210abcdefL, 0x60004003 + blocks, 17 * blocks, 5, blocks, w);
      for (int b = 0; b < blocks; b++) {
        Philox4x32.block(b, 0x60004003 + blocks, 17 * blocks, 5, 0x10abcdef, 0x98765432, ref);
        for (int t = 0; t < 4; t++) {
          assertEquals(ref[t], w[4 * b + t], "blocks=" + blocks + " b=" + b + " t=" + t);
        }
      }
    }
  }

  @Test
  void expSqueezeDecidesAsStrictMath() {
    SplittableRandom rnd = new SplittableRandom(12345);
    double tMin = -0.5 * Ziggurat.R * Ziggurat.R;
    for (int i = 0; i < 200_000; i++) {
      double t = tMin * rnd.nextDouble();
      double s = StrictMath.exp(t);
      // uniform y over the layer's range, and y a few ulp either side of StrictMath's value
      double y = rnd.nextDouble();
      assertEquals(y < s, Ziggurat.below(y, t), "t=" + t + " y=" + y);
      double lo = s;
      double hi = s;
      for (int k = 0; k < 4; k++) {
        assertEquals(lo < s, Ziggurat.below(lo, t));
        assertEquals(hi < s, Ziggurat.below(hi, t));
        lo = Math.nextDown(lo);
        hi = Math.nextUp(hi);
      }
      double m = Math.exp(t);
      assertEquals(m < s, Ziggurat.below(m, t));
      assertEquals(m * (1 - Ziggurat.EXP_MARGIN) < s, Ziggurat.below(m * (1 - Ziggurat.EXP_MARGIN), t));
    }
  }

  /**
   * 2·10⁶ ziggurat values hash to the value the code before these speed-ups gave (the same class
   * compiled from main at 2673458; streams unchanged).
   */
  @Test
  void rowsUnchanged() {
    int n = 100003;
    double[] row = new double[n];
    int[] w = new int[n + 4];
    long h = 17;
    for (int r = 0; r < 20; r++) {
      Ziggurat.row(0x5eedL + r, r, 0x60000000 | (3 << 14) | r, r * 7, n, null, -1, w, row);
      for (double v : row) {
        h = h * 31 + Double.doubleToRawLongBits(v);
      }
    }
    assertEquals(0x8256863386d2db05L, h);
  }
}

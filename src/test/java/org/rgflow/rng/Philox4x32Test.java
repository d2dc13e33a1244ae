package org.rgflow.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * Philox4x32-10 against the Random123 known-answer vectors (kat_vectors, lines "philox4x32 10").
 * Run: {@code mvn -q test -Dtest=Philox4x32Test}.
 */
class Philox4x32Test {
  private static int[] run(int c0, int c1, int c2, int c3, int k0, int k1) {
    int[] out = new int[4];
    Philox4x32.block(c0, c1, c2, c3, k0, k1, out);
    return out;
  }

  @Test
  void zeroCounterZeroKey() {
    assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, run(0, 0, 0, 0, 0, 0));
  }

  @Test
  void allOnes() {
    assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        run(-1, -1, -1, -1, -1, -1));
  }

  @Test
  void piDigits() {
    assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
        run(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
  }

  /** The inlined generator in InitRng must equal block() + the documented Box–Muller. */
  @Test
  void inlinedRowEqualsReferenceBlocks() {
    long seed = 0x0123456789abcdefL;
    double[] row = new double[11];
    InitRng.weightRow(seed, 77, 3, 5, 11, row);
    for (int j = 0; j < 11; j++) {
      double[] g = new double[4];
      InitRng.gaussians4(seed, j / 4, 5, 3, 77, g);
      org.junit.jupiter.api.Assertions.assertEquals(g[j % 4], row[j], 0.0, "j=" + j);
      org.junit.jupiter.api.Assertions.assertEquals(InitRng.weightGaussian(seed, 77, 3, 5, j), row[j], 0.0);
    }
    double[] b = new double[6];
    InitRng.biases(seed, 77, 3, 6, b);
    for (int i = 0; i < 6; i++) {
      org.junit.jupiter.api.Assertions.assertEquals(InitRng.biasGaussian(seed, 77, 3, i), b[i], 0.0);
    }
  }
}

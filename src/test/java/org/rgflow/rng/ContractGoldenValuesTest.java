package org.rgflow.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Pins the randomness contract (docs/RANDOMNESS.md §7): exact bits of a few weights and biases for
 * seed 0x0123456789abcdef, including the largest network index and a high layer. Device kernels
 * should carry the same table. Each value was cross-checked against java.lang.Math's log/cos/sin
 * (agreement to ~1e-16). Changing any of these is a contract change (bump its version).
 * Run: {@code mvn -q test -Dtest=ContractGoldenValuesTest}.
 */
class ContractGoldenValuesTest {
  private static final long SEED = 0x0123456789abcdefL;

  @Test
  void philoxWordsOfFirstWeightBlock() {
    int[] x = new int[4];
    Philox4x32.block(0, 0, 1, 0, (int) SEED, (int) (SEED >>> 32), x);
    assertArrayEquals(new int[] {0xfa9dff5e, 0x6c10844b, 0x6979c717, 0x0590ff83}, x);
  }

  @Test
  void weights() {
    assertEquals(-0x1.74acb7b714d07p-3, InitRng.weightGaussian(SEED, 0, 1, 0, 0), 0.0);
    assertEquals(0x1.8ce19e7b9dcb1p-4, InitRng.weightGaussian(SEED, 0, 1, 0, 1), 0.0);
    assertEquals(0x1.51bc4fbdda8d8p0, InitRng.weightGaussian(SEED, 0, 1, 0, 2), 0.0);
    assertEquals(0x1.7372018095b25p-3, InitRng.weightGaussian(SEED, 0, 1, 0, 3), 0.0);
    assertEquals(0x1.4c5714f903d7ep0, InitRng.weightGaussian(SEED, 5, 3, 7, 9), 0.0);
    assertEquals(0x1.99f0d86462833p-2, InitRng.weightGaussian(SEED, 4294967295L, 2, 1, 1), 0.0);
    assertEquals(-0x1.bd141b4fef998p0, InitRng.weightGaussian(SEED, 123456, 16, 511, 510), 0.0);
  }

  @Test
  void biases() {
    assertEquals(0x1.10ec499e6bd29p-2, InitRng.biasGaussian(SEED, 0, 1, 0), 0.0);
    assertEquals(0x1.bde7871636579p-1, InitRng.biasGaussian(SEED, 0, 1, 1), 0.0);
    assertEquals(-0x1.94b6fbdc3f969p-1, InitRng.biasGaussian(SEED, 7, 16, 5), 0.0);
  }

  @Test
  void firstValueFromLibraryMath() {
    // g0 = √(−2 ln u0)·cos 2πu1 with java.lang.Math: the contract's own functions agree to 1e-15.
    double u0 = InitRng.uniform(0xfa9dff5e);
    double u1 = InitRng.uniform(0x6c10844b);
    double g0 = Math.sqrt(-2 * Math.log(u0)) * Math.cos(2 * Math.PI * u1);
    assertEquals(g0, InitRng.weightGaussian(SEED, 0, 1, 0, 0), 1e-15);
  }
}

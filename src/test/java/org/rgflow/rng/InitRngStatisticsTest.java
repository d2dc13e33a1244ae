package org.rgflow.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Statistical sanity of the contract's Gaussians and their order independence.
 *
 * <p>Each moment test uses N = 4·10^6 draws and a bound of 5 standard errors (two-sided normal
 * false-failure probability 5.7e-7 per assertion for a correct generator; with a fixed seed the test
 * is deterministic anyway). SE: mean 1/√N; variance √(2/N); E g⁴ − 3: √(96/N) (Var g⁴ = 105 − 9);
 * E g³: √(15/N); correlation of neighbours: 1/√N.
 * Run: {@code mvn -q test -Dtest=InitRngStatisticsTest}.
 */
class InitRngStatisticsTest {
  private static final double K = 5.0;

  @Test
  void momentsOfWeightsAndBiases() {
    int rows = 2000;
    int cols = 2000;
    long n = (long) rows * cols;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double s4 = 0;
    double lag = 0;
    double[] row = new double[cols];
    for (int i = 0; i < rows; i++) {
      InitRng.weightRow(42L, i % 7, 1 + i % 5, i, cols, row);
      for (int j = 0; j < cols; j++) {
        double g = row[j];
        double g2 = g * g;
        s1 += g;
        s2 += g2;
        s3 += g2 * g;
        s4 += g2 * g2;
        if (j > 0) {
          lag += g * row[j - 1];
        }
      }
    }
    double mean = s1 / n;
    double var = s2 / n - mean * mean;
    double skew = s3 / n;
    double exKurt = s4 / n - 3;
    double corr = lag / (n - rows);
    assertEquals(0, mean, K / Math.sqrt(n), "mean, N=" + n);
    assertEquals(1, var, K * Math.sqrt(2.0 / n), "variance, N=" + n);
    assertEquals(0, skew, K * Math.sqrt(15.0 / n), "third moment, N=" + n);
    assertEquals(0, exKurt, K * Math.sqrt(96.0 / n), "E g^4 - 3, N=" + n);
    assertEquals(0, corr, K / Math.sqrt(n - rows), "lag-1 correlation, N=" + n);

    // Biases: a different stream (bit 31 of c2), same law.
    int nb = 1_000_000;
    double[] b = new double[nb];
    InitRng.biases(42L, 3, 2, nb, b);
    double b1 = 0;
    double b2 = 0;
    for (double g : b) {
      b1 += g;
      b2 += g * g;
    }
    assertEquals(0, b1 / nb, K / Math.sqrt(nb), "bias mean, N=" + nb);
    assertEquals(1, b2 / nb, K * Math.sqrt(2.0 / nb), "bias variance, N=" + nb);
  }

  @Test
  void tailsAreNotTruncatedTooEarly() {
    // u ≥ 2^-33 bounds |g| ≤ √(2·33 ln 2) ≈ 6.76; the largest of 4·10^6 draws is typically ≈ 5.
    double[] row = new double[4000];
    double max = 0;
    for (int i = 0; i < 1000; i++) {
      InitRng.weightRow(7L, 0, 1, i, row.length, row);
      for (double g : row) {
        max = Math.max(max, Math.abs(g));
      }
    }
    assertTrue(max > 4.5 && max < 6.77, "max |g| = " + max);
  }

  @Test
  void valuesDoNotDependOnGenerationOrder() {
    long seed = -3L;
    double[] row = new double[13];
    InitRng.weightRow(seed, 5, 4, 9, 13, row);
    // Reverse order, one at a time, with other draws interleaved.
    for (int j = 12; j >= 0; j--) {
      InitRng.weightGaussian(seed, 6, 4, 9, j);
      assertEquals(row[j], InitRng.weightGaussian(seed, 5, 4, 9, j), 0.0, "j=" + j);
    }
    // A shorter row is a prefix of a longer one (n_{ℓ-1} only limits j).
    double[] shorter = new double[6];
    InitRng.weightRow(seed, 5, 4, 9, 6, shorter);
    for (int j = 0; j < 6; j++) {
      assertEquals(row[j], shorter[j], 0.0);
    }
    // Different network, layer, row or seed give different numbers.
    assertTrue(InitRng.weightGaussian(seed, 5, 4, 9, 0) != InitRng.weightGaussian(seed, 4, 4, 9, 0));
    assertTrue(InitRng.weightGaussian(seed, 5, 4, 9, 0) != InitRng.weightGaussian(seed, 5, 3, 9, 0));
    assertTrue(InitRng.weightGaussian(seed, 5, 4, 9, 0) != InitRng.weightGaussian(seed, 5, 4, 8, 0));
    assertTrue(InitRng.weightGaussian(seed, 5, 4, 9, 0) != InitRng.weightGaussian(seed + 1, 5, 4, 9, 0));
    assertTrue(InitRng.weightGaussian(seed, 5, 4, 0, 0) != InitRng.biasGaussian(seed, 5, 4, 0));
  }
}

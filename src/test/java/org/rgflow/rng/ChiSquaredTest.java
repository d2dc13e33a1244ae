package org.rgflow.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;

/**
 * The law of {@link ChiSquared} (exact results): for ν = 1, 2, 3, 7, 50, 1000 and
 * N = 200000 variates each (fixed seed), the mean ν and variance 2ν within 5 SE (SE of the mean
 * √(2ν/N), of the sample variance √((8ν² + 48ν)/N) from μ₄ = 12ν(ν + 4)), and the Kolmogorov–Smirnov
 * distance to Hipparchus's χ²_ν CDF below 1.95/√N (p ≈ 0.001 for a correct sampler). A wrong shape
 * (ν ± 1) moves the mean by 1/√(2ν/N) ≥ 14 SE at ν = 1000, and fails the KS bound at every ν.
 */
class ChiSquaredTest {
  private static final int N = 200_000;

  @Test
  void momentsAndDistributionMatchChiSquared() {
    for (int nu : new int[] {1, 2, 3, 7, 50, 1000}) {
      double[] v = new double[N];
      double s1 = 0;
      for (int i = 0; i < N; i++) {
        // 256 variates per stream (index), streams c1 = i / 256: both counter words exercised
        v[i] = ChiSquared.draw(77L, i & 255, i >>> 8, 5 | 0x70000000, nu, nu);
        s1 += v[i];
      }
      double mean = s1 / N;
      double s2 = 0;
      for (double x : v) {
        s2 += (x - mean) * (x - mean);
      }
      double var = s2 / (N - 1);
      assertEquals(nu, mean, 5 * Math.sqrt(2.0 * nu / N), "mean of chi2_" + nu);
      assertEquals(2.0 * nu, var, 5 * Math.sqrt((8.0 * nu * nu + 48.0 * nu) / N),
          "variance of chi2_" + nu);
      Arrays.sort(v);
      ChiSquaredDistribution law = new ChiSquaredDistribution(nu);
      double dMax = 0;
      for (int i = 0; i < N; i++) {
        double f = law.cumulativeProbability(v[i]);
        dMax = Math.max(dMax, Math.max(f - (double) i / N, (double) (i + 1) / N - f));
      }
      assertTrue(dMax * Math.sqrt(N) < 1.95, "KS distance to chi2_" + nu + ": sqrt(N) D = "
          + dMax * Math.sqrt(N));
    }
  }

  @Test
  void pureFunctionOfTheCounter() {
    double a = ChiSquared.draw(9L, 3, 4, 5, 6, 10);
    assertEquals(a, ChiSquared.draw(9L, 3, 4, 5, 6, 10), 0.0);
    assertTrue(a != ChiSquared.draw(9L, 4, 4, 5, 6, 10));
    assertTrue(a != ChiSquared.draw(10L, 3, 4, 5, 6, 10));
  }
}

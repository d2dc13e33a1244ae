package org.rgflow.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The storeless-statistic contract (Hipparchus style): one-at-a-time, all-at-once (two-pass
 * reference) and merged partials of any split agree to rounding (relative 1e-12 — each path does
 * O(N) floating-point operations on O(1) data, so rounding is ~N·1e-16 ≈ 1e-13). Also: merging into
 * an empty accumulator is an exact copy, N = 1 gives NaN errors, NaN components stay local.
 * Run: {@code mvn -q test -Dtest=MomentAccumulatorContractTest}.
 */
class MomentAccumulatorContractTest {
  private static final int DIM = 5;
  private static final double RTOL = 1e-12;

  private static double[][] data(int n) {
    SplittableRandom r = new SplittableRandom(11);
    double[][] x = new double[n][DIM];
    for (int i = 0; i < n; i++) {
      double common = r.nextGaussian();
      for (int d = 0; d < DIM; d++) {
        x[i][d] = 10 * d + common * (d + 1) + r.nextGaussian() * Math.exp(r.nextGaussian());
      }
    }
    return x;
  }

  private static void assertClose(double ref, double got, String what) {
    assertEquals(ref, got, RTOL * (1 + Math.abs(ref)), what);
  }

  @Test
  void oneByOneAllAtOnceAndMergedAgree() {
    int n = 1000;
    double[][] x = data(n);
    // Two-pass reference.
    double[] mean = new double[DIM];
    for (double[] xi : x) {
      for (int d = 0; d < DIM; d++) {
        mean[d] += xi[d] / n;
      }
    }
    double[][] cov = new double[DIM][DIM];
    for (double[] xi : x) {
      for (int a = 0; a < DIM; a++) {
        for (int b = 0; b < DIM; b++) {
          cov[a][b] += (xi[a] - mean[a]) * (xi[b] - mean[b]) / (n - 1);
        }
      }
    }
    MomentAccumulator one = new MomentAccumulator(DIM);
    for (double[] xi : x) {
      one.add(xi);
    }
    int[][] splits = {{1, 999}, {500, 500}, {64, 64, 64, 808}, {999, 1}, {0, 1000}, {3, 0, 997}};
    int checked = 0;
    for (int[] split : splits) {
      MomentAccumulator merged = new MomentAccumulator(DIM);
      int start = 0;
      for (int len : split) {
        MomentAccumulator part = new MomentAccumulator(DIM);
        for (int i = start; i < start + len; i++) {
          part.add(x[i]);
        }
        merged.merge(part);
        start += len;
      }
      assertEquals(n, merged.count());
      for (int a = 0; a < DIM; a++) {
        assertClose(mean[a], merged.mean(a), "merged mean " + a);
        for (int b = 0; b < DIM; b++) {
          assertClose(cov[a][b], merged.covariance(a, b), "merged cov " + a + "," + b);
          checked++;
        }
      }
    }
    for (int a = 0; a < DIM; a++) {
      assertClose(mean[a], one.mean(a), "one-by-one mean " + a);
      for (int b = 0; b < DIM; b++) {
        assertClose(cov[a][b], one.covariance(a, b), "one-by-one cov " + a + "," + b);
      }
    }
    assertEquals(splits.length * DIM * DIM, checked);
    // Delta-method error of a linear function = √(gᵀΣg/N).
    double[] g = {1, -2, 0, 0.5, 0};
    double q = 0;
    for (int a = 0; a < DIM; a++) {
      for (int b = 0; b < DIM; b++) {
        q += g[a] * cov[a][b] * g[b];
      }
    }
    assertClose(Math.sqrt(q / n), one.standardError(g), "standard error");
  }

  @Test
  void mergeIntoEmptyIsExactCopyAndSingleObservationHasNoError() {
    double[][] x = data(10);
    MomentAccumulator a = new MomentAccumulator(DIM);
    for (double[] xi : x) {
      a.add(xi);
    }
    MomentAccumulator b = new MomentAccumulator(DIM);
    b.merge(a);
    assertTrue(a.sameBits(b));
    MomentAccumulator single = new MomentAccumulator(DIM);
    single.add(x[0]);
    assertTrue(Double.isNaN(single.standardError(new double[] {1, 0, 0, 0, 0})));
    assertEquals(x[0][2], single.mean(2), 0.0);
  }

  @Test
  void nanComponentStaysLocal() {
    MomentAccumulator a = new MomentAccumulator(3);
    a.add(new double[] {1, Double.NaN, 2});
    a.add(new double[] {2, Double.NaN, 5});
    a.add(new double[] {4, Double.NaN, 3});
    assertTrue(Double.isNaN(a.mean(1)));
    assertEquals(7.0 / 3, a.mean(0), 1e-15);
    assertTrue(Double.isFinite(a.standardError(new double[] {1, 0, 1})));
    assertTrue(Double.isNaN(a.standardError(new double[] {1, 1, 0})));
  }
}

package org.rgflow.gauss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.hipparchus.special.Erf;
import org.junit.jupiter.api.Test;

/**
 * {@link PiecewiseLinearMoments} (closed-form inner variables) against {@link GaussQuadrature} with a
 * tight rule (d = 2: U = 10, panels 0.7, 12 points; d = 3, 4: the d = 3 default), and
 * {@link NormalCdf} against Hipparchus' erfc. Covariances from random vectors with a common part, so
 * correlations run from ≈ 0 to 0.99 and the graded breakpoints are exercised.
 * Run: {@code mvn -q -B test -Dtest=PiecewiseLinearMomentsTest}.
 */
class PiecewiseLinearMomentsTest {

  static double[][] cov(Random r, int d, double common) {
    double[][] x = new double[d][6];
    double[] c = new double[6];
    for (int j = 0; j < 6; j++) {
      c[j] = r.nextGaussian();
    }
    for (int a = 0; a < d; a++) {
      for (int j = 0; j < 6; j++) {
        x[a][j] = common * c[j] + r.nextGaussian() * (0.5 + r.nextDouble());
      }
    }
    double[][] m = new double[d][d];
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        double s = 0;
        for (int j = 0; j < 6; j++) {
          s += x[a][j] * x[b][j];
        }
        m[a][b] = s / 6;
      }
    }
    return m;
  }

  static void check(double ap, double am, int d, double common, int[][] pow, long seed, double tol) {
    double[][] m = cov(new Random(seed), d, common);
    GaussQuadrature gq = new GaussQuadrature(ap == am ? new double[0] : new double[] {0});
    GaussQuadrature.Rule rule = d == 2 ? new GaussQuadrature.Rule(10, 0.7, 12) : GaussQuadrature.ruleFor(3);
    double[] ref = gq.expect(m, pow.length, (z, o) -> {
      for (int c = 0; c < pow.length; c++) {
        double p = 1;
        for (int k = 0; k < d; k++) {
          double s = z[k] >= 0 ? ap * z[k] : am * z[k];
          for (int q = 0; q < pow[c][k]; q++) {
            p *= s;
          }
        }
        o[c] = p;
      }
    }, rule);
    double[] got = new PiecewiseLinearMoments(ap, am, PiecewiseLinearMoments.ruleFor(d)).expect(m, pow);
    for (int c = 0; c < pow.length; c++) {
      assertEquals(ref[c], got[c], tol * Math.abs(ref[c]),
          "slopes " + ap + "," + am + " d=" + d + " common=" + common + " component " + c);
    }
  }

  @Test
  void reluAndLeakyProductsMatchTightQuadrature() {
    int[][] p2 = {{3, 1}, {2, 2}, {1, 3}, {4, 0}};
    int[][] p3 = {{2, 1, 1}, {1, 2, 1}, {1, 1, 2}};
    for (double[] s : new double[][] {{1, 0}, {1, 0.2}, {1, 1}}) {
      for (double common : new double[] {0, 1.5, 6}) {
        check(s[0], s[1], 2, common, p2, 1, 1e-12);
        check(s[0], s[1], 3, common, p3, 2, 1e-10);
      }
    }
  }

  /** Four distinct variables: the closed-form innermost pair (Φ₂) for relu, leaky relu and linear. */
  @Test
  void fourPointProductsMatchTightQuadrature() {
    int[][] p4 = {{1, 1, 1, 1}};
    check(1, 0, 4, 0, p4, 3, 1e-10);
    check(1, 0, 4, 3, p4, 4, 1e-10);
    check(1, 0.2, 4, 1, p4, 5, 1e-10);
    check(1, -0.5, 4, 3, p4, 6, 1e-10);
    check(1, 1, 4, 2, p4, 7, 1e-10);
  }

  @Test
  void degenerateCovarianceIsLeftToTheCaller() {
    double[][] m = {{1, 1}, {1, 1}};
    assertNull(new PiecewiseLinearMoments(1, 0, PiecewiseLinearMoments.RULE2).expect(m, new int[][] {{1, 1}}));
  }

  @Test
  void normalCdfMatchesErfc() {
    for (double t = -12; t <= 12; t += 0.0137) {
      double e = 0.5 * Erf.erfc(-t / Math.sqrt(2));
      assertEquals(e, NormalCdf.cdf(t), (Math.abs(t) <= 6 ? 1e-14 : 1e-12) * e, "Phi(" + t + ")");
    }
    assertTrue(NormalCdf.cdf(-40) < 1e-300 && NormalCdf.cdf(40) == 1.0);
  }
}

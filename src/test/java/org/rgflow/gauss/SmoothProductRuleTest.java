package org.rgflow.gauss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;

/**
 * {@link SmoothProductRule} against today's quadrature ({@link GaussQuadrature#expectProducts}, the
 * rule {@code Averages} used for every smooth index set before it): on random covariances of
 * dimension 2, 3 and 4 (variances 0.05..1.5, random correlations, java.util.Random seed 17) for tanh,
 * gelu and swish, with the component sets V uses, |new − today| ≤ 1e-8 · Π_r E[σ(z_r)^{2p_r}]^{1/2}
 * (the scale the rule's own check uses). Plus: it declines (returns null, so callers fall back) on a
 * near-singular covariance, on a kinked σ whose half-step check fails, and on a large K; and it is
 * deterministic. Run: {@code mvn -q -B test -Dtest=SmoothProductRuleTest}.
 */
class SmoothProductRuleTest {
  static final double TOL = 1e-8;

  static int[][] components(int d) {
    if (d == 4) {
      return new int[][] {{1, 1, 1, 1}};
    }
    if (d == 3) {
      return new int[][] {{2, 1, 1}, {1, 2, 1}, {1, 1, 2}};
    }
    return new int[][] {{2, 2}, {3, 1}, {1, 3}};
  }

  static double[][] randomCov(Random r, int d) {
    return randomCov(r, d, 1.0);
  }

  static double[][] randomCov(Random r, int d, double vmax) {
    double[][] a = new double[d][d];
    for (double[] row : a) {
      for (int j = 0; j < d; j++) {
        row[j] = r.nextGaussian();
      }
    }
    double v = 0.05 + (vmax - 0.05) * r.nextDouble();
    double[][] k = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s = 0;
        for (int q = 0; q < d; q++) {
          s += a[i][q] * a[j][q];
        }
        k[i][j] = s;
      }
    }
    // unit-free: scale to variances v·(0.5..1.5)
    double[] f = new double[d];
    for (int i = 0; i < d; i++) {
      f[i] = Math.sqrt(v * (0.5 + r.nextDouble()) / k[i][i]);
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        k[i][j] *= f[i] * f[j];
      }
    }
    return k;
  }

  /** Max over components of |got − ref| / scale. */
  static double err(double[][] k, DoubleUnaryOperator g, int[][] pow, double[] got, double[] ref) {
    double[] sc = SmoothProductRule.scales(k, g, pow);
    double e = 0;
    for (int c = 0; c < pow.length; c++) {
      e = Math.max(e, Math.abs(got[c] - ref[c]) / sc[c]);
    }
    return e;
  }

  static double[] product(GaussQuadrature q, double[][] k, DoubleUnaryOperator g, int[][] pow,
      GaussQuadrature.Rule rule) {
    return q.expect(k, pow.length, (z, o) -> {
      for (int c = 0; c < pow.length; c++) {
        double p = 1;
        for (int j = 0; j < z.length; j++) {
          for (int e = 0; e < pow[c][j]; e++) {
            p *= g.applyAsDouble(z[j]);
          }
        }
        o[c] = p;
      }
    }, rule);
  }

  /**
   * Against exactly what {@code Averages} computed before (expectProducts, default rules), 1e-8 of the
   * scale, on variances 0.05..0.9 (the K of tanh networks at C_W = 1 past the first layer). At larger K
   * today's d = 3 and d = 4 rules are themselves off by up to ~2e-8 of the scale (e.g. K_11 = 1.41:
   * today's −0.1314530368 against −0.1314530375 from this rule and from rules with panels 0.6 and
   * 0.75 wide), so there the reference is a finer rule ({@link #matchesAFinerRuleToTenDigits},
   * {@link #finerRuleInThreeAndFourDimensions}).
   */
  @Test
  void matchesTodaysQuadratureOnRandomCovariances() {
    Random r = new Random(17);
    int[] counts = {0, 0, 4, 3, 1};
    double worst = 0;
    for (String name : new String[] {"tanh", "gelu", "swish"}) {
      Activation act = Activations.parse(name);
      DoubleUnaryOperator g = act::value;
      GaussQuadrature q = new GaussQuadrature(act.kinks());
      for (int d = 2; d <= 4; d++) {
        int[][] pow = components(d);
        for (int it = 0; it < counts[d]; it++) {
          double[][] k = randomCov(r, d, 0.6);
          double[] ref = q.expectProducts(k, g, pow);
          double[] got = SmoothProductRule.expect(k, g, pow);
          String what = name + " d=" + d + " K=" + java.util.Arrays.deepToString(k);
          assertNotNull(got, what);
          double e = err(k, g, pow, got, ref);
          worst = Math.max(worst, e);
          assertTrue(e <= TOL, what + ": " + java.util.Arrays.toString(got) + " vs "
              + java.util.Arrays.toString(ref) + " (" + e + ")");
        }
      }
    }
    System.out.printf("SmoothProductRule vs today's quadrature: max |diff|/scale %.2e%n", worst);
  }

  /** Pairs against a finer rule than today's (panels 0.75 wide, 16 points), variances to 2.5: 1e-10. */
  @Test
  void matchesAFinerRuleToTenDigits() {
    Random r = new Random(23);
    GaussQuadrature.Rule[] fine = {null, null, new GaussQuadrature.Rule(9, 0.75, 16)};
    int[] counts = {0, 0, 4, 1};
    double worst = 0;
    for (String name : new String[] {"tanh", "gelu", "swish"}) {
      Activation act = Activations.parse(name);
      DoubleUnaryOperator g = act::value;
      GaussQuadrature q = new GaussQuadrature(act.kinks());
      for (int d = 2; d <= 2; d++) {
        int[][] pow = components(d);
        for (int it = 0; it < counts[d]; it++) {
          double[][] k = randomCov(r, d, 2.5);
          double[] ref = product(q, k, g, pow, fine[d]);
          double[] got = SmoothProductRule.expect(k, g, pow);
          String what = name + " d=" + d + " K=" + java.util.Arrays.deepToString(k);
          assertNotNull(got, what);
          double e = err(k, g, pow, got, ref);
          worst = Math.max(worst, e);
          assertTrue(e <= 1e-10, what + ": " + java.util.Arrays.toString(got) + " vs "
              + java.util.Arrays.toString(ref) + " (" + e + ")");
        }
      }
    }
    System.out.printf("SmoothProductRule vs a finer rule (d = 2): max |diff|/scale %.2e%n", worst);
  }

  /**
   * Three- and four-point sets against finer rules (d = 3: panels 1.0 wide, 12 points; d = 4: today's
   * d = 3 rule, 80 nodes per axis), variances to 2.5 and 1.5: 1e-10 and 1e-8 of the scale (the
   * references' own errors). Minutes: {@code mvn -Pslow test -Dtest=SmoothProductRuleTest}.
   */
  @Test
  @org.junit.jupiter.api.Tag("slow")
  void finerRuleInThreeAndFourDimensions() {
    Random r = new Random(29);
    double worst3 = 0;
    double worst4 = 0;
    for (String name : new String[] {"tanh", "gelu", "swish"}) {
      Activation act = Activations.parse(name);
      DoubleUnaryOperator g = act::value;
      GaussQuadrature q = new GaussQuadrature(act.kinks());
      for (int d = 3; d <= 4; d++) {
        int[][] pow = components(d);
        for (int it = 0; it < 2; it++) {
          double[][] k = randomCov(r, d, d == 3 ? 2.5 : 1.5);
          GaussQuadrature.Rule rule = d == 3 ? new GaussQuadrature.Rule(9, 1.0, 12)
              : GaussQuadrature.ruleFor(3);
          double[] ref = product(q, k, g, pow, rule);
          double[] got = SmoothProductRule.expect(k, g, pow);
          String what = name + " d=" + d + " K=" + java.util.Arrays.deepToString(k);
          assertNotNull(got, what);
          double e = err(k, g, pow, got, ref);
          // d = 4: today's d = 3 rule in four dimensions moves by up to 5e-9 of the scale under a
          // permutation of the axes on such K (its own error); this rule is held to 1e-9 under
          // permutations in permutedAxesAgreeToNineDigits
          double tol = d == 3 ? 1e-10 : 1e-8;
          assertTrue(e <= tol, what + ": " + java.util.Arrays.toString(got) + " vs "
              + java.util.Arrays.toString(ref) + " (" + e + ")");
          if (d == 3) {
            worst3 = Math.max(worst3, e);
          } else {
            worst4 = Math.max(worst4, e);
          }
        }
      }
    }
    System.out.printf("SmoothProductRule vs finer rules: d = 3 max |diff|/scale %.2e, d = 4 %.2e%n",
        worst3, worst4);
  }

  /**
   * The same average on a permuted covariance is integrated along other Cholesky axes, with other
   * steps, tables and rows: tanh, gelu, swish four- and three-point sets with variances to 1.5 agree
   * under the reversed and a cyclic order to 1e-9 of the scale (the bound stated for the rule).
   */
  @Test
  void permutedAxesAgreeToNineDigits() {
    Random r = new Random(31);
    double worst = 0;
    for (String name : new String[] {"tanh", "gelu", "swish"}) {
      DoubleUnaryOperator g = Activations.parse(name)::value;
      for (int d = 3; d <= 4; d++) {
        for (int it = 0; it < 4; it++) {
          double[][] k = randomCov(r, d, 1.5);
          int[][] pow = components(d);
          double[] base = SmoothProductRule.expect(k, g, pow);
          assertNotNull(base, name);
          double[] sc = SmoothProductRule.scales(k, g, pow);
          int[][] perms = {new int[d], new int[d]};
          for (int i = 0; i < d; i++) {
            perms[0][i] = d - 1 - i;
            perms[1][i] = (i + 1) % d;
          }
          for (int[] p : perms) {
            double[][] m = new double[d][d];
            int[][] pp = new int[pow.length][d];
            for (int i = 0; i < d; i++) {
              for (int j = 0; j < d; j++) {
                m[i][j] = k[p[i]][p[j]];
              }
              for (int c = 0; c < pow.length; c++) {
                pp[c][i] = pow[c][p[i]];
              }
            }
            double[] got = SmoothProductRule.expect(m, g, pp);
            assertNotNull(got, name);
            for (int c = 0; c < pow.length; c++) {
              double e = Math.abs(got[c] - base[c]) / sc[c];
              worst = Math.max(worst, e);
              assertTrue(e <= 1e-9, name + " d=" + d + " perm " + java.util.Arrays.toString(p) + ": "
                  + got[c] + " vs " + base[c] + " (" + e + ")");
            }
          }
        }
      }
    }
    System.out.printf("SmoothProductRule under permuted axes: max |diff|/scale %.2e%n", worst);
  }

  @Test
  void declinesWhereItsCheckOrAssumptionsFail() {
    DoubleUnaryOperator tanh = Math::tanh;
    int[][] pow = components(3);
    // near-singular: z_2 = z_1 up to a pivot below the tolerance
    double e = 1e-12;
    double[][] sing = {{1, 0.3, 0.3}, {0.3, 1, 1 - e}, {0.3, 1 - e, 1}};
    assertNull(SmoothProductRule.expect(sing, tanh, pow));
    // a kink (|z|): the trapezoidal rule converges only like h², the half-step check sees it
    double[][] k = {{1, 0.4, 0.2}, {0.4, 0.9, 0.3}, {0.2, 0.3, 1.1}};
    assertNull(SmoothProductRule.expect(k, Math::abs, pow));
    // large K: tanh is kink-like on the unit scale, the lattice would exceed its node cap
    double[][] big = {{1e4, 2e3, 1e3}, {2e3, 1e4, 3e3}, {1e3, 3e3, 1e4}};
    assertNull(SmoothProductRule.expect(big, tanh, pow));
    // and it does accept the same smooth case
    assertNotNull(SmoothProductRule.expect(k, tanh, pow));
  }

  @Test
  void nearSingularButAbovePivotToleranceStaysAccurate() {
    // correlation 1 − 1e-7 between z_1 and z_2: the C-axis tables fall back to per-node weights
    DoubleUnaryOperator g = Math::tanh;
    double c = 1 - 1e-7;
    double[][] k = {{0.5, 0.1, 0.1 * Math.sqrt(0.6 / 0.5)}, {0.1, 0.5, c * Math.sqrt(0.3)},
        {0.1 * Math.sqrt(0.6 / 0.5), c * Math.sqrt(0.3), 0.6}};
    int[][] pow = components(3);
    double[] got = SmoothProductRule.expect(k, g, pow);
    assertNotNull(got);
    double[] ref = new GaussQuadrature(new double[0]).expectProducts(k, g, pow);
    double[] sc = SmoothProductRule.scales(k, g, pow);
    for (int q = 0; q < pow.length; q++) {
      assertTrue(Math.abs(got[q] - ref[q]) <= TOL * sc[q], got[q] + " vs " + ref[q]);
    }
  }

  @Test
  void deterministic() {
    Random r = new Random(5);
    double[][] k = randomCov(r, 4);
    double[] a = SmoothProductRule.expect(k, Math::tanh, components(4));
    double[] b = SmoothProductRule.expect(k, Math::tanh, components(4));
    assertArrayEquals(a, b, 0);
  }
}

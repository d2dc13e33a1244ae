package org.rgflow.gauss;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;

/**
 * {@link SmoothPairRule} and {@link MehlerSeries} against today's {@link GaussQuadrature} on a
 * finer rule ({@link #FINE}): |new − reference| ≤ 1e-8·√(E[g_a²]E[g_b²]) for g = σ and σ′, on tanh, gelu, swish, sin,
 * erf, sigmoid, softplus, variances 1e-3..10 (small K is tanh/sin/erf's critical K* = 0 regime, O(1)
 * the generic one) and correlations −0.9999..0.9999. Run: {@code mvn -q -B test -Dtest=SmoothPairRuleTest}.
 */
class SmoothPairRuleTest {
  static final double TOL = 1e-8;
  /**
   * Today's quadrature with panels 0.5 wide and 16 points: the default d = 2 rule (panels 1.5, 12
   * points) is itself off by up to 7e-9 for tanh′ at K = 10 (poles 0.5 from the real axis).
   */
  static final GaussQuadrature.Rule FINE = new GaussQuadrature.Rule(9, 0.5, 16);
  static final String[] ACTS = {"tanh", "gelu", "swish", "sin", "erf", "sigmoid", "softplus"};
  static final double[][] VARS = {{1e-3, 2e-3}, {0.05, 0.08}, {0.3, 0.3}, {1, 1.2}, {1.1, 0.9},
      {2.5, 4}, {10, 7}};
  static final double[] RHOS = {-0.9999, -0.9, -0.3, 0, 0.12, 0.5, 0.9, 0.99, 0.9999};

  static double ref1(GaussQuadrature q, double k, java.util.function.DoubleUnaryOperator g) {
    return q.expect(new double[][] {{k}}, 1, (z, o) -> {
      double v = g.applyAsDouble(z[0]);
      o[0] = v * v;
    }, FINE)[0];
  }

  @Test
  void kernelPairMatchesTodaysQuadrature() {
    double worst = 0;
    for (String name : ACTS) {
      Activation act = Activations.parse(name);
      GaussQuadrature q = new GaussQuadrature(act.kinks());
      for (double[] kv : VARS) {
        double ka = kv[0];
        double kb = kv[1];
        double scS = Math.sqrt(ref1(q, ka, act::value) * ref1(q, kb, act::value));
        double scD = Math.sqrt(ref1(q, ka, act::d1) * ref1(q, kb, act::d1));
        for (double rho : RHOS) {
          double kab = rho * Math.sqrt(ka * kb);
          double[][] m = {{ka, kab}, {kab, kb}};
          double[] ref = q.expect(m, 2, (z, o) -> {
            o[0] = act.value(z[0]) * act.value(z[1]);
            o[1] = act.d1(z[0]) * act.d1(z[1]);
          }, FINE);
          double[] got = SmoothPairRule.kernelPair(ka, kab, kb, act::valueAndD1);
          String what = name + " K=(" + ka + "," + kb + ") rho=" + rho;
          assertNotNull(got, what);
          double es = Math.abs(got[0] - ref[0]) / scS;
          double ed = Math.abs(got[1] - ref[1]) / scD;
          worst = Math.max(worst, Math.max(es, ed));
          assertTrue(es <= TOL && ed <= TOL, what + ": ss " + got[0] + " vs " + ref[0] + " (" + es
              + "), dd " + got[1] + " vs " + ref[1] + " (" + ed + ")");
        }
      }
    }
    System.out.println("SmoothPairRule.kernelPair: worst relative difference " + worst);
  }

  @Test
  void genericExpectMatchesOnHermiteMoments() {
    double worst = 0;
    for (String name : new String[] {"tanh", "gelu", "swish", "sin"}) {
      Activation act = Activations.parse(name);
      GaussQuadrature q = new GaussQuadrature(act.kinks());
      for (double[] kv : VARS) {
        for (double rho : new double[] {-0.9, 0, 0.5, 0.99}) {
          double kab = rho * Math.sqrt(kv[0] * kv[1]);
          double[][] m = {{kv[0], kab}, {kab, kv[1]}};
          double det = kv[0] * kv[1] - kab * kab;
          GaussQuadrature.Integrand f = (z, o) -> {
            double o0 = act.value(z[0]) * act.value(z[1]);
            double y0 = (kv[1] * z[0] - kab * z[1]) / det;
            double y1 = (kv[0] * z[1] - kab * z[0]) / det;
            o[0] = o0;
            o[1] = o0 * (y0 * y1 + kab / det);
            o[2] = o0 * y0 * y0 * y1 * y1;
          };
          double[] ref = q.expect(m, 3, f, FINE);
          double[] got = SmoothPairRule.expect(m, 3, f);
          assertNotNull(got, name + " " + rho);
          double[] sq = q.expect(m, 3, (z, o) -> {
            f.eval(z, o);
            for (int i = 0; i < 3; i++) {
              o[i] *= o[i];
            }
          });
          for (int i = 0; i < 3; i++) {
            double e = Math.abs(got[i] - ref[i]) / Math.sqrt(sq[i]);
            worst = Math.max(worst, e);
            assertTrue(e <= TOL, name + " K=" + kv[0] + " rho=" + rho + " output " + i + ": " + got[i]
                + " vs " + ref[i] + " (" + e + ")");
          }
        }
      }
    }
    System.out.println("SmoothPairRule.expect: worst relative difference " + worst);
  }

  /** {@link MehlerSeries}: within 1e-8 wherever it answers, and it answers at |ρ| ≤ 0.3. */
  @Test
  void mehlerSeriesMatchesTodaysQuadrature() {
    double worst = 0;
    int answered = 0;
    for (String name : ACTS) {
      Activation act = Activations.parse(name);
      GaussQuadrature q = new GaussQuadrature(act.kinks());
      for (double[] kv : VARS) {
        double ka = kv[0];
        double kb = kv[1];
        MehlerSeries ma = MehlerSeries.of(q, ka, act::value, act::d1);
        MehlerSeries mb = MehlerSeries.of(q, kb, act::value, act::d1);
        double scS = Math.sqrt(ref1(q, ka, act::value) * ref1(q, kb, act::value));
        double scD = Math.sqrt(ref1(q, ka, act::d1) * ref1(q, kb, act::d1));
        for (double rho : new double[] {-0.9, -0.7, -0.3, -0.05, 0, 0.12, 0.3, 0.5, 0.7, 0.9}) {
          double kab = rho * Math.sqrt(ka * kb);
          double[] got = MehlerSeries.pair(ma, mb, rho, 1e-10);
          String what = name + " K=(" + ka + "," + kb + ") rho=" + rho;
          if (Math.abs(rho) <= 0.3) {
            assertNotNull(got, what);
          }
          if (got == null) {
            continue;
          }
          answered++;
          double[] ref = q.expect(new double[][] {{ka, kab}, {kab, kb}}, 2, (z, o) -> {
            o[0] = act.value(z[0]) * act.value(z[1]);
            o[1] = act.d1(z[0]) * act.d1(z[1]);
          }, FINE);
          double es = Math.abs(got[0] - ref[0]) / scS;
          double ed = Math.abs(got[1] - ref[1]) / scD;
          worst = Math.max(worst, Math.max(es, ed));
          assertTrue(es <= TOL && ed <= TOL, what + ": ss " + got[0] + " vs " + ref[0] + " (" + es
              + "), dd " + got[1] + " vs " + ref[1] + " (" + ed + ")");
        }
      }
    }
    System.out.println("MehlerSeries.pair: " + answered + " answered, worst relative difference " + worst);
  }

  @Test
  void degeneratePairIsLeftToTheCaller() {
    Activation act = Activations.parse("tanh");
    assertNull(SmoothPairRule.kernelPair(1, 1, 1, act::valueAndD1));
  }
}

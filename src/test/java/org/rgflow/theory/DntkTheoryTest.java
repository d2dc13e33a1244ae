package org.rgflow.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.Predictions;

/**
 * The theory's single-input P and Q (docs/THEORY.md §16) against an independent implementation kept
 * here: its own K, Θ, B, F, P, Q recursions in the multi-input formulation reduced to one input
 * (linear-response factors ⟨σ′σz⟩/K instead of χ∥ and ω; ⟨σ″σ⟩⟨σ′²⟩ instead of χ∥ − χ⊥), with σ, σ′, σ″
 * written out by hand and Gaussian averages by composite Simpson on each half-line (exact across
 * relu's kink). Agreement to 1e-6 relative.
 */
class DntkTheoryTest {
  private static final double TOL = 1e-6;

  /** σ, σ′, σ″ written independently of the act package. */
  record Act(DoubleUnaryOperator s, DoubleUnaryOperator d, DoubleUnaryOperator dd) {}

  static final Act TANH = new Act(Math::tanh, z -> 1 - Math.tanh(z) * Math.tanh(z),
      z -> -2 * Math.tanh(z) * (1 - Math.tanh(z) * Math.tanh(z)));
  static final Act SIN = new Act(Math::sin, Math::cos, z -> -Math.sin(z));
  static final Act RELU = new Act(z -> z > 0 ? z : 0, z -> z > 0 ? 1 : 0, z -> 0);

  /** E f(z), z ~ N(0, k): Simpson on [−12√k, 0] and [0, 12√k]. */
  static double mean(double k, DoubleUnaryOperator f) {
    int n = 6000;
    double a = 12 * Math.sqrt(k);
    double h = a / n;
    double sum = 0;
    for (int side = -1; side <= 1; side += 2) {
      for (int i = 0; i <= n; i++) {
        double z = side * (i == 0 ? 1e-300 : i * h); // one-sided limit at the kink
        double w = i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2);
        sum += w * f.applyAsDouble(z) * Math.exp(-z * z / (2 * k));
      }
    }
    return sum * h / 3 / Math.sqrt(2 * Math.PI * k);
  }

  /** [ℓ−1][0: P, 1: Q] by the reference recursions. */
  static double[][] reference(Act act, double g, int[] w, int n0, double[] cb, double[] cw, double[] lb,
      double[] lw) {
    int depth = w.length;
    double[][] out = new double[depth][2];
    double k = cb[0] + cw[0] * g;
    double th = lb[0] + lw[0] * g;
    double b = 0;
    double f = 0;
    double p = 0;
    double q = 0;
    for (int l = 1; l < depth; l++) {
      double c = cw[l];
      double rho = (double) w[l - 1] / (l >= 2 ? w[l - 2] : n0);
      final double kk = k;
      DoubleUnaryOperator s = act.s();
      DoubleUnaryOperator d = act.d();
      DoubleUnaryOperator dd = act.dd();
      double ss = mean(k, z -> s.applyAsDouble(z) * s.applyAsDouble(z));
      double d2 = mean(k, z -> d.applyAsDouble(z) * d.applyAsDouble(z));
      double d4 = mean(k, z -> Math.pow(d.applyAsDouble(z), 4));
      double d2s2 = mean(k, z -> Math.pow(d.applyAsDouble(z) * s.applyAsDouble(z), 2));
      double lin = mean(k, z -> d.applyAsDouble(z) * s.applyAsDouble(z) * z) / kk; // L[σ′σ]
      double linD = mean(k, z -> dd.applyAsDouble(z) * d.applyAsDouble(z) * z) / kk; // L[σ″σ′]
      double s2dd = mean(k, z -> dd.applyAsDouble(z) * d.applyAsDouble(z) * d.applyAsDouble(z)
          * s.applyAsDouble(z));
      double sdd = mean(k, z -> dd.applyAsDouble(z) * s.applyAsDouble(z));
      double p2 = c * c * (th * th * s2dd + rho * sdd * d2 * b + rho * d2 * p * lin);
      double q2 = lw[l] * c * (th * d2s2 + rho * f * lin * lin)
          + c * c * (th * th * s2dd + rho * th * f * linD * lin) + rho * c * c * d2 * q * lin;
      double f2 = c * c * th * d2s2 + rho * c * c * lin * lin * f;
      double b2 = c * c * th * th * d4 + rho * c * c * d2 * d2 * b;
      double th2 = lb[l] + lw[l] * ss + c * d2 * th;
      k = cb[l] + c * ss;
      th = th2;
      b = b2;
      f = f2;
      p = p2;
      q = q2;
      out[l][0] = p;
      out[l][1] = q;
    }
    return out;
  }

  static void check(String actName, Act act, int[] w, double[] cb, double[] cw, double[] lb,
      double[] lw, double[] x) {
    int n0 = x.length;
    NetworkSpec spec = new NetworkSpec(n0, w, Activations.parse(actName), cb, cw, lb, lw);
    double g = 0;
    for (double v : x) {
      g += v * v;
    }
    g /= n0;
    double[][] ref = reference(act, g, w, n0, cb, cw, lb, lw);
    var layers = Predictions.compute(spec, new Inputs(new double[][] {x})).layers();
    for (int l = 1; l <= w.length; l++) {
      LayerValues lv = layers.get(l - 1);
      double p = lv.theory().get(Obs.P).get(0);
      double q = lv.theory().get(Obs.Q).get(0);
      double scale = Math.max(1e-300, Math.max(Math.abs(ref[l - 1][0]), Math.abs(ref[l - 1][1])));
      assertEquals(ref[l - 1][0], p, TOL * scale, actName + " P layer " + l);
      assertEquals(ref[l - 1][1], q, TOL * scale, actName + " Q layer " + l);
      if (l == 1) {
        assertEquals(0, p, 0);
        assertEquals(0, q, 0);
      }
    }
  }

  static double[] fill(int n, double v) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  @Test
  void genericTanhAgreesWithReference() {
    int l = 6;
    check("tanh", TANH, new int[] {8, 8, 8, 8, 8, 8}, fill(l, 0.2), fill(l, 1.5), fill(l, 0.5),
        fill(l, 1.0), new double[] {0.9, -0.4, 1.1});
    // not vacuous: P and Q are O(1) here
    NetworkSpec spec = NetworkSpec.uniform(3, 8, 3, Activations.parse("tanh"), 0.2, 1.5, 0.5, 1.0);
    var lv = Predictions.compute(spec, new Inputs(new double[][] {{0.9, -0.4, 1.1}})).layers().get(2);
    assertTrue(Math.abs(lv.theory().get(Obs.P).get(0)) > 0.1);
    assertTrue(Math.abs(lv.theory().get(Obs.Q).get(0)) > 0.05);
  }

  @Test
  void perLayerParametersAndUnequalWidths() {
    check("tanh", TANH, new int[] {8, 16, 12, 20, 10}, new double[] {0.2, 0.1, 0.3, 0.2, 0.25},
        new double[] {1.5, 1.2, 1.8, 1.5, 1.0}, new double[] {0.5, 0.4, 0.3, 0.6, 0.5},
        new double[] {1.0, 0.7, 1.3, 0.9, 1.1}, new double[] {0.8, 1.2});
    check("sin", SIN, new int[] {30, 10, 40, 20}, new double[] {0.1, 0.0, 0.2, 0.1},
        new double[] {1.0, 1.3, 0.8, 1.1}, new double[] {0.2, 0.5, 0.4, 0.3},
        new double[] {1.0, 0.5, 2.0, 1.0}, new double[] {0.7, -0.5});
  }

  @Test
  void criticalSinAgreesWithReference() {
    int l = 8;
    check("sin", SIN, fillInt(l, 16), fill(l, 0), fill(l, 1), fill(l, 0.5), fill(l, 1),
        new double[] {1.2, 0.3});
  }

  @Test
  void criticalReluAgreesWithReferenceAndClosedForm() {
    int l = 8;
    double[] x = {1.0, 0.6, -0.8};
    check("relu", RELU, fillInt(l, 16), fill(l, 0), fill(l, 2), fill(l, 0.5), fill(l, 1), x);
    // closed form: P = 0, Q = r κ θ0² (ℓ−1)ℓ(ℓ+1)/6 with κ = 2, θ0 = λ_b + λ_W K/2, r = λ_W K/(2 θ0)
    NetworkSpec spec = NetworkSpec.uniform(3, 16, l, Activations.parse("relu"), 0, 2, 0.5, 1);
    var layers = Predictions.compute(spec, new Inputs(new double[][] {x})).layers();
    double k = 2 * (1.0 + 0.36 + 0.64) / 3;
    double th0 = 0.5 + k / 2;
    double r = k / 2 / th0;
    for (int ell = 1; ell <= l; ell++) {
      LayerValues lv = layers.get(ell - 1);
      assertEquals(0, lv.theory().get(Obs.P).get(0), 0, "relu P = 0");
      double q = r * 2 * th0 * th0 * (ell - 1) * ell * (ell + 1) / 6.0;
      assertEquals(q, lv.theory().get(Obs.Q).get(0), 1e-9 * Math.max(1, q), "relu Q layer " + ell);
    }
  }

  static int[] fillInt(int n, int v) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}

package org.rgflow.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.Predictions;

/**
 * Θ^{1} (docs/THEORY.md §17) in the predictions: Theta = Θ + Θ1/n on the diagonal only, Theta1 beside
 * it; Θ1 = 0 at layers 1 and 2 (layer 1 is Gaussian) and at every layer for scale-invariant σ (all
 * K-derivatives of ⟨σ²⟩ beyond the first and of ⟨σ′²⟩ vanish, and G1 = 0); the recursion against its
 * terms written out here for one step.
 */
class NtkCorrectionTest {
  private static Inputs two() {
    double[][] ang = new double[2][2];
    ang[0][1] = 0.7;
    return Inputs.fromNormsAndAngles(4, new double[] {1.0, 1.2}, ang);
  }

  @Test
  void thetaIncludesTheta1OnTheDiagonal() {
    NetworkSpec spec = NetworkSpec.uniform(4, 24, 5, Activations.parse("swish"), 0.55514, 1.988, 1, 1);
    Inputs in = two();
    var layers = Predictions.compute(spec, in).layers();
    var raw = TheoryEngine.layers(spec, in).layers();
    for (int l = 1; l <= 5; l++) {
      LayerValues lv = layers.get(l - 1);
      double n = spec.width(l - 1);
      for (int a = 0; a < 2; a++) {
        double t1 = lv.theory().get(Obs.Theta1).get(a, a);
        assertEquals(raw.get(l - 1).theta()[a][a] + t1 / n, lv.theory().get(Obs.Theta).get(a, a), 1e-12);
        if (l <= 2) {
          assertEquals(0, t1, 0, "Θ1 = 0 at layer " + l);
        }
      }
      double off = lv.theory().get(Obs.Theta1).get(0, 1);
      assertEquals(raw.get(l - 1).theta()[0][1] + off / n, lv.theory().get(Obs.Theta).get(0, 1), 1e-12,
          "off-diagonal Θ + Θ1/n");
      assertEquals(off, lv.theory().get(Obs.Theta1).get(1, 0), 1e-9 * Math.max(1, Math.abs(off)));
    }
    assertTrue(layers.get(2).theory().get(Obs.Theta1).get(0, 0) > 0.3, "swish Θ1 not vacuous");
  }

  /** Scale-invariant σ: no diagonal correction (relu's off-diagonal one is not zero). */
  @Test
  void scaleInvariantHasNoDiagonalCorrection() {
    for (double cb : new double[] {0, 0.3}) {
      NetworkSpec spec = NetworkSpec.uniform(4, 16, 6, Activations.parse("relu"), cb, 1.7, 0.5, 1);
      var layers = Predictions.compute(spec, two()).layers();
      for (LayerValues lv : layers) {
        for (int a = 0; a < 2; a++) {
          assertEquals(0, lv.theory().get(Obs.Theta1).get(a, a), 1e-12);
        }
      }
      System.out.println("[Θ1] relu C_b=" + cb + " off-diagonal Θ1 at layer 6: "
          + layers.get(5).theory().get(Obs.Theta1).get(0, 1));
    }
  }

  /** One step written out: layer 3 from layer 2's K, Θ, G1, V, D, F (unequal widths, per-layer C_W, λ_W). */
  @Test
  void oneStepMatchesItsTerms() {
    var act = Activations.parse("tanh");
    NetworkSpec spec = new NetworkSpec(3, new int[] {10, 20, 15, 12}, act, new double[] {0.3, 0.2, 0.1, 0.2},
        new double[] {1.4, 1.7, 1.2, 1.5}, new double[] {0.5, 0.6, 0.7, 0.8}, new double[] {1.1, 0.9, 1.3, 1.0});
    Inputs in = new Inputs(new double[][] {{1.2, -0.3, 0.8}});
    var raw = TheoryEngine.layers(spec, in).layers();
    double[][] t1 = NtkCorrection.theta1(spec, raw);
    for (int l = 2; l <= 3; l++) {
      TheoryLayer tl = raw.get(l - 1);
      double k = tl.kernel()[0][0];
      double cw = spec.cw(l + 1);
      double lw = spec.lambdaW(l + 1);
      double rho = (double) spec.width(l) / spec.width(l - 1);
      // averages by a plain Riemann sum on a fine grid (tanh is smooth)
      double[] m = new double[5];
      int steps = 200000;
      double lim = 12 * Math.sqrt(k);
      double h = 2 * lim / steps;
      for (int i = 0; i <= steps; i++) {
        double z = -lim + i * h;
        double w = Math.exp(-z * z / (2 * k)) / Math.sqrt(2 * Math.PI * k) * h;
        double s = Math.tanh(z);
        double d = 1 - s * s;
        m[0] += w * d * d;
        m[1] += w * s * s;
        m[2] += w * d * d * z * z;
        m[3] += w * s * s * z * z;
        m[4] += w * s * s * z * z * z * z;
      }
      // ∂_K⟨σ′²⟩ etc. by central differences of ⟨·⟩ in K (an independent route to the derivatives)
      double dk = 1e-3 * k;
      double dS = (avg(k + dk, true) - avg(k - dk, true)) / (2 * dk);
      double d2S = (avg(k + dk, true) - 2 * avg(k, true) + avg(k - dk, true)) / (dk * dk);
      double dD = (avg(k + dk, false) - avg(k - dk, false)) / (2 * dk);
      double d2D = (avg(k + dk, false) - 2 * avg(k, false) + avg(k - dk, false)) / (dk * dk);
      double th = tl.theta()[0][0];
      double want = rho * (cw * m[0] * t1[l - 1][0] + (lw * dS + cw * th * dD) * tl.g1()[0][0]
          + 0.5 * tl.vDiag(0) * (lw * d2S + cw * th * d2D) + cw * (tl.d()[0] + 2 * tl.f()[0]) * dD);
      assertEquals(want, t1[l][0], 1e-5 * Math.max(1e-3, Math.abs(want)), "layer " + (l + 1));
    }
  }

  /** ⟨σ²⟩ (s) or ⟨σ′²⟩ at K for tanh, Riemann sum. */
  private static double avg(double k, boolean s) {
    int steps = 200000;
    double lim = 12 * Math.sqrt(k);
    double h = 2 * lim / steps;
    double sum = 0;
    for (int i = 0; i <= steps; i++) {
      double z = -lim + i * h;
      double t = Math.tanh(z);
      double f = s ? t * t : (1 - t * t) * (1 - t * t);
      sum += Math.exp(-z * z / (2 * k)) * f;
    }
    return sum * h / Math.sqrt(2 * Math.PI * k);
  }

  /**
   * The two-input Θ1 (Hermite forms, multi-input D and F) reproduces the single-input recursion
   * (K-derivatives, the recursions' own D and F) on its diagonal, to 1e-6 relative: two independent
   * routes to the same numbers.
   */
  @Test
  void twoInputDiagonalReproducesSingleInput() {
    for (String act : new String[] {"swish", "tanh", "gelu"}) {
      NetworkSpec spec = new NetworkSpec(4, new int[] {20, 30, 25, 20, 16}, Activations.parse(act),
          new double[] {0.3, 0.2, 0.5, 0.1, 0.2}, new double[] {1.6, 1.8, 1.2, 2.0, 1.5},
          new double[] {1, 0.5, 0.8, 1.2, 1}, new double[] {1, 1.5, 0.7, 1.1, 0.9});
      var raw = TheoryEngine.layers(spec, two()).layers();
      double[][] one = NtkCorrection.theta1(spec, raw);
      double[][][] pair = NtkCorrection.pair(spec, raw, 0, 1);
      double maxOff = 0;
      for (int l = 0; l < 5; l++) {
        for (int a = 0; a < 2; a++) {
          assertEquals(one[l][a], pair[l][a][a], 1e-6 * Math.max(1e-3, Math.abs(one[l][a])),
              act + " Θ1 diagonal layer " + (l + 1));
        }
        assertEquals(pair[l][0][1], pair[l][1][0], 1e-9 * Math.max(1, Math.abs(pair[l][0][1])));
        maxOff = Math.max(maxOff, Math.abs(pair[l][0][1]));
      }
      assertTrue(maxOff > 1e-3, act + ": off-diagonal Θ1 not vacuous");
    }
  }
}

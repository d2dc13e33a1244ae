package org.rgflow.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.Predictions;

/**
 * Theory recursions vs closed forms and an independent single-input reference.
 * Run: {@code mvn -q -B test -Dtest=TheoryEngineTest}.
 *
 * <p>Tolerances: quadrature is exact to ~1e-12 in 1D/2D, so closed-form comparisons use 1e-9
 * relative; the independent reference below differentiates ⟨σ²⟩_K by central differences
 * (h = 1e-4·K, error ~1e-8) and is held to 1e-6 (1e-5 for G1, which needs a second difference); 4D integrals (N_D = 4) to 1e-6; large-depth
 * asymptotics carry O(log ℓ/ℓ) corrections and use the stated looser bars.
 */
class TheoryEngineTest {
  static Inputs one(double q) {
    return Inputs.fromNormsAndAngles(1, new double[] {q}, new double[1][1]);
  }

  static void rel(double e, double a, double tol, String what) {
    assertTrue(Math.abs(a - e) <= tol * Math.max(Math.abs(e), 1e-300), what + ": expected " + e + " got " + a);
  }

  @Test
  void reluCriticalClosedForms() {
    double lb = 0.3;
    double lw = 1.7;
    double q = 0.8;
    int depth = 12;
    NetworkSpec spec = NetworkSpec.uniform(1, 50, depth, Activations.relu(), 0, 2, lb, lw);
    List<TheoryLayer> ls = TheoryEngine.layers(spec, one(q)).layers();
    double k = 2 * q * q;
    double theta0 = lb + lw * 0.5 * k;
    double kappa = 2;
    double nu = 5;
    double r = lw * 0.5 * k / theta0;
    for (TheoryLayer t : ls) {
      int l = t.layer();
      rel(k, t.kernel()[0][0], 1e-12, "K");
      assertEquals(0, t.g1()[0][0], 1e-12 * k, "G1 = 0 for critical relu");
      rel(nu * (l - 1) * k * k, t.vDiag(0) + (l == 1 ? 1e-300 : 0), l == 1 ? 1 : 1e-9, "V");
      rel(l * theta0, t.theta()[0][0], 1e-12, "Theta");
      rel(1, t.chiPar()[0], 1e-12, "chi_par");
      rel(1, t.chiPerp()[0], 1e-12, "chi_perp");
      if (l > 1) {
        rel(kappa * k * theta0 * l * (l - 1) / 2, t.f()[0], 1e-9, "F");
        rel(kappa * theta0 * theta0 * (l - 1) * l * (2 * l - 1) / 6, t.b()[0], 1e-9, "B");
        rel((r * nu + kappa - 1) * k * theta0 * l * (l - 1) / 2, t.d()[0], 1e-9, "D");
      }
    }
    // A/Θ² → [(κ−1) + r(rν+κ−1)] ℓ/3 at large ℓ
    NetworkSpec deep = NetworkSpec.uniform(1, 50, 400, Activations.relu(), 0, 2, lb, lw);
    TheoryLayer last = TheoryEngine.layers(deep, one(q)).layers().get(399);
    double aCoef = ((kappa - 1) + r * (r * nu + kappa - 1)) / 3;
    rel(aCoef, last.a()[0] / Math.pow(last.theta()[0][0], 2) / 400, 0.01, "A/Theta^2/l");
  }

  /** Independent single-input reference with ∂_K by finite differences of 1D quadrature. */
  @Test
  void singleInputMatchesIndependentReference() {
    for (Activation act : new Activation[] {Activations.tanh(), Activations.gelu(), Activations.relu()}) {
      double cb = 0.2;
      double cw = 1.5;
      double lb = 0.5;
      double lw = 1.1;
      int[] widths = {20, 40, 30, 30, 10};
      int depth = widths.length;
      NetworkSpec spec = new NetworkSpec(3, widths, act, NetworkSpec.perLayer("--cb", new double[] {cb}, depth),
          NetworkSpec.perLayer("--cw", new double[] {cw}, depth), NetworkSpec.perLayer("--lambda-b",
          new double[] {lb}, depth), NetworkSpec.perLayer("--lambda-w", new double[] {lw}, depth));
      Inputs in = new Inputs(new double[][] {{0.3, -1.2, 0.7}});
      List<TheoryLayer> ls = TheoryEngine.layers(spec, in).layers();
      double g = (0.09 + 1.44 + 0.49) / 3;
      double k = cb + cw * g;
      double th = lb + lw * g;
      double v = 0;
      double g1 = 0;
      double fa = 0;
      double fb = 0;
      double fd = 0;
      double ff = 0;
      GaussQuadrature quad = new GaussQuadrature(act.kinks());
      for (int l = 1; l <= depth; l++) {
        TheoryLayer t = ls.get(l - 1);
        String w = act.name() + " layer " + l;
        rel(k, t.kernel()[0][0], 1e-12, w + " K");
        if (l > 1) {
          rel(v, t.vDiag(0), 1e-6, w + " V");
          rel(th, t.theta()[0][0], 1e-12, w + " Theta");
          rel(fa, t.a()[0], 1e-6, w + " A");
          rel(fb, t.b()[0], 1e-9, w + " B");
          rel(fd, t.d()[0], 1e-6, w + " D");
          rel(ff, t.f()[0], 1e-6, w + " F");
        }
        if (l > 2 && !act.name().equals("relu")) {
          rel(g1, t.g1()[0][0], 1e-5, w + " G1"); // second difference: error ~h²f⁗ + 1e-16/h²
        }
        if (l == depth) {
          break;
        }
        double rho = (double) widths[l - 1] / (l == 1 ? 3 : widths[l - 2]);
        double kk = k;
        double[] m = avg(quad, act, kk);
        double h = 1e-4 * kk;
        double[] mp = avg(quad, act, kk + h);
        double[] mm = avg(quad, act, kk - h);
        double dS2 = (mp[0] - mm[0]) / (2 * h);
        double h2 = 2e-3 * kk;
        double ddS2 = (avg(quad, act, kk + h2)[0] - 2 * m[0] + avg(quad, act, kk - h2)[0]) / (h2 * h2);
        double dD2 = (mp[2] - mm[2]) / (2 * h);
        double chiPar = cw * dS2;
        double chiPerp = cw * m[2];
        double omega = lw * dS2 + cw * th * dD2;
        double varS2 = m[1] - m[0] * m[0];
        double covSD = m[4] - m[2] * m[0];
        double varD2 = m[3] - m[2] * m[2];
        double g1n = rho * (chiPar * g1 + cw / 2 * v * ddS2);
        double vn = cw * cw * varS2 + rho * chiPar * chiPar * v;
        double ffn = cw * cw * th * m[4] + rho * chiPar * chiPar * ff;
        double fbn = cw * cw * th * th * m[3] + rho * chiPerp * chiPerp * fb;
        double fdn = lw * cw * varS2 + cw * cw * th * covSD + rho * (chiPar * omega * v + chiPar * chiPerp * fd);
        double fan = lw * lw * varS2 + 2 * lw * cw * th * covSD + cw * cw * th * th * varD2
            + rho * (omega * omega * v + 2 * omega * chiPerp * fd + chiPerp * chiPerp * fa);
        k = cb + cw * m[0];
        th = lb + lw * m[0] + chiPerp * th;
        g1 = g1n;
        v = vn;
        ff = ffn;
        fb = fbn;
        fd = fdn;
        fa = fan;
      }
    }
  }

  /** ⟨σ²⟩, ⟨σ⁴⟩, ⟨σ′²⟩, ⟨σ′⁴⟩, ⟨σ′²σ²⟩ at K. */
  static double[] avg(GaussQuadrature q, Activation act, double k) {
    return q.expect(new double[][] {{k}}, 5, (z, o) -> {
      double s = act.value(z[0]) * act.value(z[0]);
      double d = act.d1(z[0]) * act.d1(z[0]);
      o[0] = s;
      o[1] = s * s;
      o[2] = d;
      o[3] = d * d;
      o[4] = s * d;
    });
  }

  /**
   * Linear σ, C_b = 0, C_W = 1, equal widths: V_{(12)(34)} = (ℓ−1)(K13K24 + K14K23) and G1 = 0
   * exactly at leading order (⟨σσσσ⟩ − ⟨σσ⟩⟨σσ⟩ is Wick's, D2[z_a z_b] is a symmetrised δ). Four
   * inputs exercise the 3D and 4D integrals.
   */
  @Test
  void linearMultiInputVertexIsWick() {
    double[][] x = {{1.0, 0.2, -0.3, 0.5}, {0.1, -0.8, 0.4, 1.1}, {0.6, 0.6, 0.9, -0.2}, {-0.4, 0.3, 0.2, 0.7}};
    Inputs in = new Inputs(x);
    NetworkSpec spec = NetworkSpec.uniform(4, 64, 3, Activations.linear(), 0, 1, 1, 1);
    List<TheoryLayer> ls = TheoryEngine.layers(spec, in).layers();
    double[][] k = in.gram();
    TheoryLayer t = ls.get(2);
    for (int a = 0; a < 4; a++) {
      for (int b = 0; b < 4; b++) {
        assertEquals(k[a][b], t.kernel()[a][b], 1e-12);
        assertEquals(0, t.g1()[a][b], 1e-7);
        for (int c = 0; c < 4; c++) {
          for (int d = 0; d < 4; d++) {
            double e = 2 * (k[a][c] * k[b][d] + k[a][d] * k[b][c]);
            assertEquals(e, t.v()[a][b][c][d], 1e-6 * (1 + Math.abs(e)), "V " + a + b + c + d);
          }
        }
      }
    }
  }

  /**
   * Two inputs at a small angle θ approach the single-input values (all V and G1 components collapse
   * onto the diagonal one) with an O(θ²) deviation: checks the 2D Hermite (Stein) machinery.
   */
  @Test
  void twoInputsCollapseOntoSingleInput() {
    NetworkSpec spec = NetworkSpec.uniform(2, 30, 4, Activations.tanh(), 0.1, 1.3, 1, 1);
    double prevDev = Double.NaN;
    for (double ang : new double[] {0.08, 0.04}) {
      Inputs in = Inputs.fromNormsAndAngles(2, new double[] {1, 1}, new double[][] {{0, ang}, {0, 0}});
      TheoryLayer t = TheoryEngine.layers(spec, in).layers().get(3);
      double v11 = t.vDiag(0);
      double dev = 0;
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          for (int c = 0; c < 2; c++) {
            for (int d = 0; d < 2; d++) {
              dev = Math.max(dev, Math.abs(t.v()[a][b][c][d] / v11 - 1));
            }
          }
          dev = Math.max(dev, Math.abs(t.g1()[a][b] / t.g1()[0][0] - 1));
        }
      }
      assertTrue(dev < 0.05, "deviation " + dev);
      if (!Double.isNaN(prevDev)) {
        double ratio = prevDev / dev;
        assertTrue(ratio > 3.5 && ratio < 4.5, "O(angle^2) deviation; ratio " + ratio);
      }
      prevDev = dev;
    }
    // identical copies give exactly the single-input numbers
    Inputs two = new Inputs(new double[][] {{1, 0.5}, {1, 0.5}});
    TheoryLayer t2 = TheoryEngine.layers(spec, two).layers().get(3);
    TheoryLayer t1 = TheoryEngine.layers(spec, new Inputs(new double[][] {{1, 0.5}})).layers().get(3);
    assertEquals(t1.vDiag(0), t2.v()[0][1][1][0], 0);
    assertEquals(t1.g1()[0][0], t2.g1()[0][1], 0);
    assertEquals(t1.theta()[0][0], t2.theta()[1][0], 0);
  }

  @Test
  void tanhCriticalLargeDepth() {
    int depth = 3000;
    NetworkSpec spec = NetworkSpec.uniform(1, 100, depth, Activations.tanh(), 0, 1, 1, 1);
    long t0 = System.nanoTime();
    List<TheoryLayer> ls = TheoryEngine.layers(spec, one(1)).layers();
    double secs = (System.nanoTime() - t0) * 1e-9;
    assertTrue(secs < 10, "single-input depth 3000 took " + secs + " s");
    TheoryLayer t = ls.get(depth - 1);
    double k = t.kernel()[0][0];
    // K ≈ 1/(2ℓ) + O(log ℓ/ℓ²): 2Kℓ − 1 ≈ 0.4 log ℓ/ℓ ≈ 1e-3
    assertEquals(1, 2 * k * depth, 0.01, "2 K l");
    // V/K² → (2/3) ℓ, G1 → 1/(3 a1) = −1/6 (docs/THEORY.md §3–4); slow log corrections: 3%
    assertEquals(2.0 / 3, t.vDiag(0) / (k * k) / depth, 0.02, "V/K^2/l");
    assertEquals(-1.0 / 6, t.g1()[0][0], 0.005, "G1");
    assertEquals(1, t.chiPar()[0], 0.01);
  }

  @Test
  void obsTensorsAndExactFormulas() {
    int[] widths = {16, 64, 32, 8};
    NetworkSpec spec = new NetworkSpec(2, widths, Activations.relu(), new double[4], new double[] {2, 1.5, 2, 3},
        new double[] {1, 1, 1, 1}, new double[] {1, 1, 1, 1});
    Inputs in = new Inputs(new double[][] {{1, 0.5}, {-0.3, 0.9}});
    TheoryResult r = Predictions.compute(spec, in);
    double prod = 1;
    for (int l = 1; l <= 4; l++) {
      LayerValues lv = r.layers().get(l - 1);
      if (l >= 2) {
        prod *= 1 + 5.0 / widths[l - 2];
      }
      double k = lv.theory().get(Obs.K).get(1, 1);
      rel(prod - 1 + (l == 1 ? 1 : 0), lv.theory().get(Obs.V_over_nK2).get(1, 1, 1, 1) + (l == 1 ? 1 : 0), 1e-12,
          "exact product");
      rel(k * k * prod, lv.theory().get(Obs.G4).get(1), 1e-12, "G4");
      rel(3 * (prod - 1) + 1, lv.theory().get(Obs.kurtosis).get(1) + 1, 1e-12, "kurtosis");
      assertFalse(lv.theory().containsKey(Obs.G6));
      assertEquals(4, lv.theory().get(Obs.V_over_nK2).rank());
    }
    // deep linear G4/G6
    NetworkSpec lin = new NetworkSpec(2, widths, Activations.linear(), new double[4], new double[] {1, 2, 0.5, 1},
        new double[] {1, 1, 1, 1}, new double[] {1, 1, 1, 1});
    LayerValues l4 = Predictions.compute(lin, in).layers().get(3);
    double k = l4.theory().get(Obs.K).get(0, 0);
    double c4 = (1 + 2.0 / 16) * (1 + 2.0 / 64) * (1 + 2.0 / 32);
    double c6 = (1 + 2.0 / 16) * (1 + 4.0 / 16) * (1 + 2.0 / 64) * (1 + 4.0 / 64) * (1 + 2.0 / 32) * (1 + 4.0 / 32);
    rel(c4 * k * k, l4.theory().get(Obs.G4).get(0), 1e-12, "G4 linear");
    rel(c6 * k * k * k, l4.theory().get(Obs.G6).get(0), 1e-12, "G6 linear");
    rel(Math.pow(c6, 1), DeepLinear.g2m(3, new int[] {16, 64, 32}, 1), 1e-14, "DeepLinear");
    // step: no NTK, a note
    TheoryResult s = Predictions.compute(NetworkSpec.uniform(2, 8, 3, Activations.step(), 0.1, 1, 1, 1), in);
    assertFalse(s.layers().get(2).theory().containsKey(Obs.Theta));
    assertTrue(s.layers().get(2).theory().containsKey(Obs.G1));
    assertTrue(s.notes().stream().anyMatch(n -> n.contains("Dirac")), s.notes().toString());
    assertNull(TheoryEngine.layers(NetworkSpec.uniform(2, 8, 3, Activations.step(), 0.1, 1, 1, 1), in)
        .layers().get(0).theta());
  }

  @Test
  void zeroInputIsASpecError() {
    NetworkSpec spec = NetworkSpec.uniform(2, 8, 3, Activations.tanh(), 0, 1, 1, 1);
    SpecException e = assertThrows(SpecException.class,
        () -> Predictions.compute(spec, new Inputs(new double[][] {{1, 0}, {0, 0}})));
    assertEquals("--inputs", e.field());
  }
}

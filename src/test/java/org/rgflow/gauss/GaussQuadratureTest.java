package org.rgflow.gauss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.act.ScaleInvariant;

/**
 * Closed-form checks of {@link GaussQuadrature}. Run: {@code mvn -q -B test -Dtest=GaussQuadratureTest}.
 *
 * <p>Tolerance policy: d ≤ 2 must be exact to relative 1e-9 (the engine's accuracy bar; observed
 * errors are ~1e-13); d = 3, 4 use the coarser documented rules and are held to 1e-6 relative.
 */
class GaussQuadratureTest {
  static final double TOL_2D = 1e-9;
  static final double TOL_4D = 1e-6;
  static final double[] SCALES = {0.01, 0.3, 1, 7, 100};
  static final double[] RHOS = {-0.999999, -0.9, -0.3, 0, 0.4, 0.95, 0.999999};

  static void rel(double expected, double actual, double tol, String what) {
    double err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
    assertTrue(err <= tol || (expected == 0 && Math.abs(actual) <= 1e-15),
        what + ": expected " + expected + " got " + actual + " rel err " + err);
  }

  /** π − ψ for cos ψ = ρ, computed without cancellation. */
  static double eps(double rho) {
    return Math.atan2(Math.sqrt((1 - rho) * (1 + rho)), -rho);
  }

  /** J(ρ) = sin ψ + (π − ψ) cos ψ = sin ε − ε cos ε (series for small ε, where it cancels). */
  static double arcJ(double rho) {
    double e = eps(rho);
    if (e < 0.1) {
      double e2 = e * e;
      return e * e2 * (1.0 / 3 - e2 / 30 + e2 * e2 / 840 - e2 * e2 * e2 / 45360);
    }
    return Math.sin(e) - e * Math.cos(e);
  }

  static double[][] cov(double k11, double k22, double rho) {
    double k12 = rho * Math.sqrt(k11 * k22);
    return new double[][] {{k11, k12}, {k12, k22}};
  }

  /** σ1σ2, σ′1σ′2 of an activation on a 2×2 covariance. */
  static double[] pair(Activation act, double[][] k) {
    GaussQuadrature q = new GaussQuadrature(act.kinks());
    return q.expect(k, 2, (z, o) -> {
      o[0] = act.value(z[0]) * act.value(z[1]);
      o[1] = act.d1(z[0]) * act.d1(z[1]);
    });
  }

  @Test
  void reluArcCosineKernels() {
    Activation relu = Activations.relu();
    for (double a : SCALES) {
      for (double b : SCALES) {
        for (double rho : RHOS) {
          double[][] k = cov(a, b, rho);
          double s = Math.sqrt(a * b);
          double e1 = s / (2 * Math.PI) * arcJ(rho);
          double e2 = eps(rho) / (2 * Math.PI);
          double[] r = pair(relu, k);
          rel(e1, r[0], TOL_2D, "relu <s1s2> K=" + a + "," + b + " rho=" + rho);
          rel(e2, r[1], TOL_2D, "relu <s'1s'2> rho=" + rho);
        }
      }
      // 1D: <σ²> = K/2, <σ⁴> = 3K²/2
      GaussQuadrature q = new GaussQuadrature(relu.kinks());
      double[] r = q.expect(new double[][] {{a}}, 2, (z, o) -> {
        double s = relu.value(z[0]);
        o[0] = s * s;
        o[1] = s * s * s * s;
      });
      rel(a / 2, r[0], TOL_2D, "relu <s^2>");
      rel(1.5 * a * a, r[1], TOL_2D, "relu <s^4>");
    }
  }

  @Test
  void leakyReluAndScaleInvariantMoments() {
    for (double slope : new double[] {0.01, 0.2, -0.5}) {
      Activation act = Activations.leakyRelu(slope);
      double[] sl = act.scaleInvariantSlopes();
      double ap = sl[0];
      double am = sl[1];
      for (double rho : RHOS) {
        double[][] k = cov(0.3, 7, rho);
        // sin ψ + (π/2 − ψ) cos ψ = J(ρ) − (π/2) ρ
        double e = Math.pow((ap + am) / 2, 2) * k[0][1] + Math.pow((ap - am) / 2, 2) * 2 / Math.PI
            * Math.sqrt(0.3 * 7) * (arcJ(rho) - Math.PI / 2 * rho);
        rel(e, pair(act, k)[0], TOL_2D, "leaky <s1s2> rho=" + rho);
      }
      double a2 = ScaleInvariant.a2(sl);
      double a4 = ScaleInvariant.a4(sl);
      for (double kk : SCALES) {
        double[] r = new GaussQuadrature(act.kinks()).expect(new double[][] {{kk}}, 5, (z, o) -> {
          double s = act.value(z[0]);
          double d = act.d1(z[0]);
          o[0] = s * s * s * s;
          o[1] = z[0] * z[0] * s * s;
          o[2] = d * d * s * s;
          o[3] = z[0] * s * d;
          o[4] = d * d * d * d;
        });
        rel(3 * a4 * kk * kk, r[0], TOL_2D, "<s^4>");
        rel(3 * a2 * kk * kk, r[1], TOL_2D, "<z^2 s^2>");
        rel(a4 * kk, r[2], TOL_2D, "<s'^2 s^2>");
        rel(a2 * kk, r[3], TOL_2D, "<z s s'>");
        rel(a4, r[4], TOL_2D, "<s'^4>");
      }
    }
  }

  @Test
  void stepIsOrderZeroArcCosine() {
    Activation step = Activations.step();
    for (double rho : RHOS) {
      double e = eps(rho) / (2 * Math.PI);
      rel(e, pair(step, cov(0.01, 100, rho))[0], TOL_2D, "step rho=" + rho);
    }
  }

  @Test
  void erfKernel() {
    Activation erf = Activations.erf();
    for (double a : SCALES) {
      for (double rho : RHOS) {
        double[][] k = cov(a, 2.5, rho);
        double e = 2 / Math.PI * Math.asin(2 * k[0][1] / Math.sqrt((1 + 2 * a) * (1 + 5)));
        rel(e, pair(erf, k)[0], TOL_2D, "erf K11=" + a + " rho=" + rho);
      }
    }
  }

  @Test
  void polynomialMoments() {
    GaussQuadrature q = new GaussQuadrature(null);
    for (double kk : SCALES) {
      double[] r = q.expect(new double[][] {{kk}}, 4, (z, o) -> {
        double z2 = z[0] * z[0];
        o[0] = z2;
        o[1] = z2 * z2;
        o[2] = z2 * z2 * z2;
        o[3] = z2 * z2 * z2 * z2;
      });
      double[] dbl = {1, 3, 15, 105};
      for (int m = 1; m <= 4; m++) {
        rel(dbl[m - 1] * Math.pow(kk, m), r[m - 1], TOL_2D, "E z^" + 2 * m);
      }
      for (double rho : RHOS) {
        double[][] k = cov(kk, 3.3, rho);
        double e = k[0][0] * k[1][1] + 2 * k[0][1] * k[0][1];
        rel(e, q.expect(k, 1, (z, o) -> o[0] = z[0] * z[0] * z[1] * z[1])[0], TOL_2D, "E z1^2 z2^2");
      }
    }
  }

  @Test
  void degenerateCovariancesDoNotCrash() {
    Activation relu = Activations.relu();
    // identical inputs: <σ1σ2> = <σ²> = K/2, <σ'σ'> = 1/2
    double[] r = pair(relu, new double[][] {{2, 2}, {2, 2}});
    rel(1.0, r[0], TOL_2D, "identical");
    rel(0.5, r[1], TOL_2D, "identical d1");
    // anti-parallel: <relu(z) relu(-z)> = 0
    r = pair(relu, new double[][] {{2, -2}, {-2, 2}});
    assertEquals(0, r[0], 1e-15);
    // zero variance in one slot: z2 ≡ 0
    r = pair(Activations.tanh(), new double[][] {{2, 0}, {0, 0}});
    assertEquals(0, r[0], 0);
    // rank 2 in 3 dimensions, z3 = z1 + z2: E[relu(z3) relu(z1)] exact through kink splitting
    double[][] k3 = {{1, 0, 1}, {0, 1, 1}, {1, 1, 2}};
    double[] e = new GaussQuadrature(relu.kinks()).expect(k3, 1,
        (z, o) -> o[0] = relu.value(z[0]) * relu.value(z[2]));
    double rho = 1 / Math.sqrt(2);
    double psi = Math.acos(rho);
    double exact = Math.sqrt(2) / (2 * Math.PI) * (Math.sin(psi) + (Math.PI - psi) * rho);
    rel(exact, e[0], TOL_4D, "rank-deficient 3D relu");
  }

  @Test
  void fourPointFunctions() {
    double[][] k = {{1.0, 0.3, -0.2, 0.5}, {0.3, 2.0, 0.4, 0.1}, {-0.2, 0.4, 0.7, 0.2}, {0.5, 0.1, 0.2, 1.5}};
    GaussQuadrature q = new GaussQuadrature(null);
    double e = k[0][1] * k[2][3] + k[0][2] * k[1][3] + k[0][3] * k[1][2];
    rel(e, q.expect(k, 1, (z, o) -> o[0] = z[0] * z[1] * z[2] * z[3])[0], TOL_4D, "Wick 4D");
    double[][] k3 = {{1.0, 0.3, -0.2}, {0.3, 2.0, 0.4}, {-0.2, 0.4, 0.7}};
    double e3 = k3[0][0] * k3[1][2] + 2 * k3[0][1] * k3[0][2];
    rel(e3, q.expect(k3, 1, (z, o) -> o[0] = z[0] * z[0] * z[1] * z[2])[0], TOL_4D, "Wick 3D");
    // relu four-point with two coincident pairs vs the 2D reduction (z1=z3, z2=z4 by construction)
    Activation relu = Activations.relu();
    double[][] k2 = cov(1.3, 0.6, 0.35);
    double[][] k4 = {
        {k2[0][0], k2[0][1], k2[0][0], k2[0][1]},
        {k2[1][0], k2[1][1], k2[1][0], k2[1][1]},
        {k2[0][0], k2[0][1], k2[0][0], k2[0][1]},
        {k2[1][0], k2[1][1], k2[1][0], k2[1][1]}};
    GaussQuadrature qr = new GaussQuadrature(relu.kinks());
    double two = qr.expect(k2, 1, (z, o) -> {
      double a = relu.value(z[0]);
      double b = relu.value(z[1]);
      o[0] = a * a * b * b;
    })[0];
    double four = qr.expect(k4, 1, (z, o) -> o[0] = relu.value(z[0]) * relu.value(z[1])
        * relu.value(z[2]) * relu.value(z[3]))[0];
    rel(two, four, TOL_4D, "relu 4-point degenerate reduction");
    // genuinely 4D relu product vs a tanh-free identity: E[relu(z1)...relu(z4)] with z4 independent
    // of the rest factorises into E[relu relu relu] * E[relu(z4)]
    double[][] kf = {{1.0, 0.3, -0.2, 0}, {0.3, 2.0, 0.4, 0}, {-0.2, 0.4, 0.7, 0}, {0, 0, 0, 1.5}};
    double full = qr.expect(kf, 1, (z, o) -> o[0] = relu.value(z[0]) * relu.value(z[1])
        * relu.value(z[2]) * relu.value(z[3]))[0];
    double[][] kt = {{1.0, 0.3, -0.2}, {0.3, 2.0, 0.4}, {-0.2, 0.4, 0.7}};
    double three = qr.expect(kt, 1, (z, o) -> o[0] = relu.value(z[0]) * relu.value(z[1])
        * relu.value(z[2]))[0];
    rel(three * Math.sqrt(1.5 / (2 * Math.PI)), full, TOL_4D, "relu 4D factorisation");
  }
}

package org.rgflow.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The derivation behind {@link AspectRatio} checked by direct integration: for m isotropic neurons
 * with density p = p_G (1 + (v/8) H(|z|²)), H(u) = u² − 2(m+2)u + m(m+2) (exact variance, connected
 * four-point function v(δδ + δδ + δδ)), the entropy deficit D_m(v) = E_G[(1+ε) ln(1+ε)] is
 * integrated over u = |z|² ~ χ²_m (Simpson in t = √u, 80000 panels), the mutual information
 * I = D_{a+b} − D_a − D_b of two groups computed at v = 0.00025 … 0.004 (five values), and its coefficients
 * of v² and v³ extracted (I/v² fitted by a quartic) must equal ab/8 and −ab(3(a+b)+20)/48 to
 * 1e-6 and 1e-3 relative (seen: 5e-9, 2e-5); the optimum −2c₂/(3c₃) then equals 4/(20 + 3(a+b)) to 1e-3, and the
 * secondary source's r* = 4/((20 + 3n_L)ν): relu (ν = 5) n_L = 1: 0.0348, tanh (ν = 2/3): 0.261.
 */
class AspectRatioTest {

  /** E_G[(1+ε) ln(1+ε)] for m neurons. */
  static double deficit(int m, double v) {
    int steps = 80000;
    double tMax = 16;
    double h = tMax / steps;
    double norm = 2 / (Math.pow(2, m / 2.0) * gamma(m / 2.0));
    double s = 0;
    for (int k = 0; k <= steps; k++) {
      double t = k * h;
      double u = t * t;
      double eps = v / 8 * (u * u - 2 * (m + 2) * u + m * (m + 2.0));
      double f = (1 + eps) * Math.log1p(eps) * norm * Math.pow(t, m - 1) * Math.exp(-u / 2);
      double w = k == 0 || k == steps ? 1 : (k % 2 == 1 ? 4 : 2);
      s += w * f;
    }
    return s * h / 3;
  }

  /** Γ(x) for x a multiple of 1/2. */
  static double gamma(double x) {
    if (x == 0.5) {
      return Math.sqrt(Math.PI);
    }
    if (x == 1) {
      return 1;
    }
    return (x - 1) * gamma(x - 1);
  }

  static double info(int a, int b, double v) {
    return deficit(a + b, v) - deficit(a, v) - deficit(b, v);
  }

  @ParameterizedTest(name = "groups {0} and {1}")
  @CsvSource({"1, 1", "1, 2", "2, 3", "1, 5"})
  void informationCoefficientsMatchTheDerivation(int a, int b) {
    double[] vs = {0.00025, 0.0005, 0.001, 0.002, 0.004};
    int k = vs.length;
    double[][] m = new double[k][k + 1];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        m[i][j] = Math.pow(vs[i], j);
      }
      m[i][k] = info(a, b, vs[i]) / (vs[i] * vs[i]);
    }
    double[] c = solve(m);  // I/v² = c2 + c3 v + c4 v² + ... (c[0] = c2, c[1] = c3)
    double c2 = c[0];
    double c3 = c[1];
    double want2 = a * b / 8.0;
    double want3 = -a * b * (3.0 * (a + b) + 20) / 48;
    System.out.printf("[AspectRatioTest] groups %d+%d: c2 %.6f (want %.6f), c3 %.5f (want %.5f),"
        + " v* %.5f (4/(20+3n_L) = %.5f)%n", a, b, c2, want2, c3, want3, -2 * c2 / (3 * c3),
        AspectRatio.vStar(a + b));
    assertEquals(want2, c2, 1e-6 * want2);
    assertEquals(want3, c3, 1e-3 * Math.abs(want3));
    assertEquals(AspectRatio.vStar(a + b), -2 * c2 / (3 * c3), 1e-3 * AspectRatio.vStar(a + b));
    assertEquals(want2 * vs[1] * vs[1] * (1 - (3.0 * (a + b) + 20) * vs[1] / 6),
        a * b * AspectRatio.information(vs[1], a + b), 1e-15);
  }

  /** Gauss–Jordan with partial pivoting on the augmented k × (k+1) matrix. */
  static double[] solve(double[][] m) {
    int k = m.length;
    for (int col = 0; col < k; col++) {
      int piv = col;
      for (int r = col + 1; r < k; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
          piv = r;
        }
      }
      double[] t = m[col];
      m[col] = m[piv];
      m[piv] = t;
      for (int r = 0; r < k; r++) {
        if (r != col) {
          double f = m[r][col] / m[col][col];
          for (int j = col; j <= k; j++) {
            m[r][j] -= f * m[col][j];
          }
        }
      }
    }
    double[] x = new double[k];
    for (int i = 0; i < k; i++) {
      x[i] = m[i][k] / m[i][i];
    }
    return x;
  }

  @org.junit.jupiter.api.Test
  void secondarySourceNumbers() {
    assertEquals(4.0 / 115, AspectRatio.rStar(1, 5), 1e-15);
    assertEquals(0.0348, AspectRatio.rStar(1, 5), 5e-5);
    assertEquals(0.2609, AspectRatio.rStar(1, 2.0 / 3), 5e-5);
    double v = AspectRatio.vStar(3);
    assertEquals(0, AspectRatio.informationSlope(v, 3), 1e-15);
  }
}

package org.rgflow.rng;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The contract's ln / sin 2πu / cos 2πu against java.lang.Math on every kind of contract uniform
 * (extremes, quadrant boundaries, 10^6 pseudo-random ones). Run: {@code mvn -q test -Dtest=GaussMathTest}.
 */
class GaussMathTest {
  private static void check(int x) {
    double u = InitRng.uniform(x);
    double ln = GaussMath.ln(u);
    double ref = Math.log(u);
    // 2 ulp of the result: Math.log is itself within 1 ulp of exact.
    assertTrue(Math.abs(ln - ref) <= 2 * Math.ulp(ref), () -> "ln(" + u + ")=" + ln + " vs " + ref);
    // 2πu in double carries an absolute rounding of ~ulp(2π) ≈ 9e-16 into Math.sin's argument.
    double tol = 2e-15;
    double s = GaussMath.sin2pi(u);
    double c = GaussMath.cos2pi(u);
    assertTrue(Math.abs(s - Math.sin(2 * Math.PI * u)) <= tol, () -> "sin2pi(" + u + ")=" + s);
    assertTrue(Math.abs(c - Math.cos(2 * Math.PI * u)) <= tol, () -> "cos2pi(" + u + ")=" + c);
    assertTrue(Math.abs(s * s + c * c - 1) <= 1e-15, () -> "s²+c² at " + u);
  }

  @Test
  void agreesWithMath() {
    int[] special = {0, 1, 2, -1, -2, 0x7fffffff, 0x80000000, 0x3fffffff, 0x40000000, 0xbfffffff,
        0xc0000000, 0x1fffffff, 0x20000000, 0x5fffffff, 0x60000000, 0x9fffffff, 0xa0000000,
        0xdfffffff, 0xe0000000, 0x6a09e667, 0xb504f333};
    for (int x : special) {
      check(x);
    }
    int[] out = new int[4];
    for (int c = 0; c < 250_000; c++) {
      Philox4x32.block(c, 0, 0, 0, 12345, 678, out);
      for (int x : out) {
        check(x);
      }
    }
  }
}

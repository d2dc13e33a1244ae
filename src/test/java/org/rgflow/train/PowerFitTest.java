package org.rgflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Exact data give the exact slope; the slope error matches the closed form for equal weights. */
class PowerFitTest {
  @Test
  void exactPowerLaw() {
    double[] n = {64, 256, 1024, 4096};
    double[] d = new double[4];
    double[] se = new double[4];
    for (int i = 0; i < 4; i++) {
      d[i] = -3.0 / n[i];
      se[i] = 0.1 * Math.abs(d[i]);
    }
    PowerFit f = PowerFit.fit(n, d, se);
    assertEquals(-1, f.slope(), 1e-12);
    assertEquals(3, f.amplitude(), 1e-9);
    assertEquals(0, f.chi2(), 1e-18);
    // equal weights 1/0.1²: var(p) = σ²/Σ(x − x̄)², x = log n spaced by log 4
    double l4 = Math.log(4);
    double sxx = l4 * l4 * (2.25 + 0.25 + 0.25 + 2.25);
    assertEquals(Math.sqrt(0.01 / sxx), f.slopeErr(), 1e-12);
  }
}

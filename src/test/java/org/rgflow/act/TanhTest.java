package org.rgflow.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TanhTest {
  /** Within 4 ulp of fdlibm's tanh at 10⁶ log-uniform points of both signs, 1e-300 … 40. */
  @Test
  void agreesWithStrictMathToFourUlp() {
    SplittableRandom r = new SplittableRandom(7);
    double worst = 0;
    double at = 0;
    for (int i = 0; i < 1_000_000; i++) {
      double mag = Math.pow(10, -300 + 301.6 * r.nextDouble());
      if (i % 2 == 0) {
        mag = 2.5 * r.nextDouble(); // dense where both branches and the switch live
      }
      double z = r.nextBoolean() ? mag : -mag;
      double ref = StrictMath.tanh(z);
      double ulps = Math.abs(Tanh.value(z) - ref) / Math.ulp(ref);
      if (ulps > worst) {
        worst = ulps;
        at = z;
      }
    }
    assertTrue(worst <= 4, "worst " + worst + " ulp at z = " + at);
  }

  @Test
  void specialValues() {
    assertEquals(0.0, Tanh.value(0.0));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Tanh.value(-0.0)));
    assertEquals(1.0, Tanh.value(Double.POSITIVE_INFINITY));
    assertEquals(-1.0, Tanh.value(Double.NEGATIVE_INFINITY));
    assertEquals(-1.0, Tanh.value(-1e300));
    assertTrue(Double.isNaN(Tanh.value(Double.NaN)));
    assertEquals(Double.MIN_VALUE, Tanh.value(Double.MIN_VALUE));
    // both sides of the branch switches
    for (double z : new double[] {Math.nextDown(0.3), 0.3, Math.nextDown(20.0), 20.0}) {
      assertEquals(StrictMath.tanh(z), Tanh.value(z), 4 * Math.ulp(StrictMath.tanh(z)), "z = " + z);
    }
  }
}

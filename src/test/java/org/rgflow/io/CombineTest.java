package org.rgflow.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;

/** The measured G1 and z-scores. Run: {@code mvn -B test -Dtest=CombineTest}. */
class CombineTest {
  private static final double EPS = 1e-12;

  private static Tensor scalar(double v) {
    Tensor t = new Tensor(1, 2);
    t.setFlat(0, v);
    return t;
  }

  @Test
  void measuredG1IsWidthTimesShiftFromInfiniteWidthKernel() {
    LayerValues lv = new LayerValues(3);
    lv.value().put(Obs.K, scalar(1.10));
    lv.err().put(Obs.K, scalar(0.02));
    lv.theory().put(Obs.K, scalar(1.05)); // = K∞ + G1/n with K∞ = 1.0, G1 = 0.5, n = 10
    lv.theory().put(Obs.G1, scalar(0.5));
    Combine.deriveG1(lv, 10);
    assertEquals(10 * (1.10 - 1.0), lv.value().get(Obs.G1).scalar(), EPS);
    assertEquals(0.2, lv.err().get(Obs.G1).scalar(), EPS);
  }

  @Test
  void noG1WithoutTheory() {
    LayerValues lv = new LayerValues(1);
    lv.value().put(Obs.K, scalar(1.0));
    lv.err().put(Obs.K, scalar(0.1));
    Combine.deriveG1(lv, 4);
    assertFalse(lv.value().containsKey(Obs.G1));
  }

  @Test
  void zScore() {
    assertEquals(-2.0, Combine.zScore(0.8, 0.1, 1.0), EPS);
    assertTrue(Double.isNaN(Combine.zScore(0.8, 0, 1.0)));
    assertTrue(Double.isNaN(Combine.zScore(Double.NaN, 0.1, 1.0)));
  }

  @Test
  void observablesInEnumOrderFromEitherSide() {
    LayerValues lv = new LayerValues(1);
    lv.theory().put(Obs.chi_perp, new Tensor(1, 1));
    lv.value().put(Obs.K, scalar(1));
    assertEquals(List.of(Obs.K, Obs.chi_perp), Combine.observables(lv));
  }
}

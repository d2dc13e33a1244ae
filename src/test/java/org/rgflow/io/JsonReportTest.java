package org.rgflow.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.rgflow.core.Tensor;

/** Tensors in JSON. Run: {@code mvn -B test -Dtest=JsonReportTest}. */
class JsonReportTest {

  @Test
  void nestingFollowsTheTensorsIndexOrder() {
    Tensor t = new Tensor(2, 2);
    t.set(1, 0, 0);
    t.set(2, 0, 1);
    t.set(3, 1, 0);
    assertEquals("[[1.0,2.0],[3.0,null]]", JsonReport.tensor(t).toString());
    Tensor v = new Tensor(2, 4);
    for (int f = 0; f < v.size(); f++) {
      v.setFlat(f, f);
    }
    assertEquals(v.flat(1, 0, 1, 1), JsonReport.tensor(v).get(1).get(0).get(1).get(1).asInt());
  }

  @Test
  void oneInputGivesPlainNumbersAndNonFiniteGivesNull() {
    Tensor t = new Tensor(1, 4);
    t.setFlat(0, 0.25);
    assertEquals("0.25", JsonReport.tensor(t).toString());
    assertEquals("null", JsonReport.number(Double.POSITIVE_INFINITY).toString());
  }
}

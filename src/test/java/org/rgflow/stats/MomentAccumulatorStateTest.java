package org.rgflow.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** writeTo/readFrom (partial states moved between processes, the Spark module) keep every bit. */
class MomentAccumulatorStateTest {
  static MomentAccumulator copy(MomentAccumulator a) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    a.writeTo(new DataOutputStream(b));
    return MomentAccumulator.readFrom(new DataInputStream(new ByteArrayInputStream(b.toByteArray())));
  }

  @Test
  void copyHasTheSameBitsAndMergesToTheSameBits() throws IOException {
    Random r = new Random(5);
    MomentAccumulator a = new MomentAccumulator(4);
    MomentAccumulator base1 = new MomentAccumulator(4);
    MomentAccumulator base2 = new MomentAccumulator(4);
    for (int i = 0; i < 100; i++) {
      double[] x = {r.nextGaussian(), r.nextGaussian() * 1e10, i == 3 ? Double.NaN : r.nextDouble(), i};
      a.add(x);
      if (i < 10) {
        base1.add(x);
        base2.add(x);
      }
    }
    MomentAccumulator c = copy(a);
    assertTrue(a.sameBits(c));
    assertEquals(a.count(), c.count());
    base1.merge(a);
    base2.merge(c);
    assertTrue(base1.sameBits(base2));
    assertTrue(new MomentAccumulator(2).sameBits(copy(new MomentAccumulator(2))));
  }
}

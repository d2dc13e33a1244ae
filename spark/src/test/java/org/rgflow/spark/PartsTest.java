package org.rgflow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.rgflow.stats.MomentAccumulator;

/** The pieces of the jobs that need no Spark context: ranges, partial states, the GPU binding. */
class PartsTest {
  @Test
  void rangesCoverTheEnsembleOnBlockBoundaries() {
    for (long e : new long[] {1, 63, 64, 65, 1000, 100000}) {
      for (int t : new int[] {1, 3, 7, 64}) {
        List<Ranges.Range> r = Ranges.split(e, t);
        assertEquals(t, r.size());
        long next = 0;
        for (Ranges.Range x : r) {
          assertEquals(next, x.first(), "E=" + e + " T=" + t);
          assertEquals(0, x.first() % 64);
          next += x.count();
        }
        assertEquals(e, next);
      }
    }
  }

  @Test
  void partialRoundTripMergesToTheSameBits() {
    Random rnd = new Random(3);
    MomentAccumulator[] a = {new MomentAccumulator(3), new MomentAccumulator(3)};
    for (int i = 0; i < 50; i++) {
      for (MomentAccumulator m : a) {
        m.add(new double[] {rnd.nextGaussian(), rnd.nextDouble(), i == 7 ? Double.NaN : i});
      }
    }
    Partial p = new Partial(128, 50, List.<MomentAccumulator[]>of(a), -1, 0, "dev", "cpu",
        List.of("n1", "n2"));
    Partial q = Partial.decode(p.encode());
    assertEquals(128, q.first());
    assertEquals(List.of("n1", "n2"), q.notes());
    for (int l = 0; l < 2; l++) {
      assertTrue(a[l].sameBits(q.blocks().get(0)[l]));
      MomentAccumulator x = new MomentAccumulator(3);
      MomentAccumulator y = new MomentAccumulator(3);
      x.add(new double[] {1, 2, 3});
      y.add(new double[] {1, 2, 3});
      x.merge(a[l]);
      y.merge(q.blocks().get(0)[l]);
      assertTrue(x.sameBits(y));
    }
  }

  @Test
  void emptyTotalSurvivesTheWireAndTakesTheFirstRangesDevice() {
    Partial t = Partial.decode(Partial.empty().encode());
    MomentAccumulator[] a = {new MomentAccumulator(1)};
    a[0].add(new double[] {2});
    Partial next = new Partial(0, 1, List.<MomentAccumulator[]>of(a), -1, 0, "dev", "cpu", List.of());
    Partial sum = t.then(next);
    assertEquals("dev", sum.device());
    assertEquals("cpu", sum.backend());
    assertEquals(1, sum.count());
    assertTrue(a[0].sameBits(sum.blocks().get(0)[0]));
  }

  @Test
  void gpuOrdinalIsTheFirstAssignedAddress() {
    assertEquals(-1, GpuBinding.ordinal(Map.of()));
    assertEquals(-1, GpuBinding.ordinal(null));
    assertEquals(2, GpuBinding.ordinal(Map.of("gpu", new ResourceInformation("gpu",
        new String[] {"2", "3"}))));
    assertThrows(IllegalStateException.class, () -> GpuBinding.ordinal(Map.of("gpu",
        new ResourceInformation("gpu", new String[] {"GPU-uuid"}))));
    // outside a task there is no GPU
    assertEquals(-1, GpuBinding.taskOrdinal());
  }

  @Test
  void bindingSetsTheDevicePropertyWhileTheSourceOpensAndRestoresIt() {
    assertNull(System.getProperty(GpuBinding.PROPERTY));
    String seen = GpuBinding.withDevice(5, () -> System.getProperty(GpuBinding.PROPERTY));
    assertEquals("5", seen);
    assertNull(System.getProperty(GpuBinding.PROPERTY));
  }

  /** Bad input exits 2 with one line, before any Spark context starts. */
  @Test
  void badInputIsOneLineAndExitTwo() {
    String[][] cases = {
        {"sample", "--bogus", "1"}, {"sample", "--width", "0"}, {"sample", "--tasks", "0"},
        {"sweep", "--out"}, {"sweep", "no-such.yaml", "--out", "target/none"}, {"frobnicate"}};
    String[] fields = {"--bogus", "--width", "--tasks", "--out", "FILE", "COMMAND"};
    for (int i = 0; i < cases.length; i++) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = SparkMain.run(cases[i], new PrintWriter(out), new PrintWriter(err, true));
      assertEquals(2, code, String.join(" ", cases[i]));
      String e = err.toString();
      assertTrue(e.startsWith("error: " + fields[i] + ": "), e);
      assertEquals(1, e.lines().count(), e);
    }
  }
}

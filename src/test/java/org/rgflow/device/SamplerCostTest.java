package org.rgflow.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.spec.NetworkSpec;

/**
 * {@code --sampler auto} on the CPU chooses by {@link SamplerCost} and says why with both
 * estimates. The cases are the measured ones (SamplerCost's javadoc; benchmarks/results/
 * exact-2026-12-07-scale.txt: width 16, depth 200 with the NTK, exact 1.5× direct since the joint
 * layout; width 16, depth 16 still direct): a rule that always picks exact, or one that always
 * picks direct, fails here.
 */
class SamplerCostTest {
  private static NetworkSpec relu(int width, int depth) {
    int[] w = NetworkSpec.widths(new int[] {width}, depth, width);
    double[] zero = NetworkSpec.perLayer("--cb", new double[] {0}, depth);
    double[] two = NetworkSpec.perLayer("--cw", new double[] {2}, depth);
    double[] one = NetworkSpec.perLayer("--lambda-b", new double[] {1}, depth);
    return new NetworkSpec(8, w, Activations.parse("relu"), zero, two, one, one);
  }

  private static Backends.Choice auto(int width, int depth, boolean ntk) {
    NetworkSpec s = relu(width, depth);
    return Backends.choose("auto", "cpu", s, SamplerCost.estimate(s, 1, ntk, 4));
  }

  @Test
  void deepNarrowNetworksWithTheNtkGetDirect() {
    for (int[] c : new int[][] {{16, 16}, {16, 30}}) {
      Backends.Choice ch = auto(c[0], c[1], true);
      assertEquals("direct", ch.source().sampler(), c[0] + "x" + c[1]);
      String note = ch.notes().get(ch.notes().size() - 1);
      assertTrue(note.startsWith("sampler auto \u2192 direct: estimated ") && note.contains(" for exact")
          && note.contains("for every pair of layers"), note);
    }
  }

  @Test
  void wideNetworksGetExact() {
    for (int[] c : new int[][] {{256, 6}, {1024, 6}, {256, 20}, {256, 64}}) {
      for (boolean ntk : new boolean[] {true, false}) {
        Backends.Choice ch = auto(c[0], c[1], ntk);
        assertEquals("exact", ch.source().sampler(), c[0] + "x" + c[1] + " ntk " + ntk);
        assertTrue(ch.notes().get(ch.notes().size() - 1).contains(" for direct; valid for every"),
            ch.notes().toString());
      }
    }
  }

  @Test
  void deepNarrowNetworksWithTheNtkGetExactSinceTheJointLayout() {
    // width 16, depth 200 with the NTK: exact 91 networks/s against direct 57 (2 threads)
    Backends.Choice ch = auto(16, 200, true);
    assertEquals("exact", ch.source().sampler(), ch.notes().toString());
  }

  @Test
  void theEstimateFollowsTheMeasuredRatios() {
    // width 16, depth 200: exact 1.5× as fast as direct (joint layout); width 256, depth 64: 20×
    // (per-target layout); width 1024, depth 6: exact 0.42 s, direct 20 s (ratio 1/48). The
    // estimate need only be right within a factor 3.
    SamplerCost deep = SamplerCost.estimate(relu(16, 200), 1, true, 4);
    double r = deep.direct() / deep.exact();
    assertTrue(r > 1.5 / 3.0 && r < 1.5 * 3.0, "ratio " + r);
    SamplerCost mid = SamplerCost.estimate(relu(256, 64), 1, true, 4);
    double p = mid.direct() / mid.exact();
    assertTrue(p > 20 / 3.0 && p < 20 * 3.0, "ratio " + p);
    SamplerCost wide = SamplerCost.estimate(relu(1024, 6), 1, true, 4);
    double q = wide.direct() / wide.exact();
    assertTrue(q > 48 / 3.0 && q < 48 * 3.0, "ratio " + q);
  }
}

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

  private static NetworkSpec smooth(String act, int width, int depth) {
    int[] w = NetworkSpec.widths(new int[] {width}, depth, width);
    double[] zero = NetworkSpec.perLayer("--cb", new double[] {0}, depth);
    double[] one = NetworkSpec.perLayer("--cw", new double[] {1}, depth);
    return new NetworkSpec(8, w, Activations.parse(act), zero, one, one, one);
  }

  private static Backends.Choice auto(int width, int depth, boolean ntk) {
    NetworkSpec s = relu(width, depth);
    return Backends.choose("auto", "cpu", s, SamplerCost.estimate(s, 1, ntk, 4));
  }

  @Test
  void narrowNetworksWhereDirectStillWinsGetDirect() {
    // measured (E = 1000, 2 threads, networks/s exact/direct): relu 16 × 30 with N_D = 4: 0.23
    // (2^4 sign groups per level); tanh 16 × 30 with N_D = 4 (per-neuron sweep, blocks of 16
    // vectors; CPU s per network on 1 thread, sampler-auto-2026-12-07.txt): direct/exact 0.60
    NetworkSpec relu = relu(16, 30);
    Backends.Choice four = Backends.choose("auto", "cpu", relu, SamplerCost.estimate(relu, 4, true, 4));
    NetworkSpec tanh = smooth("tanh", 16, 30);
    Backends.Choice smooth = Backends.choose("auto", "cpu", tanh, SamplerCost.estimate(tanh,
        4, true, 4));
    for (Backends.Choice ch : new Backends.Choice[] {four, smooth}) {
      assertEquals("direct", ch.source().sampler(), ch.notes().toString());
      String note = ch.notes().get(ch.notes().size() - 1);
      assertTrue(note.startsWith("sampler auto \u2192 direct: estimated ") && note.contains(" for exact")
          && note.contains("for every pair of layers"), note);
    }
  }

  @Test
  void smoothNetworksWhereTheSharedNoiseMadeExactFasterGetExact() {
    // per-neuron sweep with one set of noise rows per level (docs/EXACT_SAMPLER.md §2c), measured
    // side by side (benchmarks/results/sampler-auto-2026-12-07.txt, CPU s per network, 1 thread,
    // direct/exact): tanh 16 × 30: 1.44 and 1.57 (two runs; the model before the shared rows picked
    // direct), tanh 16 × 8 with N_D = 2: 1.42 and 1.48, tanh 64 × 50: 8.6 and 7.7, tanh 256 × 20
    // with N_D = 2: 31 and 32, gelu 1024 × 8: 64 and 57
    Object[][] cases = {{"tanh", 16, 30, 1}, {"tanh", 16, 8, 2}, {"tanh", 64, 50, 1},
        {"tanh", 256, 20, 2}, {"gelu", 1024, 8, 1}};
    for (Object[] c : cases) {
      NetworkSpec s = smooth((String) c[0], (int) c[1], (int) c[2]);
      Backends.Choice ch = Backends.choose("auto", "cpu", s, SamplerCost.estimate(s, (int) c[3], true,
          4));
      assertEquals("exact", ch.source().sampler(), java.util.Arrays.toString(c) + " " + ch.notes());
    }
  }

  /** The exact estimate's NTK part (with the NTK minus without) for tanh at N_D = 2. */
  private static double ntkPart(int width, int depth) {
    NetworkSpec s = smooth("tanh", width, depth);
    return SamplerCost.estimate(s, 2, true, 4).exact() - SamplerCost.estimate(s, 2, false, 4).exact();
  }

  @Test
  void thePerNeuronSweepsNoiseIsChargedPerLevelNotPerPairOfLayers() {
    // The part of the exact sampler's NTK cost that grows with the width (width 1024 minus width
    // 16, N_D = 2, m = 4): from depth 8 to 32 the (target, level) pairs below the top grow 28 → 496
    // (×17.7), the levels 7 → 31 (×4.4). Measured (tanh, CPU s per network on 1 thread, with the
    // NTK minus without, sampler-auto-2026-12-07.txt): 0.725 ms at depth 8, 7.78 ms at depth 32,
    // ×10.7: the noise rows go per level, the Grams and combinations over n still per pair. With
    // the noise charged per pair (the model before the shared rows) the estimate gave ×22.
    double ratio = (ntkPart(1024, 32) - ntkPart(16, 32)) / (ntkPart(1024, 8) - ntkPart(16, 8));
    assertTrue(ratio > 31.0 / 7 && ratio < 496.0 / 28, "ratio " + ratio);
    assertTrue(ratio > 10.7 / 1.5 && ratio < 10.7 * 1.5, "ratio " + ratio + " against 10.7 measured");
  }

  @Test
  void theSmoothEstimateFollowsTheMeasuredRatios() {
    // direct/exact, CPU s per network on 1 thread, side by side (sampler-auto-2026-12-07.txt):
    // tanh 64 × 50: 8.6 and 7.7; tanh 256 × 20, N_D = 2: 31 and 32; gelu 1024 × 8: 64 and 57;
    // tanh 16 × 100: 1.16 and 1.15. Within a factor 3, like the relu ones.
    Object[][] cases = {{"tanh", 64, 50, 1, 8.6}, {"tanh", 256, 20, 2, 31.0},
        {"gelu", 1024, 8, 1, 64.0}, {"tanh", 16, 100, 1, 1.2}};
    for (Object[] c : cases) {
      SamplerCost e = SamplerCost.estimate(smooth((String) c[0], (int) c[1], (int) c[2]), (int) c[3],
          true, 4);
      double q = e.direct() / e.exact();
      double m = (double) c[4];
      assertTrue(q > m / 3 && q < m * 3, java.util.Arrays.toString(c) + ": ratio " + q);
    }
  }

  @Test
  void wideNetworksGetExact() {
    for (int[] c : new int[][] {{256, 6}, {1024, 6}, {256, 20}, {256, 64}, {16, 16}, {16, 30}}) {
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
    // width 1024, depth 6 (E = 60, 2 threads): exact 2229 networks/s, direct 10.6 (ratio 211);
    // width 16, depth 200 (C_W = 2, E = 2000): 912.5 against 239.2 (3.8). The estimate need only
    // be right within a factor 3.
    SamplerCost wide = SamplerCost.estimate(relu(1024, 6), 1, true, 4);
    double q = wide.direct() / wide.exact();
    assertTrue(q > 211 / 3.0 && q < 211 * 3.0, "ratio " + q);
    SamplerCost deep = SamplerCost.estimate(relu(16, 200), 1, true, 4);
    double r = deep.direct() / deep.exact();
    assertTrue(r > 3.8 / 3.0 && r < 3.8 * 3.0, "ratio " + r);
  }

  @Test
  void theExactEstimateFollowsTheMeasuredTimes() {
    // seconds per network and thread of the exact sampler with the NTK, m = 4, measured on the
    // 2-core machine (networks/s on 2 threads: 16 × 200 912.5, 256 × 64 422.1, 1024 × 6 2229,
    // 256 × 6 8252), within a factor 3. (The direct model's backward term overstates deep
    // networks: at 256 × 64 it gives 0.47 s against 0.098 s measured.)
    int[][] shapes = {{16, 200}, {256, 64}, {1024, 6}, {256, 6}};
    double[] perSecond = {912.5, 422.1, 2229, 8252};
    for (int i = 0; i < shapes.length; i++) {
      double measured = 2 / perSecond[i];
      double est = SamplerCost.estimate(relu(shapes[i][0], shapes[i][1]), 1, true, 4).exact();
      assertTrue(est > measured / 3 && est < measured * 3,
          shapes[i][0] + "x" + shapes[i][1] + ": " + est + " s against " + measured);
    }
  }
}

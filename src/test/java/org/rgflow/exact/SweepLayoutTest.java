package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The two layouts of the Gram sweep (docs/EXACT_SAMPLER.md §2c): one sweep per target layer and
 * the joint sweep over a compressed basis. Each against the direct sampler and against each other,
 * |a − b| ≤ 3·√(SE_a² + SE_b²) on every entry of every layer (fixed seeds; E, widths, N_D and m
 * named in each test), and the automatic choice on the benchmark shapes.
 */
class SweepLayoutTest {
  private static void assertAgree(String what, EnsembleResult a, EnsembleResult b, int maxLayer) {
    Agreement.Outcome f = Agreement.compare(a, b, Agreement.FORWARD, Agreement.K, maxLayer);
    Agreement.Outcome t = Agreement.compare(a, b, Agreement.NTK, Agreement.K, maxLayer);
    List<String> all = new ArrayList<>(f.failures());
    all.addAll(t.failures());
    int n = f.compared() + t.compared();
    String head = String.format("%s (k = 3, %d entries, max |z| = %.2f, rms z = %.2f)", what, n,
        Math.max(f.maxZ(), t.maxZ()), Math.sqrt((f.sumZ2() + t.sumZ2()) / Math.max(1, n)));
    System.out.println("[sweep layout] " + head);
    assertTrue(n > 0, head);
    assertTrue(all.isEmpty(), head + ":\n  " + String.join("\n  ", all));
  }

  @Test
  void jointSweepAgreesWithDirectNarrowDeep() {
    // width 8, depth 6, N_D = 2, m = 3: 3·(7 − ℓ') targets per input alive, so from level 3 down
    // the basis is capped by the width (compression drops dependent candidates). Deeper than
    // ℓ/n ≈ 1 the forward V's estimates are dominated by rare networks (width 6, depth 10 gives
    // |z| = 3.5 on V/nK² at layer 9 for the forward pass alone, which no layout touches).
    NetworkSpec spec = Agreement.spec(4, new int[] {8, 8, 8, 8, 8, 8}, Activations.parse("relu"), 0,
        2);
    Inputs in = ExactVsDirectTest.inputs(4, 2, 31);
    EnsembleResult joint = Agreement.exactLayout(spec, in, 6000, 41, 3, ExactNetwork.JOINT);
    EnsembleResult direct = Agreement.direct(spec, in, 6000, 42, true, 3);
    assertAgree("joint vs direct, relu width 8 depth 6 N_D=2 m=3, E = 6000 each", joint, direct,
        Integer.MAX_VALUE);
  }

  @Test
  void jointSweepAgreesWithPerTargetSweeps() {
    // leaky relu with bias, unequal widths, N_D = 3, m = 2, E = 5000 each
    NetworkSpec spec = Agreement.spec(5, new int[] {7, 5, 9, 6, 8, 5, 7},
        Activations.parse("leaky_relu(0.2)"), 0.1, 1.8);
    Inputs in = ExactVsDirectTest.inputs(5, 3, 32);
    EnsembleResult joint = Agreement.exactLayout(spec, in, 5000, 43, 2, ExactNetwork.JOINT);
    EnsembleResult per = Agreement.exactLayout(spec, in, 5000, 44, 2, ExactNetwork.PER_TARGET);
    assertAgree("joint vs per-target, leaky relu widths 7,5,9,6,8,5,7 N_D=3 m=2 C_b=0.1, E = 5000"
        + " each", joint, per, Integer.MAX_VALUE);
  }

  @Test
  void perTargetSweepsAgreeWithDirect() {
    NetworkSpec spec = Agreement.spec(4, new int[] {24, 24, 24, 24, 24, 24},
        Activations.parse("relu"), 0, 2);
    Inputs in = ExactVsDirectTest.inputs(4, 2, 33);
    EnsembleResult per = Agreement.exactLayout(spec, in, 4000, 45, 3, ExactNetwork.PER_TARGET);
    EnsembleResult direct = Agreement.direct(spec, in, 4000, 46, true, 3);
    assertAgree("per-target vs direct, relu width 24 depth 6 N_D=2 m=3, E = 4000 each", per, direct,
        Integer.MAX_VALUE);
  }

  @Test
  void automaticLayoutOnTheBenchmarkShapes() {
    Inputs one = ExactVsDirectTest.inputs(8, 1, 1);
    Inputs two = ExactVsDirectTest.inputs(8, 2, 1);
    NetworkSpec narrow = NetworkSpec.uniform(8, 16, 200, Activations.parse("relu"), 0, 2, 1, 1);
    NetworkSpec wide = NetworkSpec.uniform(8, 256, 64, Activations.parse("relu"), 0, 2, 1, 1);
    NetworkSpec big = NetworkSpec.uniform(8, 1024, 8, Activations.parse("relu"), 0, 2, 1, 1);
    assertTrue(new ExactNetwork(narrow, one, 1, 4).joint(), "16 × 200: joint");
    assertFalse(new ExactNetwork(wide, one, 1, 4).joint(), "256 × 64: per target");
    assertFalse(new ExactNetwork(big, two, 1, 4).joint(), "1024 × 8: per target");
  }

  @Test
  @Tag("slow")
  void deepShapesAgreeWithDirect() {
    // relu C_W = 2, N_D = 1, m = 4. Width 256, depth 64, E = 400 each: every layer. Width 16,
    // depth 200, E = 3000 each: layers ℓ ≤ 32 (ℓ/n ≤ 2); deeper, the ensembles are dominated by
    // a few networks (Θ's sample mean at ℓ = 200 is ~10^47 ± 100%) and SEs mean little.
    Inputs one = ExactVsDirectTest.inputs(8, 1, 34);
    NetworkSpec wide = NetworkSpec.uniform(8, 256, 64, Activations.parse("relu"), 0, 2, 1, 1);
    assertAgree("exact vs direct, relu width 256 depth 64, E = 400 each",
        Agreement.exact(wide, one, 400, 47, true, 4), Agreement.direct(wide, one, 400, 48, true, 4),
        Integer.MAX_VALUE);
    NetworkSpec narrow = NetworkSpec.uniform(8, 16, 200, Activations.parse("relu"), 0, 2, 1, 1);
    assertAgree("exact vs direct, relu width 16 depth 200 (layers ≤ 32), E = 3000 each",
        Agreement.exact(narrow, one, 3000, 49, true, 4),
        Agreement.direct(narrow, one, 3000, 50, true, 4), 32);
  }
}

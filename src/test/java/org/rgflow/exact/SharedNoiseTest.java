package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The per-neuron sweep's shared noise rows (docs/EXACT_SAMPLER.md §2c, "Shared noise rows"): at
 * level ℓ' every target layer's sweep reads the same rows η_b (c2 = flag | ℓ'), where before each
 * target t drew its own (c2 = flag | t·2^14 | ℓ'). The claim is that each layer's (z, Θ̂^{(t)}) keeps
 * its exact joint law (only the law across layers' Θ̂ given z changes, which no observable reads).
 * Checked on the NTK observables Θ, A, B, D, F of every layer, every entry, at k = 3 combined SE
 * ({@link Agreement}): against the independent-noise streams with the same forward streams (identical
 * z, so only the NTK noise differs) and against the direct sampler. Depth 4, so that up to four
 * target layers share a level's rows. Measured (2026-12-07): shared vs independent 48 entries,
 * max |z| 2.46 (seed 977; seed 131 gave 2.98, and at E = 80000 seeds 131/977 gave 1.96/2.41, so no
 * bias growing with E); vs direct 48 entries, max |z| 2.34. Power: with the rows shared across
 * levels as well (c2 = flag | 1 at every level, which is wrong: one sweep then reuses its noise) the
 * first test fails at |z| = 40 (layer 4 Θ; B at |z| = 26).
 */
class SharedNoiseTest {
  private static EnsembleResult exact(NetworkSpec spec, Inputs in, long e, long seed, int m,
      int layout) {
    return new ExactEnsemble(false, layout).run(spec, in, new RunSettings(e, seed, 2, 16, true, m),
        ProgressListener.NONE);
  }

  /** tanh, N_D = 2, widths 24,16,24,16, m = 3, E = 20000 each: shared vs independent noise. */
  @Test
  void sharedRowsAgreeWithIndependentRows() {
    NetworkSpec spec = Agreement.spec(5, new int[] {24, 16, 24, 16}, Activations.parse("tanh"), 0.1,
        1.2);
    Inputs in = ExactVsDirectTest.inputs(5, 2, 12);
    EnsembleResult shared = exact(spec, in, 20000, 977, 3, ExactNetwork.AUTO);
    EnsembleResult indep = exact(spec, in, 20000, 977, 3, ExactNetwork.INDEPENDENT_NOISE);
    // the same forward streams: K of the last layer identical bit for bit
    assertEquals(shared.layers().get(3).value().get(org.rgflow.core.Obs.K).raw()[0],
        indep.layers().get(3).value().get(org.rgflow.core.Obs.K).raw()[0]);
    Agreement.Outcome t = Agreement.compare(shared, indep, Agreement.NTK, Agreement.K);
    System.out.printf("[shared vs independent noise rows] tanh widths 24,16,24,16 N_D=2 m=3 E=20000:"
        + " %d NTK entries, max |z| = %.2f, rms z = %.2f%n", t.compared(), t.maxZ(),
        Math.sqrt(t.sumZ2() / t.compared()));
    assertTrue(t.failures().isEmpty(), String.join("\n", t.failures()));
    assertTrue(t.compared() >= 48, "entries " + t.compared());
  }

  /** gelu, N_D = 2, widths 20,12,20,12 with C_b = 0.05, m = 2, E = 8000 each: shared vs direct. */
  @Test
  void sharedRowsAgreeWithDirectSampler() {
    NetworkSpec spec = Agreement.spec(4, new int[] {20, 12, 20, 12}, Activations.parse("gelu"), 0.05,
        1.6);
    Inputs in = ExactVsDirectTest.inputs(4, 2, 13);
    EnsembleResult shared = exact(spec, in, 8000, 141, 2, ExactNetwork.AUTO);
    EnsembleResult direct = Agreement.direct(spec, in, 8000, 142, true, 2);
    Agreement.Outcome t = Agreement.compare(shared, direct, Agreement.NTK, Agreement.K);
    System.out.printf("[shared noise rows vs direct] gelu widths 20,12,20,12 N_D=2 m=2 E=8000:"
        + " %d NTK entries, max |z| = %.2f, rms z = %.2f%n", t.compared(), t.maxZ(),
        Math.sqrt(t.sumZ2() / t.compared()));
    assertTrue(t.failures().isEmpty(), String.join("\n", t.failures()));
    assertTrue(t.compared() >= 48, "entries " + t.compared());
  }
}

package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Exact sampler vs direct sampler, statistically (the statistical kind): every measured
 * observable K, V/nK², kurtosis, G4, G6 and, with the NTK, Θ, A, B, D, F at every layer and every
 * tensor entry agrees within 3 combined SE (see {@link Agreement}; each test compares 30–600 entries,
 * so at k = 3 a correct sampler fails a given fixed seed with probability up to ~⅓ for the largest —
 * the seeds below passed and are fixed). Activations relu, leaky relu, linear (the Gram sweep), tanh,
 * gelu (the per-neuron sweep); N_D ∈ {1, 2, 5}; equal and unequal widths; rank-deficient Ĝ
 * (N_D &gt; n_ℓ, identical inputs). Each test is a few seconds.
 * Run: {@code mvn -q test -Dtest=ExactVsDirectTest}.
 */
class ExactVsDirectTest {
  static Inputs inputs(int n0, int nd, long salt) {
    java.util.Random r = new java.util.Random(salt);
    double[][] x = new double[nd][n0];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < n0; j++) {
        x[a][j] = r.nextGaussian();
      }
    }
    return new Inputs(x);
  }

  @Test
  void reluTwoInputsWithNtk() {
    NetworkSpec spec = Agreement.spec(5, new int[] {32, 32, 32}, Activations.parse("relu"), 0, 2);
    int c = Agreement.assertAgree("relu n=32 L=3 N_D=2", spec, inputs(5, 2, 1), 4000, true, 4, 11);
    assertTrue(c > 100);
  }

  @Test
  void tanhOneInputUnequalWidthsWithBias() {
    NetworkSpec spec = Agreement.spec(7, new int[] {48, 16, 40, 24}, Activations.parse("tanh"), 0.1,
        1.3);
    int c = Agreement.assertAgree("tanh widths 48,16,40,24 N_D=1 C_b=0.1", spec, inputs(7, 1, 2),
        4000, true, 4, 21);
    assertTrue(c >= 4 * 9);
  }

  @Test
  void geluFiveInputs() {
    NetworkSpec spec = Agreement.spec(6, new int[] {24, 20}, Activations.parse("gelu"), 0.05, 1.8);
    int c = Agreement.assertAgree("gelu widths 24,20 N_D=5", spec, inputs(6, 5, 3), 2500, true, 3,
        31);
    assertTrue(c > 500);
  }

  @Test
  void rankDeficientKernels() {
    // n0 = 2 < N_D = 5 (rank-2 inputs), a width-2 layer (Ĝ of rank ≤ 3), and two identical inputs.
    double[][] x = {{1, 0.5}, {-0.3, 1.2}, {0.7, -0.8}, {1, 0.5}, {0.2, 0.1}};
    NetworkSpec spec = Agreement.spec(2, new int[] {12, 2, 10}, Activations.parse("tanh"), 0.2, 1.5);
    int c = Agreement.assertAgree("tanh widths 12,2,10 N_D=5 rank-deficient", spec, new Inputs(x),
        3000, true, 2, 41);
    assertTrue(c > 500);
  }

  /**
   * The Gram sweep (docs/EXACT_SAMPLER.md §2b) with one input: every level's active group holds ~30
   * neurons against rank(Γ) ≤ 4, so the Wishart parts go through Bartlett's factor (asserted).
   */
  @Test
  void reluOneInputGramSweepBartlett() {
    NetworkSpec spec = Agreement.spec(5, new int[] {64, 64, 64}, Activations.parse("relu"), 0, 2);
    Inputs in = inputs(5, 1, 6);
    ExactNetwork probe = new ExactNetwork(spec, in, 71, 2);
    for (int e = 0; e < 20; e++) {
      probe.run(e);
    }
    assertTrue(probe.gramSweep.bartlettGroups > 0, "Bartlett groups: " + probe.gramSweep.bartlettGroups);
    int c = Agreement.assertAgree("relu n=64 L=3 N_D=1 (gram sweep)", spec, in, 4000, true, 2, 71);
    assertTrue(c >= 30);
  }

  /** The Gram sweep with every sign group active (leaky relu), a bias and unequal widths. */
  @Test
  void leakyReluTwoInputsWithBias() {
    NetworkSpec spec = Agreement.spec(4, new int[] {40, 24, 36}, Activations.parse("leaky_relu(0.2)"),
        0.1, 1.9);
    int c = Agreement.assertAgree("leaky_relu(0.2) widths 40,24,36 N_D=2 C_b=0.1 (gram sweep)", spec,
        inputs(4, 2, 7), 4000, true, 3, 82);
    assertTrue(c > 100);
  }

  /** The Gram sweep with five inputs: up to 32 sign groups (relu) and one group (linear). */
  @Test
  void reluAndLinearFiveInputs() {
    NetworkSpec relu = Agreement.spec(6, new int[] {24, 20, 24}, Activations.parse("relu"), 0.05, 2);
    int c = Agreement.assertAgree("relu widths 24,20,24 N_D=5 (gram sweep)", relu, inputs(6, 5, 8),
        2500, true, 2, 92);
    assertTrue(c > 500);
    NetworkSpec lin = Agreement.spec(6, new int[] {30, 16, 24}, Activations.parse("linear"), 0.05, 1);
    c = Agreement.assertAgree("linear widths 30,16,24 N_D=5 (gram sweep)", lin, inputs(6, 5, 9),
        2500, true, 2, 103);
    assertTrue(c > 500);
  }

  /** The per-neuron sweep, which relu takes for N_D &gt; 12, on the relu case above. */
  @Test
  void reluTwoInputsPerNeuronSweep() {
    NetworkSpec spec = Agreement.spec(5, new int[] {32, 32, 32}, Activations.parse("relu"), 0, 2);
    EnsembleResult ex = Agreement.exact(spec, inputs(5, 2, 1), 4000, 12, true, 4, true);
    EnsembleResult di = Agreement.direct(spec, inputs(5, 2, 1), 4000, 13, true, 4);
    Agreement.Outcome t = Agreement.compare(ex, di, Agreement.NTK, Agreement.K);
    System.out.printf("[exact vs direct] relu n=32 L=3 N_D=2 per-neuron sweep: %d NTK entries, max |z| = %.2f%n",
        t.compared(), t.maxZ());
    assertTrue(t.failures().isEmpty(), String.join("\n", t.failures()));
    assertTrue(t.compared() >= 36);
  }

  /**
   * Gram sweep against per-neuron sweep, both exact, at E = 20000 each: the same forward streams
   * (identical z), independent NTK streams; every NTK entry (Θ, A, B, D, F, four layers) within 3 SE.
   */
  @Test
  void gramSweepAgreesWithPerNeuronSweep() {
    NetworkSpec spec = Agreement.spec(4, new int[] {64, 48, 64, 48}, Activations.parse("relu"), 0.1,
        1.9);
    Inputs in = inputs(4, 2, 10);
    EnsembleResult gramSweep = Agreement.exact(spec, in, 20000, 111, true, 3, false);
    EnsembleResult perNeuron = Agreement.exact(spec, in, 20000, 111, true, 3, true);
    Agreement.Outcome t = Agreement.compare(gramSweep, perNeuron, Agreement.NTK, Agreement.K);
    System.out.printf("[gram vs per-neuron sweep] relu widths 64,48,64,48 N_D=2: %d NTK entries,"
        + " max |z| = %.2f%n", t.compared(), t.maxZ());
    assertTrue(t.failures().isEmpty(), String.join("\n", t.failures()));
    assertTrue(t.compared() >= 48);
  }

  @Test
  void reluForwardOnlyDeeper() {
    NetworkSpec spec = Agreement.spec(4, new int[] {20, 30, 20, 30, 20, 30}, Activations.parse("relu"),
        0, 2);
    int c = Agreement.assertAgree("relu widths 20/30 ×3 L=6 N_D=2 forward", spec, inputs(4, 2, 4),
        4000, false, 0, 51);
    assertTrue(c > 100);
  }

  /**
   * Ten times the networks of the default tests, three activations, 456 comparisons in all. At
   * k = 3 per comparison a correct sampler would fail such a family more often than not (456 ×
   * 0.27%), so this test states its family-wise false-failure probability instead: 1% by a
   * Bonferroni bound (k ≈ 4.24). History: its first run at k = 3 failed on one entry, tanh layer-2
   * Θ_{11} at |z| = 3.49; the exact sampler's layer-2 Θ of that network against the exact theory
   * (layer 2 is exact at any width) at E = 200000 for four seeds gave z = −2.98, 0.70, −1.06, 0.34,
   * no resolved bias. The bar itself (3 SE) is held by the default-suite tests above.
   */
  @Test
  @Tag("slow")
  void largerEnsembles() {
    double k = Agreement.bonferroniK(3 * 152, 0.01);
    for (String act : new String[] {"relu", "tanh", "gelu"}) {
      NetworkSpec spec = Agreement.spec(5, new int[] {64, 48, 64, 48}, Activations.parse(act),
          act.equals("relu") ? 0 : 0.1, act.equals("relu") ? 2 : 1.2);
      Agreement.assertAgree(act + " widths 64,48,64,48 N_D=2 (slow)", spec, inputs(5, 2, 5), 40000,
          true, 4, 61, k);
    }
  }
}

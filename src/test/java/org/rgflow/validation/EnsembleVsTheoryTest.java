package org.rgflow.validation;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.act.Activations;
import org.rgflow.core.Obs;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Ensemble vs theory: CPU-reference ensembles of randomly initialised MLPs against the book's
 * predictions, |measured − theory| ≤ 3·SE at every layer and component, fixed seeds.
 *
 * <p>Run: {@code mvn test -Dtest=EnsembleVsTheoryTest}; the larger variants tagged {@code slow} run
 * with {@code mvn -Pslow test}. Where the theory is leading order in 1/n, width and depth are chosen
 * so that the O(ℓ/n) correction is small against the statistical error (docs/THEORY.md §11); where an
 * exact finite-width result exists (deep linear, scale-invariant with C_b = 0), it is used and any
 * width works.
 */
class EnsembleVsTheoryTest {
  private static final double K_SE = 3.0;

  private static Inputs oneInput() {
    return Inputs.fromNormsAndAngles(8, new double[] {1.0}, new double[1][1]);
  }

  private static Inputs twoInputs() {
    double[][] ang = new double[2][2];
    ang[0][1] = Math.PI / 3;
    return Inputs.fromNormsAndAngles(8, new double[] {1.0, 1.3}, ang);
  }

  /**
   * Deep linear: 4- and 6-point functions against the exact finite-width results (docs/THEORY.md §5). At
   * n = 4 the per-network 6-point estimator is a product of three strongly correlated squared
   * Gaussians whose spread grows like c₁₂/c₆² per layer: by L = 8 its ensemble mean is dominated by
   * rare networks and neither the mean nor its SE is reliable at any affordable E, so n = 4 stops at
   * L = 6 (G6/K³ = 243).
   */
  @ParameterizedTest(name = "deep linear n={0} L={1} C_W={2} E={3}")
  @CsvSource({"4, 6, 1.0, 40000", "16, 8, 1.0, 20000", "16, 8, 1.5, 20000"})
  void deepLinearFourAndSixPoint(int n, int depth, double cw, long ensemble) {
    NetworkSpec spec = NetworkSpec.uniform(8, n, depth, Activations.parse("linear"), 0, cw, 1, 1);
    Agreement.Paired p = Agreement.run(spec, oneInput(), ensemble, 20261123L + n);
    Agreement a = new Agreement("deep linear n=" + n + " C_W=" + cw + " E=" + ensemble + " k=3", K_SE);
    for (int l = 1; l <= depth; l++) {
      a.check(p, l, Obs.K);
      a.check(p, l, Obs.G4);
      a.check(p, l, Obs.G6);
    }
    a.assertAll(3 * depth);
  }

  /** ReLU at criticality: K, V/(nK²) against the exact product formula, Θ, kurtosis, L = 16. */
  @ParameterizedTest(name = "relu critical n={0} E={1}")
  @CsvSource({"64, 8000", "256, 1500"})
  void reluCritical(int n, long ensemble) {
    reluCriticalCase(n, ensemble);
  }

  /**
   * The n = 256 case again with 13× the networks (forward only: Θ at this width is checked above), so
   * V/(nK²) at every layer is held to about 1.5% instead of 5%. History: at E = 6000 with the NTK,
   * one of 62 comparisons came out at z = −3.01 (V, layer 5); the same seed at E = 20000 gives
   * z = −0.42 there, i.e. a fluctuation of the first networks, not a bias.
   */
  @Tag("slow")
  @Test
  void reluCriticalLarge() {
    reluCriticalCase(256, 20000, false);
  }

  private void reluCriticalCase(int n, long ensemble) {
    reluCriticalCase(n, ensemble, true);
  }

  private void reluCriticalCase(int n, long ensemble, boolean ntk) {
    int depth = 16;
    NetworkSpec spec = NetworkSpec.uniform(8, n, depth, Activations.parse("relu"), 0, 2, 1, 1);
    Agreement.Paired p = Agreement.run(spec, oneInput(), ensemble, 7L * n, ntk);
    Agreement a = new Agreement("relu critical n=" + n + " L=16 E=" + ensemble + " k=3", K_SE);
    for (int l = 1; l <= depth; l++) {
      a.check(p, l, Obs.K);
      if (ntk) {
        a.check(p, l, Obs.Theta);
      }
      if (l > 1) {
        a.check(p, l, Obs.V_over_nK2);
        a.check(p, l, Obs.kurtosis);
      }
    }
    a.assertAll((ntk ? 4 : 3) * depth - 2);
  }

  /**
   * tanh at criticality and at a generic point: K, V, G1, Θ and the NTK fluctuations A, B, D, F at
   * width 128, shallow enough (L = 5) that the leading-order theory's O(ℓ/n) error is below the
   * statistical error of E networks.
   */
  @ParameterizedTest(name = "tanh C_b={0} C_W={1} lambda_b={2} n={3} E={4}")
  @CsvSource({"0, 1, 1, 128, 4000", "0.2, 1.5, 0.5, 128, 4000"})
  void tanh(double cb, double cw, double lambdaB, int n, long ensemble) {
    tanhCase(cb, cw, lambdaB, n, ensemble);
  }

  @Tag("slow")
  @ParameterizedTest(name = "tanh (slow) C_b={0} C_W={1} n={3} E={4}")
  @CsvSource({"0, 1, 1, 256, 30000", "0.2, 1.5, 0.5, 256, 30000"})
  void tanhLarge(double cb, double cw, double lambdaB, int n, long ensemble) {
    tanhCase(cb, cw, lambdaB, n, ensemble);
  }

  private void tanhCase(double cb, double cw, double lambdaB, int n, long ensemble) {
    int depth = 5;
    NetworkSpec spec = NetworkSpec.uniform(8, n, depth, Activations.parse("tanh"), cb, cw, lambdaB, 1);
    Agreement.Paired p = Agreement.run(spec, oneInput(), ensemble, 1000L + n);
    Agreement a = new Agreement("tanh C_b=" + cb + " C_W=" + cw + " n=" + n + " L=5 E=" + ensemble
        + " k=3", K_SE);
    for (int l = 1; l <= depth; l++) {
      a.check(p, l, Obs.K);
      a.check(p, l, Obs.Theta);
      a.checkG1(p, l);
      if (l > 1) {
        for (Obs o : new Obs[] {Obs.V_over_nK2, Obs.A, Obs.B, Obs.D, Obs.F}) {
          a.check(p, l, o);
        }
      }
    }
    a.assertAll(3 * depth + 5 * (depth - 1));
  }

  /** Two inputs: all kernel, V and Θ components, off-diagonal ones included. */
  @ParameterizedTest(name = "two inputs {0} n={3} E={4}")
  @CsvSource({"relu, 0, 2, 256, 4000", "tanh, 0, 1, 128, 3000"})
  void twoInputs(String act, double cb, double cw, int n, long ensemble) {
    int depth = 4;
    NetworkSpec spec = NetworkSpec.uniform(8, n, depth, Activations.parse(act), cb, cw, 1, 1);
    Agreement.Paired p = Agreement.run(spec, twoInputs(), ensemble, 31L * n);
    Agreement a = new Agreement("two inputs " + act + " n=" + n + " L=4 E=" + ensemble + " k=3", K_SE);
    for (int l = 1; l <= depth; l++) {
      a.check(p, l, Obs.K);
      a.check(p, l, Obs.Theta);
      if (l > 1) {
        a.check(p, l, Obs.V_over_nK2);
      }
    }
    // K and Θ: 4 components per layer, V: 16 per layer.
    a.assertAll(8 * depth + 16 * (depth - 1));
  }

  /**
   * The three-point function of an MLP vanishes at every width: flipping the signs of row i of W
   * and of b_i flips z_i alone, so E[z_i³] = E[z_i² z_k] = 0 (docs/THEORY.md §13). relu with C_b > 0
   * is not odd, so only that symmetry makes it zero; n = 6 keeps the per-network statistics large.
   */
  @Test
  void threePointFunctionVanishes() {
    int depth = 4;
    NetworkSpec spec = NetworkSpec.uniform(8, 6, depth, Activations.parse("relu"), 0.3, 2, 1, 1);
    Agreement.Paired p = Agreement.run(spec, twoInputs(), 20000, 20261207L, false);
    Agreement a = new Agreement("three-point relu C_b=0.3 n=6 L=4 E=20000 k=3", K_SE);
    for (int l = 1; l <= depth; l++) {
      a.check(p, l, Obs.T3);
      a.check(p, l, Obs.T21);
    }
    // two inputs, two observables
    a.assertAll(2 * 2 * depth);
  }

  /**
   * Unequal widths: the 1/n terms use n = n_{ℓ−1} and the recursions the width ratios
   * ρ = n_ℓ/n_{ℓ−1}, which equal widths never exercise. tanh off criticality, widths 96, 256, 128,
   * 192, 160, on the exact sampler (the same law as direct, checked in ExactVsDirectTest; 50× faster
   * here). Without the ρ factor V at layer 3 would be off by a factor 256/96.
   */
  @Test
  void unequalWidths() {
    int[] widths = {96, 256, 128, 192, 160};
    int depth = widths.length;
    NetworkSpec spec = new NetworkSpec(8, widths, Activations.parse("tanh"),
        NetworkSpec.perLayer("--cb", new double[] {0.1}, depth),
        NetworkSpec.perLayer("--cw", new double[] {1.2}, depth),
        NetworkSpec.perLayer("--lambda-b", new double[] {1}, depth),
        NetworkSpec.perLayer("--lambda-w", new double[] {1}, depth));
    Agreement.Paired p = Agreement.run(new org.rgflow.exact.ExactEnsemble(), spec, oneInput(), 8000,
        20261208L, true);
    Agreement a = new Agreement("tanh widths 96,256,128,192,160 E=8000 k=3", K_SE);
    for (int l = 1; l <= depth; l++) {
      a.check(p, l, Obs.K);
      a.check(p, l, Obs.Theta);
      a.checkG1(p, l);
      if (l > 1) {
        for (Obs o : new Obs[] {Obs.V_over_nK2, Obs.A, Obs.B, Obs.D, Obs.F}) {
          a.check(p, l, o);
        }
      }
    }
    a.assertAll(3 * depth + 5 * (depth - 1));
  }
}

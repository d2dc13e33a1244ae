package org.rgflow.theory;

import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.layer.Averages;
import org.rgflow.layer.KernelState;
import org.rgflow.layer.Layer;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * The layer-to-layer recursions on a set of <em>distinct</em> inputs (duplicates are removed by
 * {@link TheoryEngine}), folded over the network's layers: layer 1 from the inputs' Gram matrix
 * ({@link Layer#input}), then each layer's own step ({@link Layer#step}) from the state below and the
 * Gaussian averages there ({@link Averages}, kinks exact). The fields are the state at the current
 * layer ℓ.
 */
final class Recursions {
  private final NetworkSpec spec;
  private final Activation act;
  private final GaussQuadrature quad;
  private final int n;

  /** Current state at layer ℓ. */
  int layer;
  double[][] k;
  double[][] g1;
  double[][][][] v;
  double[][] theta;
  double[] fa;
  double[] fb;
  double[] fd;
  double[] ff;
  /** T_{(α1α2)α3}, or null where it vanishes. */
  double[][][] t3;
  private KernelState state;
  /** The Gaussian averages at the current layer (filled by {@link #diagStats}). */
  private Averages avg;

  private final int threads;

  Recursions(NetworkSpec spec, double[][] gram) {
    this(spec, gram, 1);
  }

  /** @param threads threads of the pair and index-set loops ({@link Averages#threads}) */
  Recursions(NetworkSpec spec, double[][] gram, int threads) {
    this.spec = spec;
    this.threads = threads;
    this.act = spec.activation();
    this.quad = new GaussQuadrature(act.kinks());
    this.n = gram.length;
    adopt(spec.layer(1).input(gram));
  }

  private void adopt(KernelState s) {
    state = s;
    layer = s.layer;
    k = s.k;
    g1 = s.g1;
    v = s.v;
    theta = s.theta;
    fa = s.fa;
    fb = s.fb;
    fd = s.fd;
    ff = s.ff;
    t3 = s.t3;
    avg = null;
    checkKernel();
  }

  private void checkKernel() {
    for (int a = 0; a < n; a++) {
      if (!(k[a][a] > 0) || !Double.isFinite(k[a][a])) {
        if (k[a][a] == 0) {
          throw new SpecException("--inputs", "input " + a + " has K_aa = 0 at layer " + layer
              + " (zero input with C_b = 0?): the finite-width theory needs K_aa > 0");
        }
        throw new ArithmeticException("kernel diverged at layer " + layer + ": K_aa = " + k[a][a]);
      }
    }
  }

  /** The layer whose susceptibilities χ are reported at the current layer: ℓ+1, or L at the last. */
  private Layer next() {
    return spec.layer(Math.min(layer + 1, spec.depth()));
  }

  /** The single-input averages at K_αα of the current layer. */
  void diagStats() {
    avg = new Averages(act, quad, state).threads(threads);
  }

  double chiPar(int a) {
    return next().chiPar(avg, a);
  }

  double chiPerp(int a) {
    return next().chiPerp(avg, a);
  }

  /**
   * One step ℓ → ℓ+1 of every recursion, by layer ℓ+1 ({@link Layer#step}). Requires
   * {@link #diagStats} at ℓ.
   *
   * @param withFiniteWidth false skips V and G1 (after a degenerate two-input kernel)
   * @throws Averages.DegenerateException when two inputs are (anti)parallel and V, G1 are asked for
   */
  void step(boolean withFiniteWidth) {
    double rho = (double) spec.width(layer) / spec.width(layer - 1);
    adopt(spec.layer(layer + 1).step(state, avg, rho, withFiniteWidth));
  }
}

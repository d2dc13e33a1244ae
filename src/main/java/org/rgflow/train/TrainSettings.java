package org.rgflow.train;

import org.rgflow.spec.SpecException;

/**
 * How an ensemble is trained. Only threads never changes a result.
 *
 * @param eta global step size η (parameters move by η·λ_b·∂L/∂b and η·(λ_W/n_{ℓ−1})·∂L/∂W)
 * @param steps the number of GD steps, or with tol &gt; 0 the most steps a network may take
 * @param tol stop a network as soon as its training loss L = ½Σ(z − y)² is ≤ tol; 0: always take {@code steps}
 * @param ensemble E ≥ 1
 * @param seed the randomness contract's seed (network e's initial parameters depend only on (seed, e))
 * @param threads worker threads ≥ 1
 */
public record TrainSettings(double eta, long steps, double tol, long ensemble, long seed, int threads) {
  public TrainSettings {
    if (!(eta > 0) || !Double.isFinite(eta)) {
      throw new SpecException("--eta", "must be a positive number, got " + eta);
    }
    if (steps < 0) {
      throw new SpecException("--steps", "must be non-negative, got " + steps);
    }
    if (!(tol >= 0) || !Double.isFinite(tol)) {
      throw new SpecException("--tol", "must be a non-negative number, got " + tol);
    }
    if (ensemble < 1) {
      throw new SpecException("--ensemble", "must be at least 1, got " + ensemble);
    }
    if (threads < 1) {
      throw new SpecException("--threads", "must be at least 1, got " + threads);
    }
  }

  /** Whether networks stop on the loss tolerance (then the prediction compared with is the converged one). */
  public boolean converge() {
    return tol > 0;
  }
}

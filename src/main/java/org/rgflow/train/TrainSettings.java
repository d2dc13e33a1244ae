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
 * @param checkpoints steps t (strictly increasing, 0 ≤ t ≤ steps) after which the test outputs are
 *     recorded for the trajectory; a network that stopped earlier (--tol) keeps its final outputs
 */
public record TrainSettings(double eta, long steps, double tol, long ensemble, long seed, int threads,
    long[] checkpoints) {
  /** No trajectory checkpoints. */
  public TrainSettings(double eta, long steps, double tol, long ensemble, long seed, int threads) {
    this(eta, steps, tol, ensemble, seed, threads, new long[0]);
  }

  public TrainSettings {
    checkpoints = checkpoints.clone();
    for (int k = 0; k < checkpoints.length; k++) {
      if (checkpoints[k] < 0 || checkpoints[k] > steps || (k > 0 && checkpoints[k] <= checkpoints[k - 1])) {
        throw new SpecException("--checkpoints", "must be increasing steps between 0 and --steps " + steps
            + ", got " + java.util.Arrays.toString(checkpoints));
      }
    }
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

  /** Log-spaced checkpoints 0, 1, 2, 5, 10, 20, 50, … below {@code steps}, then {@code steps} itself. */
  public static long[] autoCheckpoints(long steps) {
    java.util.List<Long> c = new java.util.ArrayList<>();
    c.add(0L);
    for (long dec = 1; dec < steps && dec > 0; dec *= 10) {
      for (long m : new long[] {1, 2, 5}) {
        long t = m * dec;
        if (t < steps) {
          c.add(t);
        }
      }
    }
    if (steps > 0) {
      c.add(steps);
    }
    return c.stream().mapToLong(Long::longValue).toArray();
  }

  /** Whether networks stop on the loss tolerance (then the prediction compared with is the converged one). */
  public boolean converge() {
    return tol > 0;
  }
}

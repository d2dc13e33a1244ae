package org.rgflow.layer;

import org.rgflow.rng.InitRng;

/**
 * Network e's weights and biases of layer ℓ, as the randomness contract generates them
 * ({@link InitRng}): unit Gaussians, scaled by the layer.
 *
 * @param seed the run's seed
 * @param network e
 * @param layer ℓ
 */
public record Weights(long seed, long network, int layer) {
  /** Row i of W^{(ℓ)} (unit Gaussians) into {@code out[0..n)}. */
  public void row(int i, int n, double[] out) {
    InitRng.weightRow(seed, network, layer, i, n, out);
  }

  /** b^{(ℓ)} (unit Gaussians) into {@code out[0..n)}. */
  public void biases(int n, double[] out) {
    InitRng.biases(seed, network, layer, n, out);
  }
}

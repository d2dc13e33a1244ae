package org.rgflow.layer;

import org.rgflow.rng.InitRng;
import org.rgflow.rng.Simd;

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

  /** Rows per {@link #rowDots} call; 0 when the SIMD path is off ({@link Simd}). */
  public static int simdRows() {
    return Simd.lanes();
  }

  /**
   * out[α·simdRows() + k] = Σ_j W̃_{i₀+k, j} σ_α[j] over the unit Gaussians W̃ of rows
   * i₀..i₀+simdRows()−1: bit for bit {@code Sums.dot} of {@link #row} with σ_α, rows never stored.
   */
  public void rowDots(int i0, int n, double[][] sIn, int nd, double[] buf, double[] out) {
    Simd.rowDots(seed, network, layer, i0, n, sIn, nd, buf, out);
  }

  /**
   * dst[d₀ + k][j] = scale · W̃_{i₀+k, j} for k &lt; simdRows(), j &lt; n: bit for bit scale times
   * {@link #row}. buf: at least {@code Simd.bufferLength(1)} doubles.
   */
  public void scaledRows(int i0, int n, double scale, double[][] dst, int d0, double[] buf) {
    Simd.scaledRows(seed, network, layer, i0, n, scale, dst, d0, buf);
  }

  /** b^{(ℓ)} (unit Gaussians) into {@code out[0..n)}. */
  public void biases(int n, double[] out) {
    InitRng.biases(seed, network, layer, n, out);
  }
}

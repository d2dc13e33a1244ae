package org.rgflow.ensemble;

/**
 * One network of the contract, as the CPU reference computes it: the per-network hook other backends
 * compare against network by network ({@link CpuEnsemble#network}).
 *
 * @param seed the run's seed
 * @param network the network index e
 * @param z pre-activations, {@code z[ℓ−1][α][i]} for layers ℓ = 1..L
 * @param measured m_ℓ = min(n_ℓ, ntkNeurons) per layer, {@code measured[ℓ−1]} (zeros without NTK)
 * @param theta NTK sub-blocks, {@code theta[ℓ−1][i·N_D+α][k·N_D+β]} = Θ̂^{(ℓ)}_{ik;αβ} for i, k &lt; m_ℓ;
 *     null without NTK
 */
public record NetworkSample(long seed, long network, double[][][] z, int[] measured,
    double[][][] theta) {

  public int depth() {
    return z.length;
  }

  public int inputs() {
    return z[0].length;
  }

  /** z^{(ℓ)}_{i;α}, ℓ = 1..L. */
  public double z(int layer, int alpha, int i) {
    return z[layer - 1][alpha][i];
  }

  /** Θ̂^{(ℓ)}_{ik;αβ} for i, k &lt; m_ℓ. */
  public double theta(int layer, int i, int k, int alpha, int beta) {
    int nd = inputs();
    return theta[layer - 1][i * nd + alpha][k * nd + beta];
  }

  /** A deep copy of a matrix (a sample owns its arrays; workers reuse theirs). */
  public static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }
}

package org.rgflow.opencl;

import org.rgflow.ensemble.DivergenceException;

/** Reading one launch's outputs out of a {@link ClNetworkKernel}'s buffers (ClEnsemble, ClExactEnsemble). */
final class ClOutputs {
  /** Host-side value of diverged[g] before a launch; the kernel overwrites it with 0..L. */
  static final int NOT_WRITTEN = -1;

  private ClOutputs() {}

  /**
   * Checks diverged[0..count) after a launch of networks first..first+count−1: a value outside 0..depth
   * means the device's outputs did not come back; a nonzero layer is that network's divergence.
   */
  static void checkDiverged(ClNetworkKernel k, long first, int count, int depth) {
    for (int g = 0; g < count; g++) {
      if (k.diverged[g] == NOT_WRITTEN || k.diverged[g] < 0 || k.diverged[g] > depth) {
        throw new IllegalStateException("OpenCL launch of networks " + first + ".." + (first + count - 1)
            + ": work-item " + g + " returned layer " + k.diverged[g] + " (not 0.." + depth
            + "): the device's outputs did not come back");
      }
      if (k.diverged[g] != 0) {
        throw new DivergenceException(first + g, k.diverged[g]);
      }
    }
  }

  /** z^{(ℓ)} of work-item g as [α][i] (into {@code into} when given). */
  static double[][] z(ClNetworkKernel k, int nd, int g, int layer, double[][] into) {
    int n = k.width[layer];
    double[][] out = into != null ? into : new double[nd][n];
    int b = g * k.zPer + k.zOff[layer];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < nd; a++) {
        out[a][i] = k.z[b + i * nd + a];
      }
    }
    return out;
  }

  /** Θ̂^{(ℓ)} of work-item g as [i·N_D+α][k·N_D+β], pn = m_ℓ·N_D. */
  static double[][] theta(ClNetworkKernel k, int pn, int g, int layer, double[][] into) {
    double[][] out = into != null ? into : new double[pn][pn];
    int b = g * k.tPer + k.tOff[layer];
    for (int p = 0; p < pn; p++) {
      System.arraycopy(k.theta, b + p * pn, out[p], 0, pn);
    }
    return out;
  }
}

package org.rgflow.ensemble;

import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Per-layer constants of a network, indexed by layer ℓ = 0..L (index 0: the input): widths n_ℓ,
 * weight and bias scales √(C_W/n_{ℓ−1}) and √C_b, and the NTK learning rates λ_b, λ_W. Shared by the
 * CPU samplers (direct and exact).
 */
public final class LayerScales {
  public final int[] w;
  public final double[] sw;
  public final double[] sb;
  public final double[] lb;
  public final double[] lw;
  public final int maxWidth;

  /** @throws org.rgflow.spec.SpecException when the inputs' dimension is not n₀ */
  public LayerScales(NetworkSpec spec, Inputs inputs) {
    EnsembleRun.validateNetworks(spec, inputs, 0);
    int depth = spec.depth();
    w = new int[depth + 1];
    sw = new double[depth + 1];
    sb = new double[depth + 1];
    lb = new double[depth + 1];
    lw = new double[depth + 1];
    int max = 0;
    for (int l = 0; l <= depth; l++) {
      w[l] = spec.width(l);
      max = Math.max(max, w[l]);
      if (l > 0) {
        sw[l] = Math.sqrt(spec.cw(l) / w[l - 1]);
        sb[l] = Math.sqrt(spec.cb(l));
        lb[l] = spec.lambdaB(l);
        lw[l] = spec.lambdaW(l);
      }
    }
    maxWidth = max;
  }
}

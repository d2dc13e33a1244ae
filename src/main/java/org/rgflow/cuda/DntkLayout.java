package org.rgflow.cuda;

import org.rgflow.spec.NetworkSpec;

/**
 * The sizes and offsets of the dNTK kernel (kernels/ensemble_dntk.cu, rg_dntk) for one spec: measured
 * neurons per layer, the per-direction level offsets of g, the largest direction and pair counts, the
 * per-network work area (floats) and output (2·N_D⁴·L doubles). Needs the forward kernel's z kept
 * ({@link BufferLayout} with keepZ), whose zStride the work area's first three blocks share.
 */
final class DntkLayout {
  final int nd;
  final int depth;
  /** min(neurons, n_ℓ), ℓ = 1..L. */
  final int[] dm;
  /** Offset of level a inside one direction's g, a = 1..L. */
  final int[] gLOff;
  final int gStride;
  final int dDirs;
  final int dPairs;
  final int nmax;
  final long workStride;
  final int outPer;

  DntkLayout(NetworkSpec spec, int nd, int neurons, long zStride) {
    this.nd = nd;
    this.depth = spec.depth();
    dm = new int[depth + 1];
    gLOff = new int[depth + 1];
    int gs = 0;
    int dirs = 0;
    int pairs = 0;
    int nm = 1;
    for (int l = 1; l <= depth; l++) {
      int n = spec.width(l);
      dm[l] = Math.min(neurons, n);
      gLOff[l] = gs;
      gs += n;
      nm = Math.max(nm, n);
      dirs = Math.max(dirs, dm[l] * nd + nd * nd);
      pairs = Math.max(pairs, dm[l] * nd * nd * (1 + nd));
    }
    gStride = gs;
    dDirs = dirs;
    dPairs = pairs;
    nmax = nm;
    long w = 3 * zStride + (long) dDirs * gStride + 2L * dDirs * nd * nmax
        + 2L * dPairs * nd * nmax + 2L * dPairs * nd;
    workStride = (w + 3) & ~3L;
    outPer = 2 * nd * nd * nd * nd * depth;
  }

  /** Layer ℓ's 2·N_D⁴ statistics of network g of a launch's output. */
  double[] stats(double[] out, int g, int layer) {
    int len = 2 * nd * nd * nd * nd;
    double[] s = new double[len];
    System.arraycopy(out, g * outPer + (layer - 1) * len, s, 0, len);
    return s;
  }
}

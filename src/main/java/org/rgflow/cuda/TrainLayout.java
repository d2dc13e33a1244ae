package org.rgflow.cuda;

import org.rgflow.act.DeviceActivations;
import org.rgflow.spec.NetworkSpec;

/**
 * The buffers of kernels/train.cu for one network shape and data set, shared by {@link CudaTrainer}
 * and the host-harness test (CudaTrainOnHostTest), so both launch with the same strides: per
 * network the parameters (W^{(ℓ)} row-major, then b^{(ℓ)}, ℓ = 1..L), the workspace (s^{(ℓ)}, s'^{(ℓ)}
 * for the hidden layers, z^{(L)}, ε, δ and the back-propagated δ, on N = max(N_A, N_B) points) and
 * the hidden signs at the training points. The step tensor is CpuTrainer's, computed the same way:
 * lrW[ℓ] = η λ_W(ℓ)/n_{ℓ−1}, lrB[ℓ] = η λ_b(ℓ).
 */
final class TrainLayout {
  final int depth;
  final int[] widths;
  final int na;
  final int nb;
  final int npts;
  final long pStride;
  final long wStride;
  final long sStride;
  final double[] lrW;
  final double[] lrB;
  final double[] lamWn;
  final double[] lamB;
  final double[] sw;
  final double[] sb;
  final int act;
  final double actA;
  final double actB;

  TrainLayout(NetworkSpec spec, int na, int nb, double eta) {
    depth = spec.depth();
    widths = new int[depth + 1];
    int maxW = 1;
    for (int l = 0; l <= depth; l++) {
      widths[l] = spec.width(l);
      if (l >= 1) {
        maxW = Math.max(maxW, widths[l]);
      }
    }
    this.na = na;
    this.nb = nb;
    npts = Math.max(na, nb);
    long p = 0;
    long w = 0;
    long s = 0;
    lrW = new double[depth + 1];
    lrB = new double[depth + 1];
    lamWn = new double[depth + 1];
    lamB = new double[depth + 1];
    sw = new double[depth + 1];
    sb = new double[depth + 1];
    for (int l = 1; l <= depth; l++) {
      p += (long) widths[l] * (widths[l - 1] + 1);
      if (l < depth) {
        w += 2L * npts * widths[l];
        s += (long) na * widths[l];
      }
      lrW[l] = eta * spec.lambdaW(l) / widths[l - 1];
      lrB[l] = eta * spec.lambdaB(l);
      lamWn[l] = spec.lambdaW(l) / widths[l - 1];
      lamB[l] = spec.lambdaB(l);
      sw[l] = Math.sqrt(spec.cw(l) / widths[l - 1]);
      sb[l] = Math.sqrt(spec.cb(l));
    }
    w += 2L * npts + 2L * npts * maxW;
    pStride = p;
    wStride = w;
    sStride = Math.max(1, s);
    DeviceActivations.Code c = DeviceActivations.of(spec.activation());
    if (c == null) {
      throw new UnsupportedOperationException("activation '" + spec.activation().name()
          + "' has no CUDA kernel; use the cpu backend");
    }
    act = c.code();
    actA = c.a();
    actB = c.b();
  }

  /** Offset of W^{(ℓ)} in a network's parameters (b^{(ℓ)} follows at + n_ℓ n_{ℓ−1}). */
  long weightOffset(int l) {
    long off = 0;
    for (int k = 1; k < l; k++) {
      off += (long) widths[k] * (widths[k - 1] + 1);
    }
    return off;
  }

  /** Hidden (neuron, training input) pairs whose sign flips are counted: N_A Σ_{ℓ<L} n_ℓ. */
  long signPairs() {
    long t = 0;
    for (int l = 1; l < depth; l++) {
      t += (long) na * widths[l];
    }
    return t;
  }
}

package org.rgflow.cuda;

import org.rgflow.spec.NetworkSpec;

/**
 * Where one network's outputs sit in the device buffers of a launch, and how to read them back: the
 * per-layer offsets into z, the NTK's backward vectors, Θ̂ and its measured pre-activations, the
 * strides between networks and the forward kernel's shared memory. {@link CudaEnsemble}'s session
 * allocates by it, and the host harness of the tests lays out the same buffers by it, so the two can
 * never disagree.
 */
class BufferLayout {
  final int depth;
  final int nd;
  final boolean ntk;
  final boolean keepZ;
  /** n_0..n_L ({@code spec.widths()} holds n_1..n_L only). */
  final int[] widths;
  final int[] zOff;
  final int[] vOff;
  final int[] tOff;
  /** Measured NTK neurons per layer, min(n_ℓ, ntkNeurons); 0 without the NTK. */
  final int[] m;
  final int sumsPer;
  final long zStride;
  final long gStride;
  final int ldG;
  final long thetaStride;
  final long zHeadStride;
  final int shmBytes;
  /**
   * γ^{(ℓ)} and ξ^{(ℓ)} of residual layers (layer/Residual), ℓ = 0..L; 0 and 1 for dense layers (the
   * kernels' last two arguments, gam and xis).
   */
  final float[] gamma;
  final float[] xi;

  /** Refuses (CudaLimits) NTK neuron counts whose Θ̂ offsets would not fit an int. */
  BufferLayout(NetworkSpec spec, int nd, int ntkNeurons, boolean keepZ, int sumsPer) {
    this.depth = spec.depth();
    this.nd = nd;
    this.ntk = ntkNeurons > 0;
    this.keepZ = keepZ;
    this.sumsPer = sumsPer;
    widths = new int[depth + 1];
    for (int l = 0; l <= depth; l++) {
      widths[l] = spec.width(l);
    }
    zOff = new int[depth + 1];
    vOff = new int[depth + 2];
    tOff = new int[depth + 1];
    m = new int[depth + 1];
    int nmaxAll = 1;
    int nmax = 1;
    long zPer = 0;
    long vPer = 0;
    long tPer = 0;
    for (int l = 0; l <= depth; l++) {
      nmaxAll = Math.max(nmaxAll, widths[l]);
      if (l >= 1) {
        nmax = Math.max(nmax, widths[l]);
        zOff[l] = (int) zPer;
        if (ntk || keepZ) {
          zPer += (long) nd * widths[l];
        }
        m[l] = ntk ? Math.min(widths[l], ntkNeurons) : 0;
        vOff[l] = (int) vPer;
        vPer += (long) m[l] * nd;
        tOff[l] = (int) tPer;
        tPer += (long) m[l] * nd * m[l] * nd;
      }
    }
    vOff[depth + 1] = (int) vPer;
    CudaLimits.checkNtkNeurons(spec, nd, ntkNeurons);  // tPer must fit the int offsets
    if (!(ntk || keepZ)) {
      zPer = (long) nd * nmax;
    }
    zStride = (zPer + 3) & ~3L;
    ldG = (nmax + 3) & ~3;
    gStride = ntk ? 2 * vPer * ldG : 0;
    thetaStride = tPer;
    zHeadStride = vPer;
    shmBytes = nd * ((nmaxAll + 3) & ~3) * Float.BYTES;
    gamma = new float[depth + 1];
    xi = new float[depth + 1];
    java.util.Arrays.fill(xi, 1.0f);
    for (int l = 1; l <= depth; l++) {
      if (spec.layer(l) instanceof org.rgflow.layer.Residual r) {
        gamma[l] = (float) r.gamma();
        xi[l] = (float) r.xi();
      }
    }
  }

  /** Device bytes per network: z, power sums, divergence flag, backward vectors, Θ̂, z head. */
  long deviceBytesPerNetwork() {
    return 4 * zStride + 8L * depth * sumsPer + 4 + 4 * gStride + 8 * thetaStride + 4 * zHeadStride;
  }

  /** Host bytes per network of the copies read back. */
  long hostBytesPerNetwork() {
    return 8L * depth * sumsPer + 4 + 8 * thetaStride + 4 * zHeadStride + (keepZ ? 4 * zStride : 0);
  }

  /** z^{(ℓ)}[α][i] of network g of a launch, from the z buffer (keepZ only). */
  double[][] z(float[] z, int g, int l) {
    int n = widths[l];
    double[][] out = new double[nd][n];
    long base = (long) g * zStride + zOff[l];
    for (int a = 0; a < nd; a++) {
      for (int i = 0; i < n; i++) {
        out[a][i] = z[(int) (base + (long) a * n + i)];
      }
    }
    return out;
  }

  /** Θ̂^{(ℓ)} over (neuron, input) pairs of network g, from the Θ̂ buffer. */
  double[][] theta(double[] theta, long g, int l) {
    int t = m[l] * nd;
    double[][] out = new double[t][t];
    long b = g * thetaStride + tOff[l];
    for (int p = 0; p < t; p++) {
      for (int q = 0; q < t; q++) {
        out[p][q] = theta[(int) (b + (long) p * t + q)];
      }
    }
    return out;
  }

  /** The measured neurons' pre-activations z^{(ℓ)}[α][i &lt; m_ℓ] of network g. */
  double[][] zHead(float[] zHead, long g, int l) {
    int mm = m[l];
    double[][] out = new double[nd][mm];
    long b = g * zHeadStride + vOff[l];
    for (int a = 0; a < nd; a++) {
      for (int i = 0; i < mm; i++) {
        out[a][i] = zHead[(int) (b + (long) a * mm + i)];
      }
    }
    return out;
  }

  /** The sumsPer power sums of layer ℓ of network g. */
  double[] sums(double[] sums, int g, int l) {
    double[] out = new double[sumsPer];
    System.arraycopy(sums, (g * depth + (l - 1)) * sumsPer, out, 0, sumsPer);
    return out;
  }
}

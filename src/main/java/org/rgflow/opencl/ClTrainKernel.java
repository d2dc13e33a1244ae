package org.rgflow.opencl;

import com.aparapi.Kernel;
import org.rgflow.act.DeviceActivations;

/**
 * The OpenCL trainer kernel (Aparapi): one work-item per network runs CpuTrainer's full-batch
 * gradient descent in double precision, the same operations in the same index order (the same
 * layout and phases as kernels/train.cu, which splits each phase over a thread block instead).
 *
 * <p>{@code ctl = {mode, count, nsteps, signMode}}: mode 0 the forward pass on the test points
 * (outB), 1 the forward pass on the training points with the loss and the empirical NTK (outA, loss,
 * ntk; signMode 1 records the hidden signs, 2 counts their flips), 2 up to nsteps GD steps (status 0
 * running, 1 stopped at loss ≤ tol, 2 diverged; steps taken; the last loss in lossS).
 *
 * <p>Per network (doubles): params = W^{(ℓ)} row-major then b^{(ℓ)}, ℓ = 1..L; work = s^{(ℓ)}, s'^{(ℓ)}
 * [N][n_ℓ] for the hidden layers, z^{(L)} [N], ε [N], δ [N][M], back [N][M]; M = max n_ℓ, N = max(N_A,
 * N_B). Napkin: 6 N_A P flops per step and network (P weights), one work-item streaming its own
 * weights: a CPU-style loop, correctness first (POCL in CI); no GPU speed is claimed.
 *
 * <p>Aparapi restrictions: primitive 1-D array fields only, no aliasing (the train and test inputs
 * are read through {@link #in}), no allocation; σ by the codes of {@link DeviceActivations}.
 */
class ClTrainKernel extends Kernel {
  static final int ACT_PIECEWISE_LINEAR = DeviceActivations.PWLIN;
  static final int ACT_TANH = DeviceActivations.TANH;
  static final int ACT_SIN = DeviceActivations.SIN;
  static final int ACT_SIGMOID = DeviceActivations.SIGMOID;
  static final int ACT_SOFTPLUS = DeviceActivations.SOFTPLUS;
  static final int ACT_SWISH = DeviceActivations.SWISH;
  static final double OVERFLOW = 1e150;

  int depth;
  int n0;
  int na;
  int nb;
  int npts;
  int pStride;
  int wStride;
  int sStride;
  int maxW;
  int act;
  double actA;
  double actB;
  double tol;
  int[] widths;
  /** {mode, count, nsteps, signMode}: an array, as Aparapi copies scalar fields only once. */
  int[] ctl;
  double[] xa;
  double[] xb;
  double[] y;
  double[] lrW;
  double[] lrB;
  double[] lamWn;
  double[] lamB;
  double[] params;
  double[] work;
  double[] outA;
  double[] outB;
  double[] loss;
  double[] lossS;
  double[] ntk;
  int[] signs;
  int[] flips;
  int[] status;
  int[] steps;

  @Override
  public void run() {
    int gid = getGlobalId();
    if (gid < ctl[1]) {
      int mode = ctl[0];
      if (mode == 0) {
        fwd(gid, 0, nb, 0);
        for (int b = 0; b < nb; b++) {
          outB[gid * nb + b] = work[gid * wStride + zout() + b];
        }
      } else if (mode == 1) {
        fwd(gid, 1, na, ctl[3]);
        double l = lossOf(gid);
        loss[gid] = l;
        for (int a = 0; a < na; a++) {
          outA[gid * na + a] = work[gid * wStride + zout() + a];
        }
        bwd(gid, 0, 1);
      } else if (status[gid] == 0) {
        int n = ctl[2];
        for (int s = 0; s < n && status[gid] == 0; s++) {
          fwd(gid, 1, na, 0);
          double l = lossOf(gid);
          lossS[gid] = l;
          if (!(l < OVERFLOW)) {
            status[gid] = 2;
          } else if (tol > 0 && l <= tol) {
            status[gid] = 1;
          } else {
            bwd(gid, 1, 0);
            steps[gid] = steps[gid] + 1;
          }
        }
      }
    }
  }

  int poff(int l) {
    int off = 0;
    for (int k = 1; k < l; k++) {
      off += widths[k] * (widths[k - 1] + 1);
    }
    return off;
  }

  int sigOff(int l) {
    int off = 0;
    for (int k = 1; k < l; k++) {
      off += 2 * npts * widths[k];
    }
    return off;
  }

  int zout() {
    return sigOff(depth);
  }

  /** s^{(ℓ−1)}_{a;j} for layer ℓ's input: x (train or test) at ℓ = 1, else the workspace. */
  double in(int gid, int train, int l, int idx) {
    double v = 0;
    if (l == 1) {
      if (train == 1) {
        v = xa[idx];
      } else {
        v = xb[idx];
      }
    } else {
      v = work[gid * wStride + sigOff(l - 1) + idx];
    }
    return v;
  }

  double sigma(double v) {
    double s = 0;
    if (act == ACT_PIECEWISE_LINEAR) {
      s = v >= 0 ? actA * v : actB * v;
    } else if (act == ACT_TANH) {
      double t = Math.exp(-2.0 * Math.abs(v));
      s = (1.0 - t) / (1.0 + t);
      if (v < 0) {
        s = -s;
      }
    } else if (act == ACT_SIN) {
      s = Math.sin(v);
    } else if (act == ACT_SIGMOID) {
      s = 1.0 / (1.0 + Math.exp(-v));
    } else if (act == ACT_SOFTPLUS) {
      s = Math.max(v, 0.0) + Math.log(1.0 + Math.exp(-Math.abs(v)));
    } else if (act == ACT_SWISH) {
      s = v / (1.0 + Math.exp(-v));
    }
    return s;
  }

  double dsigma(double v) {
    double d = 0;
    if (act == ACT_PIECEWISE_LINEAR) {
      d = v >= 0 ? actA : actB;
    } else if (act == ACT_TANH) {
      double t = Math.exp(-2.0 * Math.abs(v));
      double th = (1.0 - t) / (1.0 + t);
      d = 1.0 - th * th;
    } else if (act == ACT_SIN) {
      d = Math.cos(v);
    } else if (act == ACT_SIGMOID) {
      double g = 1.0 / (1.0 + Math.exp(-v));
      d = g * (1.0 - g);
    } else if (act == ACT_SOFTPLUS) {
      d = 1.0 / (1.0 + Math.exp(-v));
    } else if (act == ACT_SWISH) {
      double g = 1.0 / (1.0 + Math.exp(-v));
      d = g * (1.0 + v * (1.0 - g));
    }
    return d;
  }

  void fwd(int gid, int train, int count, int signMode) {
    int p = gid * pStride;
    int w = gid * wStride;
    int so = gid * sStride;
    int nf = 0;
    for (int l = 1; l <= depth; l++) {
      int nIn = widths[l - 1];
      int nOut = widths[l];
      int wo = p + poff(l);
      int bo = wo + nOut * nIn;
      int sg = w + sigOff(l);
      for (int a = 0; a < count; a++) {
        for (int i = 0; i < nOut; i++) {
          double acc = params[bo + i];
          for (int j = 0; j < nIn; j++) {
            acc += params[wo + i * nIn + j] * in(gid, train, l, a * nIn + j);
          }
          if (l < depth) {
            work[sg + a * nOut + i] = sigma(acc);
            work[sg + npts * nOut + a * nOut + i] = dsigma(acc);
            int sv = acc > 0 ? 1 : 0;
            if (signMode == 1) {
              signs[so + a * nOut + i] = sv;
            } else if (signMode == 2 && signs[so + a * nOut + i] != sv) {
              nf++;
            }
          } else if (i == 0) {
            work[w + zout() + a] = acc;
          }
        }
      }
      if (l < depth) {
        so += count * nOut;
      }
    }
    if (signMode == 2) {
      flips[gid] = nf;
    }
  }

  double lossOf(int gid) {
    int w = gid * wStride + zout();
    double s = 0;
    for (int a = 0; a < na; a++) {
      double e = work[w + a] - y[a];
      work[w + npts + a] = e;
      s += 0.5 * e * e;
    }
    return s;
  }

  void bwd(int gid, int update, int withNtk) {
    int p = gid * pStride;
    int w = gid * wStride;
    int eo = w + zout() + npts;
    int dl = eo + npts;
    int bk = dl + npts * maxW;
    int no = gid * na * na;
    for (int a = 0; a < na; a++) {
      work[dl + a * maxW] = 1.0;
    }
    if (withNtk == 1) {
      for (int k = 0; k < na * na; k++) {
        ntk[no + k] = 0;
      }
    }
    for (int l = depth; l >= 1; l--) {
      int nOut = widths[l];
      int nIn = widths[l - 1];
      int wo = p + poff(l);
      int bo = wo + nOut * nIn;
      if (withNtk == 1) {
        for (int a = 0; a < na; a++) {
          for (int b = a; b < na; b++) {
            double dd = 0;
            for (int i = 0; i < nOut; i++) {
              dd += work[dl + a * maxW + i] * work[dl + b * maxW + i];
            }
            double ss = 0;
            for (int j = 0; j < nIn; j++) {
              ss += in(gid, 1, l, a * nIn + j) * in(gid, 1, l, b * nIn + j);
            }
            double v = dd * (lamB[l] + lamWn[l] * ss);
            ntk[no + a * na + b] += v;
            if (b != a) {
              ntk[no + b * na + a] += v;
            }
          }
        }
      }
      if (l > 1) {
        for (int a = 0; a < na; a++) {
          for (int j = 0; j < nIn; j++) {
            double acc = 0;
            for (int i = 0; i < nOut; i++) {
              acc += params[wo + i * nIn + j] * work[dl + a * maxW + i];
            }
            work[bk + a * maxW + j] = acc;
          }
        }
      }
      if (update == 1) {
        for (int i = 0; i < nOut; i++) {
          double gb = 0;
          for (int a = 0; a < na; a++) {
            double g = work[eo + a] * work[dl + a * maxW + i];
            gb += g;
            if (g != 0) {
              double c = -lrW[l] * g;
              for (int j = 0; j < nIn; j++) {
                params[wo + i * nIn + j] += c * in(gid, 1, l, a * nIn + j);
              }
            }
          }
          params[bo + i] -= lrB[l] * gb;
        }
      }
      if (l > 1) {
        int ds = w + sigOff(l - 1) + npts * nIn;
        for (int a = 0; a < na; a++) {
          for (int j = 0; j < nIn; j++) {
            work[dl + a * maxW + j] = work[bk + a * maxW + j] * work[ds + a * nIn + j];
          }
        }
      }
    }
  }
}

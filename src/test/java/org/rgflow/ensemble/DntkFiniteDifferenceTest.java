package org.rgflow.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.rng.InitRng;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The dNTK sweep ({@link DntkSweep}) against its definition dΘ̂_{i0i1i2} = Σ λλ d²z_{i0}/dθdθ ·
 * dz_{i1}/dθ · dz_{i2}/dθ on explicit small networks (depth 4, two inputs, unequal widths, per-layer
 * C_b, C_W, λ): parameters materialised from the contract, gradients by central differences
 * (h = 1e-6, error ≈ 1e-10), and the second derivative along the NTK directions u = λ∇z (|u| ≈ 3) by
 * four-point differences at h = 4e-3, 2e-3, 1e-3, Richardson-extrapolated twice: one extrapolation
 * alone left 2e-6 (the h⁴ term is large here); two leave ≈ (h|u|)⁶ ≲ 1e-8, rounding ≈ 1e-16/h² ≈ 1e-10.
 * Tolerance 1e-6·(1 + |ref|); a missing term or wrong index is O(1).
 */
class DntkFiniteDifferenceTest {

  /** An explicit MLP over a flat parameter vector (per layer: W row-major, then b). */
  static final class Explicit {
    final NetworkSpec spec;
    final int[] start;
    final int size;

    Explicit(NetworkSpec spec) {
      this.spec = spec;
      int depth = spec.depth();
      start = new int[depth + 2];
      int off = 0;
      for (int l = 1; l <= depth; l++) {
        start[l] = off;
        off += spec.width(l) * spec.width(l - 1) + spec.width(l);
      }
      start[depth + 1] = off;
      size = off;
    }

    int weight(int l, int i, int j) {
      return start[l] + i * spec.width(l - 1) + j;
    }

    int bias(int l, int i) {
      return start[l] + spec.width(l) * spec.width(l - 1) + i;
    }

    double[] params(long seed, long e) {
      double[] th = new double[size];
      for (int l = 1; l <= spec.depth(); l++) {
        int nIn = spec.width(l - 1);
        for (int i = 0; i < spec.width(l); i++) {
          th[bias(l, i)] = Math.sqrt(spec.cb(l)) * InitRng.biasGaussian(seed, e, l, i);
          for (int j = 0; j < nIn; j++) {
            th[weight(l, i, j)] = Math.sqrt(spec.cw(l) / nIn) * InitRng.weightGaussian(seed, e, l, i, j);
          }
        }
      }
      return th;
    }

    /** λ_μ of every parameter. */
    double[] rates() {
      double[] r = new double[size];
      for (int l = 1; l <= spec.depth(); l++) {
        int nIn = spec.width(l - 1);
        for (int i = 0; i < spec.width(l); i++) {
          r[bias(l, i)] = spec.lambdaB(l);
          for (int j = 0; j < nIn; j++) {
            r[weight(l, i, j)] = spec.lambdaW(l) / nIn;
          }
        }
      }
      return r;
    }

    double[] z(double[] th, double[] x, int layer) {
      Activation act = spec.activation();
      double[] s = x;
      double[] z = null;
      for (int l = 1; l <= layer; l++) {
        int nIn = spec.width(l - 1);
        z = new double[spec.width(l)];
        for (int i = 0; i < z.length; i++) {
          double v = th[bias(l, i)];
          for (int j = 0; j < nIn; j++) {
            v += th[weight(l, i, j)] * s[j];
          }
          z[i] = v;
        }
        s = new double[z.length];
        for (int i = 0; i < z.length; i++) {
          s[i] = act.value(z[i]);
        }
      }
      return z;
    }

    /** grad[i][μ] = dz^{(layer)}_i/dθ_μ by central differences. */
    double[][] jacobian(double[] th, double[] x, int layer) {
      double h = 1e-6;
      double[][] jac = new double[spec.width(layer)][size];
      double[] t = th.clone();
      for (int mu = 0; mu < size; mu++) {
        t[mu] = th[mu] + h;
        double[] plus = z(t, x, layer);
        t[mu] = th[mu] - h;
        double[] minus = z(t, x, layer);
        t[mu] = th[mu];
        for (int i = 0; i < plus.length; i++) {
          jac[i][mu] = (plus[i] - minus[i]) / (2 * h);
        }
      }
      return jac;
    }

    /**
     * ∂_{u1}∂_{u2} z^{(layer)} by four-point differences at h = 4e-3, 2e-3, 1e-3, Richardson-extrapolated
     * twice (errors h², h⁴ removed).
     */
    double[] second(double[] th, double[] x, int layer, double[] u1, double[] u2) {
      double[] d1 = fourPoint(th, x, layer, u1, u2, 4e-3);
      double[] d2 = fourPoint(th, x, layer, u1, u2, 2e-3);
      double[] d3 = fourPoint(th, x, layer, u1, u2, 1e-3);
      double[] out = new double[d1.length];
      for (int i = 0; i < out.length; i++) {
        double r1 = (4 * d2[i] - d1[i]) / 3;
        double r2 = (4 * d3[i] - d2[i]) / 3;
        out[i] = (16 * r2 - r1) / 15;
      }
      return out;
    }

    double[] fourPoint(double[] th, double[] x, int layer, double[] u1, double[] u2, double h) {
      double[] out = new double[spec.width(layer)];
      for (int s1 = -1; s1 <= 1; s1 += 2) {
        for (int s2 = -1; s2 <= 1; s2 += 2) {
          double[] t = new double[size];
          for (int mu = 0; mu < size; mu++) {
            t[mu] = th[mu] + h * (s1 * u1[mu] + s2 * u2[mu]);
          }
          double[] zz = z(t, x, layer);
          for (int i = 0; i < out.length; i++) {
            out[i] += s1 * s2 * zz[i] / (4 * h * h);
          }
        }
      }
      return out;
    }
  }

  private static void check(Activation act, int[] widths, int n0, int neurons) {
    int depth = widths.length;
    double[] cb = new double[depth];
    double[] cw = new double[depth];
    double[] lb = new double[depth];
    double[] lw = new double[depth];
    for (int l = 0; l < depth; l++) {
      cb[l] = 0.1 + 0.05 * l;
      cw[l] = 1.5 + 0.1 * l;
      lb[l] = 0.7 + 0.2 * l;
      lw[l] = 1.3 - 0.1 * l;
    }
    NetworkSpec spec = new NetworkSpec(n0, widths, act, cb, cw, lb, lw);
    int nd = 2;
    double[][] xs = new double[nd][n0];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < n0; j++) {
        xs[a][j] = Math.sin(1.0 + a * 2.3 + j * 0.7);
      }
    }
    Inputs inputs = new Inputs(xs);
    long seed = 0x5eedL;
    long e = 7;
    CpuNetwork net = new CpuNetwork(spec, inputs, seed, 0);
    net.run(e);
    DntkSweep sweep = new DntkSweep(spec, inputs, seed, neurons);
    sweep.run(e, net.z, net.sig);

    Explicit ex = new Explicit(spec);
    double[] th = ex.params(seed, e);
    double[] rate = ex.rates();
    int checked = 0;
    double maxAbs = 0;
    double maxMixed = 0;
    for (int t = 1; t <= depth; t++) {
      int n = spec.width(t);
      int m = Math.min(n, neurons);
      double[][] z = new double[nd][];
      double[][][] jac = new double[nd][][];
      double[][][] u = new double[nd][n][ex.size];
      double[][][] uc = new double[nd][nd][ex.size];
      for (int a = 0; a < nd; a++) {
        z[a] = ex.z(th, xs[a], t);
        jac[a] = ex.jacobian(th, xs[a], t);
        for (int k = 0; k < n; k++) {
          for (int mu = 0; mu < ex.size; mu++) {
            u[a][k][mu] = rate[mu] * jac[a][k][mu];
          }
        }
      }
      for (int a2 = 0; a2 < nd; a2++) {
        for (int a3 = 0; a3 < nd; a3++) {
          for (int k = 0; k < n; k++) {
            for (int mu = 0; mu < ex.size; mu++) {
              uc[a2][a3][mu] += z[a3][k] * u[a2][k][mu];
            }
          }
        }
      }
      double[][][][][] kk = new double[m][nd][nd][nd][]; // [k][β][α1][α2][i0]
      for (int k = 0; k < m; k++) {
        for (int b = 0; b < nd; b++) {
          for (int a = 0; a < nd; a++) {
            // first order: ż^{(t)}_{i0;β} = Θ̂_{i0 k;β α}
            double[] tan = sweep.tangent(t, b, a, k);
            for (int i0 = 0; i0 < n; i0++) {
              double ref = 0;
              for (int mu = 0; mu < ex.size; mu++) {
                ref += jac[b][i0][mu] * u[a][k][mu];
              }
              assertEquals(ref, tan[i0], 1e-8 * (1 + Math.abs(ref)), "Θ̂ t=" + t + " β=" + b + " α=" + a);
            }
          }
          for (int a1 = 0; a1 < nd; a1++) {
            for (int a2 = 0; a2 < nd; a2++) {
              double[] ref = ex.second(th, xs[b], t, u[a1][k], u[a2][k]);
              double[] got = sweep.diagonal(t, b, a1, a2, k);
              kk[k][b][a1][a2] = ref;
              for (int i0 = 0; i0 < n; i0++) {
                assertEquals(ref[i0], got[i0], 1e-6 * (1 + Math.abs(ref[i0])),
                    "dΘ̂_{i0 k k} t=" + t + " β=" + b + " α=" + a1 + a2 + " i0=" + i0 + " k=" + k);
                maxAbs = Math.max(maxAbs, Math.abs(ref[i0]));
                if (a1 != a2 || a1 != b) {
                  maxMixed = Math.max(maxMixed, Math.abs(ref[i0]));
                }
                checked++;
              }
              for (int a3 = 0; a3 < nd; a3++) {
                double[] refC = ex.second(th, xs[b], t, u[a1][k], uc[a2][a3]);
                double[] gotC = sweep.withC(t, b, a1, a2, a3, k);
                for (int i0 = 0; i0 < n; i0++) {
                  assertEquals(refC[i0], gotC[i0], 1e-6 * (1 + Math.abs(refC[i0])),
                      "Σ z dΘ̂_{i0 k ·} t=" + t + " β=" + b + " α=" + a1 + a2 + a3 + " i0=" + i0);
                  checked++;
                }
              }
            }
          }
        }
      }
      // the statistics
      double norm = (double) m * (n - 1);
      int n4 = nd * nd * nd * nd;
      for (int a0 = 0; a0 < nd; a0++) {
        for (int a1 = 0; a1 < nd; a1++) {
          for (int a2 = 0; a2 < nd; a2++) {
            for (int a3 = 0; a3 < nd; a3++) {
              double p = 0;
              double q = 0;
              for (int k = 0; k < m; k++) {
                double[] ref = kk[k][a0][a1][a2];
                for (int i0 = 0; i0 < n; i0++) {
                  if (i0 != k) {
                    p += z[a3][i0] * ref[i0];
                  }
                }
                q += ex.second(th, xs[a0], t, u[a1][k], uc[a2][a3])[k] - z[a3][k] * ref[k];
              }
              int f = ((a0 * nd + a1) * nd + a2) * nd + a3;
              assertEquals(p / norm, sweep.stats[t][f], 1e-6 * (1 + Math.abs(p / norm)), "p t=" + t);
              assertEquals(q / norm, sweep.stats[t][n4 + f], 1e-6 * (1 + Math.abs(q / norm)), "q t=" + t);
              if (t == 1) {
                assertEquals(0, sweep.stats[t][f], 0);
                assertEquals(0, sweep.stats[t][n4 + f], 0);
              }
            }
          }
        }
      }
    }
    assertTrue(checked > 0);
    assertTrue(maxAbs > 0.05, "dNTK not vacuous: max |dΘ̂| = " + maxAbs);
    assertTrue(maxMixed > 0.05, "mixed-input components not vacuous: " + maxMixed);
  }

  @Test
  void tanhDepthFourTwoInputs() {
    check(Activations.tanh(), new int[] {5, 4, 6, 3}, 3, 2);
  }

  @Test
  void geluDepthFourTwoInputs() {
    check(Activations.gelu(), new int[] {4, 6, 3, 5}, 3, 3);
  }
}

package org.rgflow.ensemble;

import org.rgflow.act.Activations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.rgflow.act.Activation;
import org.junit.jupiter.api.Test;
import org.rgflow.rng.InitRng;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The key correctness test of the NTK sweep: Θ̂ of {@link CpuEnsemble#network} against the
 * definition Θ̂_{ik;αβ} = Σ_μ λ_μ (dz_{i;α}/dθ_μ)(dz_{k;β}/dθ_μ), with the Jacobian by central finite
 * differences on an explicit copy of the network (weights and biases materialised from the
 * contract, so this also checks the forward pass). Tolerance: central differences with step h = 1e-5
 * have truncation error ~h²·|z'''| ≈ 1e-10 and rounding error ~1e-16/h ≈ 1e-11 per derivative;
 * 1e-7·(1 + |Θ̂|) leaves a wide margin while any wrong index or missing term is O(1).
 * Run: {@code mvn -q test -Dtest=NtkFiniteDifferenceTest}.
 */
class NtkFiniteDifferenceTest {

  /** Explicit network: w[ℓ][i][j] (scaled), b[ℓ][i]. */
  private static double[][] forwardAll(NetworkSpec spec, double[][][] w, double[][] b, double[] x) {
    int depth = spec.depth();
    double[][] z = new double[depth + 1][];
    double[] s = x;
    for (int l = 1; l <= depth; l++) {
      z[l] = new double[spec.width(l)];
      for (int i = 0; i < spec.width(l); i++) {
        double v = b[l][i];
        for (int j = 0; j < spec.width(l - 1); j++) {
          v += w[l][i][j] * s[j];
        }
        z[l][i] = v;
      }
      double[] next = new double[z[l].length];
      for (int i = 0; i < next.length; i++) {
        next[i] = spec.activation().value(z[l][i]);
      }
      s = next;
    }
    return z;
  }

  private static void check(Activation act, int[] widths, int n0, int nd, int ntkNeurons) {
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
    double[][] xs = new double[nd][n0];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < n0; j++) {
        xs[a][j] = Math.sin(1.0 + a * 2.3 + j * 0.7);
      }
    }
    Inputs inputs = new Inputs(xs);
    long seed = 0xfeedbeefL;
    long e = 3;
    NetworkSample sample = CpuEnsemble.network(spec, inputs, seed, e, ntkNeurons);

    // Materialise the parameters from the contract.
    double[][][] w = new double[depth + 1][][];
    double[][] b = new double[depth + 1][];
    for (int l = 1; l <= depth; l++) {
      int nIn = spec.width(l - 1);
      int nOut = spec.width(l);
      w[l] = new double[nOut][nIn];
      b[l] = new double[nOut];
      for (int i = 0; i < nOut; i++) {
        b[l][i] = Math.sqrt(spec.cb(l)) * InitRng.biasGaussian(seed, e, l, i);
        for (int j = 0; j < nIn; j++) {
          w[l][i][j] = Math.sqrt(spec.cw(l) / nIn) * InitRng.weightGaussian(seed, e, l, i, j);
        }
      }
    }
    double[][][] z0 = new double[nd][][];
    for (int a = 0; a < nd; a++) {
      z0[a] = forwardAll(spec, w, b, xs[a]);
      for (int l = 1; l <= depth; l++) {
        for (int i = 0; i < spec.width(l); i++) {
          double ref = z0[a][l][i];
          assertEquals(ref, sample.z(l, a, i), 1e-12 * (1 + Math.abs(ref)), "z l=" + l + " i=" + i);
        }
      }
    }
    // Jacobian by central differences: jac[a][l][i][μ], accumulate Θ̂ with λ_μ.
    int checked = 0;
    double h = 1e-5;
    for (int l = 1; l <= depth; l++) {
      int m = Math.min(spec.width(l), ntkNeurons);
      double[][][] theta = new double[m * nd][m * nd][1];
      for (int lp = 1; lp <= l; lp++) {
        int nIn = spec.width(lp - 1);
        for (int r = 0; r < spec.width(lp); r++) {
          for (int j = -1; j < nIn; j++) { // j = −1: the bias
            double lambda = j < 0 ? spec.lambdaB(lp) : spec.lambdaW(lp) / nIn;
            double[] grad = new double[m * nd];
            double saved = j < 0 ? b[lp][r] : w[lp][r][j];
            for (int a = 0; a < nd; a++) {
              setParam(w, b, lp, r, j, saved + h);
              double[] plus = forwardAll(spec, w, b, xs[a])[l];
              setParam(w, b, lp, r, j, saved - h);
              double[] minus = forwardAll(spec, w, b, xs[a])[l];
              setParam(w, b, lp, r, j, saved);
              for (int i = 0; i < m; i++) {
                grad[i * nd + a] = (plus[i] - minus[i]) / (2 * h);
              }
            }
            for (int t1 = 0; t1 < m * nd; t1++) {
              for (int t2 = 0; t2 < m * nd; t2++) {
                theta[t1][t2][0] += lambda * grad[t1] * grad[t2];
              }
            }
          }
        }
      }
      for (int i = 0; i < m; i++) {
        for (int k = 0; k < m; k++) {
          for (int a = 0; a < nd; a++) {
            for (int bb = 0; bb < nd; bb++) {
              double ref = theta[i * nd + a][k * nd + bb][0];
              double got = sample.theta(l, i, k, a, bb);
              assertEquals(ref, got, 1e-7 * (1 + Math.abs(ref)),
                  "Θ̂ layer " + l + " i=" + i + " k=" + k + " α=" + a + " β=" + bb);
              checked++;
            }
          }
        }
      }
    }
    assertTrue(checked > 0);
  }

  private static void setParam(double[][][] w, double[][] b, int l, int r, int j, double v) {
    if (j < 0) {
      b[l][r] = v;
    } else {
      w[l][r][j] = v;
    }
  }

  @Test
  void tanhTwoInputsUnequalWidths() {
    check(Activations.tanh(), new int[] {5, 3, 6, 4}, 3, 2, 3);
  }

  @Test
  void reluThreeInputsAllNeurons() {
    check(Activations.relu(), new int[] {4, 7, 2}, 5, 3, 10);
  }

  @Test
  void widthOneAndSingleInput() {
    check(Activations.tanh(), new int[] {1, 3, 1}, 2, 1, 2);
  }
}

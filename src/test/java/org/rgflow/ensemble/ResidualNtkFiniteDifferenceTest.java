package org.rgflow.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.layer.Residual;
import org.rgflow.rng.InitRng;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The residual layer's sampler step against the definitions (docs/THEORY.md §14): the forward pass
 * z^{(ℓ)} = γ z^{(ℓ−1)} + ξ (b + W σ(z^{(ℓ−1)})) and Θ̂_{ik;αβ} = Σ_μ λ_μ (dz_{i;α}/dθ_μ)(dz_{k;β}/dθ_μ)
 * on an explicit copy of the network (weights from the contract), the Jacobian by central
 * differences with h = 1e-5 (error ≈ 1e-10); tolerance 1e-7·(1 + |Θ̂|) as in
 * {@link NtkFiniteDifferenceTest}. Per-layer γ and ξ differ, so a swapped or missing factor is O(1).
 * Run: {@code mvn -q test -Dtest=ResidualNtkFiniteDifferenceTest}.
 */
class ResidualNtkFiniteDifferenceTest {

  private static double[][] forwardAll(NetworkSpec spec, double[][][] w, double[][] b, double[] x) {
    int depth = spec.depth();
    double[][] z = new double[depth + 1][];
    double[] s = x;
    for (int l = 1; l <= depth; l++) {
      double g = l == 1 ? 0 : ((Residual) spec.layer(l)).gamma();
      double xi = l == 1 ? 1 : ((Residual) spec.layer(l)).xi();
      z[l] = new double[spec.width(l)];
      for (int i = 0; i < spec.width(l); i++) {
        double v = b[l][i];
        for (int j = 0; j < spec.width(l - 1); j++) {
          v += w[l][i][j] * s[j];
        }
        z[l][i] = xi * v + (l == 1 ? 0 : g * z[l - 1][i]);
      }
      double[] next = new double[z[l].length];
      for (int i = 0; i < next.length; i++) {
        next[i] = spec.activation().value(z[l][i]);
      }
      s = next;
    }
    return z;
  }

  private static void check(Activation act, int n, int depth, int n0, int nd) {
    NetworkSpec dense = new NetworkSpec(n0, fill(n, depth), act, vals(depth, 0.1, 0.05),
        vals(depth, 1.5, 0.1), vals(depth, 0.7, 0.2), vals(depth, 1.3, -0.1));
    NetworkSpec spec = new NetworkSpec(n0, act, Residual.network(dense.layers(),
        new double[] {0.6, 0.3, 0.9}, new double[] {0.8, 1.2, 0.5}));
    assertEquals(List.of("dense", "residual", "residual", "residual"),
        spec.layers().stream().map(l -> l.kind()).toList());
    double[][] xs = new double[nd][n0];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < n0; j++) {
        xs[a][j] = Math.sin(1.0 + a * 2.3 + j * 0.7);
      }
    }
    long seed = 0xabcdefL;
    long e = 5;
    NetworkSample sample = CpuEnsemble.network(spec, new Inputs(xs), seed, e, n);
    double[][][] w = new double[depth + 1][][];
    double[][] b = new double[depth + 1][];
    for (int l = 1; l <= depth; l++) {
      int nIn = spec.width(l - 1);
      w[l] = new double[n][nIn];
      b[l] = new double[n];
      for (int i = 0; i < n; i++) {
        b[l][i] = Math.sqrt(spec.cb(l)) * InitRng.biasGaussian(seed, e, l, i);
        for (int j = 0; j < nIn; j++) {
          w[l][i][j] = Math.sqrt(spec.cw(l) / nIn) * InitRng.weightGaussian(seed, e, l, i, j);
        }
      }
    }
    for (int a = 0; a < nd; a++) {
      double[][] z = forwardAll(spec, w, b, xs[a]);
      for (int l = 1; l <= depth; l++) {
        for (int i = 0; i < n; i++) {
          assertEquals(z[l][i], sample.z(l, a, i), 1e-12 * (1 + Math.abs(z[l][i])), "z " + l + " " + i);
        }
      }
    }
    double h = 1e-5;
    int checked = 0;
    for (int l = 1; l <= depth; l++) {
      double[][] theta = new double[n * nd][n * nd];
      for (int lp = 1; lp <= l; lp++) {
        int nIn = spec.width(lp - 1);
        for (int r = 0; r < n; r++) {
          for (int j = -1; j < nIn; j++) {
            double lambda = j < 0 ? spec.lambdaB(lp) : spec.lambdaW(lp) / nIn;
            double[] grad = new double[n * nd];
            double saved = j < 0 ? b[lp][r] : w[lp][r][j];
            for (int a = 0; a < nd; a++) {
              set(w, b, lp, r, j, saved + h);
              double[] plus = forwardAll(spec, w, b, xs[a])[l];
              set(w, b, lp, r, j, saved - h);
              double[] minus = forwardAll(spec, w, b, xs[a])[l];
              set(w, b, lp, r, j, saved);
              for (int i = 0; i < n; i++) {
                grad[i * nd + a] = (plus[i] - minus[i]) / (2 * h);
              }
            }
            for (int t1 = 0; t1 < n * nd; t1++) {
              for (int t2 = 0; t2 < n * nd; t2++) {
                theta[t1][t2] += lambda * grad[t1] * grad[t2];
              }
            }
          }
        }
      }
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
          for (int a = 0; a < nd; a++) {
            for (int bb = 0; bb < nd; bb++) {
              double ref = theta[i * nd + a][k * nd + bb];
              assertEquals(ref, sample.theta(l, i, k, a, bb), 1e-7 * (1 + Math.abs(ref)),
                  "Θ̂ layer " + l + " i=" + i + " k=" + k + " α=" + a + " β=" + bb);
              checked++;
            }
          }
        }
      }
    }
    assertTrue(checked == depth * n * n * nd * nd);
  }

  private static int[] fill(int n, int depth) {
    int[] w = new int[depth];
    java.util.Arrays.fill(w, n);
    return w;
  }

  private static double[] vals(int depth, double a, double step) {
    double[] v = new double[depth];
    for (int l = 0; l < depth; l++) {
      v[l] = a + step * l;
    }
    return v;
  }

  private static void set(double[][][] w, double[][] b, int l, int r, int j, double v) {
    if (j < 0) {
      b[l][r] = v;
    } else {
      w[l][r][j] = v;
    }
  }

  @Test
  void tanhTwoInputs() {
    check(Activations.tanh(), 4, 4, 3, 2);
  }

  @Test
  void reluThreeInputs() {
    check(Activations.relu(), 5, 4, 2, 3);
  }
}

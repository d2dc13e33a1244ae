package org.rgflow.ensemble;

import java.util.Arrays;
import org.rgflow.act.Activation;
import org.rgflow.core.Sums;
import org.rgflow.layer.Dense;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Weights;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The dNTK statistics of one network of the direct sampler (docs/THEORY.md §16), for every layer t and
 * input α, after {@link CpuNetwork}'s forward pass; weights are regenerated row by row from the
 * randomness contract, nothing of size n² is stored.
 *
 * <p>With u_{kα} = λ∇_θ z^{(t)}_{k;α} (the NTK direction of neuron k: λ_b g on the biases and
 * (λ_W/n_{a−1}) g ⊗ σ^{(a−1)}_α on the weights of layer a, g^{(a)} = ∂z^{(t)}_k/∂z^{(a)}), the dNTK is a
 * second directional derivative: dΘ̂_{i0 k1 k2;ααα} = ∂_{u_{k1}}∂_{u_{k2}} z^{(t)}_{i0;α}, for every i0 at
 * once. One sweep down carries g for the measured neurons k ∈ S and for c = Σ_k z_{k;α} e_k (its
 * direction is Σ_k z_k u_k, so its dNTK is Σ_k z_k dΘ̂_{·,·,k}); one sweep up carries the first-order
 * tangents ż (ż^{(t)}_i = Θ̂_{ik}) and the second-order ones z̈ of the pairs (k, k) and (i, c):
 *
 * <pre>
 * ż^{(1)} = coef^{(1)} g^{(1)},   ż^{(a+1)} = coef^{(a+1)} g^{(a+1)} + W (σ′ ⊙ ż^{(a)})
 * z̈^{(1)} = 0,   z̈^{(a+1)} = W (σ″ ⊙ ż₁ ⊙ ż₂ + σ′ ⊙ z̈^{(a)})
 *                 + (λ_W/n_a) [g₁^{(a+1)} σ^{(a)}·(σ′ ⊙ ż₂^{(a)}) + g₂^{(a+1)} σ^{(a)}·(σ′ ⊙ ż₁^{(a)})]
 * </pre>
 *
 * coef^{(a)} = λ_b + (λ_W/n_{a−1}) σ^{(a−1)}_α·σ^{(a−1)}_α. Statistics per layer, 2·N_D numbers
 * ({@link org.rgflow.stats.DntkBlock}): p_α = Σ_{k∈S} Σ_{i≠k} z_i dΘ̂_{ikk} / (m(n−1)) and
 * q_α = Σ_{i∈S} (z̈^{(i,c)}_i − z_i dΘ̂_{iii}) / (m(n−1)). Cost per network and input, with m measured
 * neurons: (m+1) vectors down and 3m+1 up through every layer below each target, plus two regenerations
 * of the weights. Dense layers only.
 */
final class DntkSweep {
  private final int depth;
  private final int nd;
  private final int[] w;
  private final double[] sw;
  private final double[] lb;
  private final double[] lw;
  private final Activation act;
  private final long seed;
  private final int[] m;
  private final double[][][] d1;
  private final double[][][] d2;
  /** g[t][α][dir][a], a = 1..t; dir m[t] is c. */
  private final double[][][][][] g;
  private final double[][][][] zd;
  private final double[][][][] zdNext;
  private final double[][][][] zdd;
  private final double[][][][] zddNext;
  private final double[][][][] hBuf;
  private final double[][][][] rBuf;
  private final double[] row;
  private final double[][] vin;
  private final double[][] vout;
  private final int[] valpha;
  /** stats[t][0..2N_D): p_α then q_α. */
  final double[][] stats;

  /** Why the sweep cannot measure {@code spec}, or null when it can. */
  static String unsupported(NetworkSpec spec) {
    for (Layer l : spec.layers()) {
      if (!(l instanceof Dense)) {
        return "the dNTK is measured for dense layers only";
      }
    }
    if (spec.activation().derivativeIsSingular()) {
      return "sigma' of " + spec.activation().name() + " is a Dirac delta";
    }
    return null;
  }

  DntkSweep(NetworkSpec spec, Inputs inputs, long seed, int neurons) {
    LayerScales sc = new LayerScales(spec, inputs);
    depth = spec.depth();
    nd = inputs.count();
    w = sc.w;
    sw = sc.sw;
    lb = sc.lb;
    lw = sc.lw;
    act = spec.activation();
    this.seed = seed;
    m = new int[depth + 1];
    int maxW = sc.maxWidth;
    d1 = new double[depth][nd][];
    d2 = new double[depth][nd][];
    for (int l = 1; l < depth; l++) {
      for (int a = 0; a < nd; a++) {
        d1[l][a] = new double[w[l]];
        d2[l][a] = new double[w[l]];
      }
    }
    g = new double[depth + 1][][][][];
    zd = new double[depth + 1][][][];
    zdNext = new double[depth + 1][][][];
    zdd = new double[depth + 1][][][];
    zddNext = new double[depth + 1][][][];
    hBuf = new double[depth + 1][][][];
    rBuf = new double[depth + 1][][][];
    int vectors = 0;
    for (int t = 1; t <= depth; t++) {
      m[t] = Math.min(w[t], neurons);
      int dirs = m[t] + 1;
      int pairs = 2 * m[t];
      g[t] = new double[nd][dirs][t + 1][];
      for (int a = 0; a < nd; a++) {
        for (int d = 0; d < dirs; d++) {
          for (int l = 1; l <= t; l++) {
            g[t][a][d][l] = new double[w[l]];
          }
        }
      }
      zd[t] = new double[nd][dirs][maxW];
      zdNext[t] = new double[nd][dirs][maxW];
      zdd[t] = new double[nd][pairs][maxW];
      zddNext[t] = new double[nd][pairs][maxW];
      hBuf[t] = new double[nd][dirs][maxW];
      rBuf[t] = new double[nd][pairs][maxW];
      vectors += nd * (dirs + pairs);
    }
    row = new double[maxW];
    vin = new double[vectors][];
    vout = new double[vectors][];
    valpha = new int[vectors];
    stats = new double[depth + 1][2 * nd];
  }

  /** The two directions of pair p at target t: (p, p) for p &lt; m, (p − m, c) after. */
  private int dir1(int t, int p) {
    return p < m[t] ? p : p - m[t];
  }

  private int dir2(int t, int p) {
    return p < m[t] ? p : m[t];
  }

  /**
   * The dNTK of network e, whose pre-activations z[ℓ][α][i] and activations sig[ℓ][α][j] (σ[0] = x)
   * {@link CpuNetwork} has just computed.
   */
  void run(long e, double[][][] z, double[][][] sig) {
    for (int l = 1; l < depth; l++) {
      for (int a = 0; a < nd; a++) {
        double[] zz = z[l][a];
        for (int j = 0; j < w[l]; j++) {
          d1[l][a][j] = act.d1(zz[j]);
          d2[l][a][j] = act.d2(zz[j]);
        }
      }
    }
    down(e, z);
    up(e, z, sig);
  }

  private void down(long e, double[][][] z) {
    for (int t = 1; t <= depth; t++) {
      for (int a = 0; a < nd; a++) {
        for (int d = 0; d <= m[t]; d++) {
          double[] v = g[t][a][d][t];
          if (d < m[t]) {
            Arrays.fill(v, 0);
            v[d] = 1;
          } else {
            System.arraycopy(z[t][a], 0, v, 0, w[t]);
          }
        }
      }
    }
    for (int lvl = depth; lvl >= 2; lvl--) {
      int count = 0;
      for (int t = lvl; t <= depth; t++) {
        for (int a = 0; a < nd; a++) {
          for (int d = 0; d <= m[t]; d++) {
            vin[count] = g[t][a][d][lvl];
            vout[count] = g[t][a][d][lvl - 1];
            valpha[count++] = a;
          }
        }
      }
      int nIn = w[lvl - 1];
      for (int v = 0; v < count; v++) {
        Arrays.fill(vout[v], 0, nIn, 0);
      }
      Weights wt = new Weights(seed, e, lvl);
      for (int i = 0; i < w[lvl]; i++) {
        wt.row(i, nIn, row);
        for (int v = 0; v < count; v++) {
          double c = vin[v][i];
          if (c != 0) {
            double[] o = vout[v];
            for (int j = 0; j < nIn; j++) {
              o[j] += c * row[j];
            }
          }
        }
      }
      double s = sw[lvl];
      for (int v = 0; v < count; v++) {
        double[] o = vout[v];
        double[] dd = d1[lvl - 1][valpha[v]];
        for (int j = 0; j < nIn; j++) {
          o[j] *= s * dd[j];
        }
      }
    }
  }

  private double coef(int layer, double[] sIn, int nIn) {
    return lb[layer] + lw[layer] / nIn * Sums.dot(sIn, sIn, nIn);
  }

  private void up(long e, double[][][] z, double[][][] sig) {
    // level 1
    for (int t = 1; t <= depth; t++) {
      for (int a = 0; a < nd; a++) {
        double c1 = coef(1, sig[0][a], w[0]);
        for (int d = 0; d <= m[t]; d++) {
          double[] gv = g[t][a][d][1];
          double[] o = zd[t][a][d];
          for (int i = 0; i < w[1]; i++) {
            o[i] = c1 * gv[i];
          }
        }
        for (int p = 0; p < 2 * m[t]; p++) {
          Arrays.fill(zdd[t][a][p], 0, w[1], 0);
        }
      }
    }
    finish(1, z);
    for (int lvl = 1; lvl < depth; lvl++) {
      int nIn = w[lvl];
      int nOut = w[lvl + 1];
      int count = 0;
      for (int t = lvl + 1; t <= depth; t++) {
        for (int a = 0; a < nd; a++) {
          double[] dd1 = d1[lvl][a];
          double[] dd2 = d2[lvl][a];
          for (int d = 0; d <= m[t]; d++) {
            double[] h = hBuf[t][a][d];
            double[] x = zd[t][a][d];
            for (int j = 0; j < nIn; j++) {
              h[j] = dd1[j] * x[j];
            }
            vin[count] = h;
            vout[count++] = zdNext[t][a][d];
          }
          for (int p = 0; p < 2 * m[t]; p++) {
            double[] r = rBuf[t][a][p];
            double[] x1 = zd[t][a][dir1(t, p)];
            double[] x2 = zd[t][a][dir2(t, p)];
            double[] y = zdd[t][a][p];
            for (int j = 0; j < nIn; j++) {
              r[j] = dd2[j] * x1[j] * x2[j] + dd1[j] * y[j];
            }
            vin[count] = r;
            vout[count++] = zddNext[t][a][p];
          }
        }
      }
      Weights wt = new Weights(seed, e, lvl + 1);
      double s = sw[lvl + 1];
      for (int i = 0; i < nOut; i++) {
        wt.row(i, nIn, row);
        for (int v = 0; v < count; v++) {
          vout[v][i] = s * Sums.dot(row, vin[v], nIn);
        }
      }
      int l2 = lvl + 1;
      double rate = lw[l2] / nIn;
      for (int t = l2; t <= depth; t++) {
        for (int a = 0; a < nd; a++) {
          double c = coef(l2, sig[lvl][a], nIn);
          double[] sa = sig[lvl][a];
          for (int d = 0; d <= m[t]; d++) {
            double[] gv = g[t][a][d][l2];
            double[] o = zdNext[t][a][d];
            for (int i = 0; i < nOut; i++) {
              o[i] += c * gv[i];
            }
          }
          for (int p = 0; p < 2 * m[t]; p++) {
            int k1 = dir1(t, p);
            int k2 = dir2(t, p);
            double f1 = rate * Sums.dot(sa, hBuf[t][a][k2], nIn);
            double f2 = rate * Sums.dot(sa, hBuf[t][a][k1], nIn);
            double[] g1 = g[t][a][k1][l2];
            double[] g2 = g[t][a][k2][l2];
            double[] o = zddNext[t][a][p];
            for (int i = 0; i < nOut; i++) {
              o[i] += f1 * g1[i] + f2 * g2[i];
            }
          }
          double[][] sw1 = zd[t][a];
          zd[t][a] = zdNext[t][a];
          zdNext[t][a] = sw1;
          double[][] sw2 = zdd[t][a];
          zdd[t][a] = zddNext[t][a];
          zddNext[t][a] = sw2;
        }
      }
      finish(l2, z);
    }
  }

  /** The statistics of target layer t, whose tangents have just reached it. */
  private void finish(int t, double[][][] z) {
    int n = w[t];
    int mt = m[t];
    double norm = (double) mt * (n - 1);
    for (int a = 0; a < nd; a++) {
      double[] zz = z[t][a];
      double p = 0;
      double q = 0;
      for (int k = 0; k < mt; k++) {
        double[] kk = zdd[t][a][k];
        p += Sums.dot(zz, kk, n) - zz[k] * kk[k];
        q += zdd[t][a][mt + k][k] - zz[k] * kk[k];
      }
      stats[t][a] = p / norm;
      stats[t][nd + a] = q / norm;
    }
  }

  /** dΘ̂_{i0 k k;ααα} over i0 at target t (test access), after {@link #run}. */
  double[] diagonal(int t, int alpha, int k) {
    return Arrays.copyOf(zdd[t][alpha][k], w[t]);
  }

  /** Σ_k z_k dΘ̂_{i0 i k;ααα} over i0 at target t (test access). */
  double[] withC(int t, int alpha, int i) {
    return Arrays.copyOf(zdd[t][alpha][m[t] + i], w[t]);
  }

  /** Θ̂_{i0 k;αα} over i0 at target t, the first-order tangent (test access). */
  double[] tangent(int t, int alpha, int k) {
    return Arrays.copyOf(zd[t][alpha][k], w[t]);
  }
}

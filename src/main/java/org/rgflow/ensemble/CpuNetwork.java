package org.rgflow.ensemble;

import org.rgflow.act.Activation;
import org.rgflow.rng.InitRng;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * One worker's workspace: the forward pass and the NTK of network e of the randomness contract,
 * in double precision, regenerating weights row by row (nothing of size E·L·n² is stored). Reused
 * for many networks without allocation in the hot loops.
 *
 * <p>Forward (FORMULAS.md §1): z^{(ℓ)}_{i;α} = b^{(ℓ)}_i + Σ_j W^{(ℓ)}_{ij} σ^{(ℓ−1)}_{j;α},
 * σ^{(0)} = x. Row i of W^{(ℓ)} is generated once into a buffer and dotted with all N_D inputs.
 * Napkin: Σ_ℓ n_ℓ n_{ℓ−1} Gaussians (≈ 10 ns each, the bound) and N_D multiply-adds per weight.
 *
 * <p>NTK (FORMULAS.md §6) by one downward sweep: for every target layer ℓ, measured neuron i &lt; m_ℓ
 * and input α, the gradient g = dz^{(ℓ)}_{i;α}/dz^{(ℓ')} is carried from ℓ' = ℓ down to 1; at each
 * level ℓ' every pair adds (g^{iα}·g^{kβ}) [λ_b^{(ℓ')} + (λ_W^{(ℓ')}/n_{ℓ'−1}) σ^{(ℓ'−1)}_α·σ^{(ℓ'−1)}_β]
 * to Θ̂^{(ℓ)}_{ik;αβ}. Moving down one level applies W^{(ℓ')ᵀ} (regenerated once, in tiles of rows,
 * and applied to all active vectors) and multiplies by σ′(z^{(ℓ'−1)}_α). RNG cost ≈ 2× forward;
 * the Wᵀ products add Σ_{ℓ'} (#targets ≥ ℓ')·m·N_D·n² multiply-adds (∝ L²·m).
 *
 * <p>Measured (2-core Xeon VM, 2.3 GHz, shared; n = 512, L = 16, N_D = 2, see CpuEnsembleBench):
 * Gaussians ≈ 15 ns each per core; forward ≈ 6.2–7.2·10^7 weights per CPU-second
 * (1.2·10^8 weights/s wall on 2 free cores); forward + NTK with m = 4 ≈ 3.5–3.9·10^7 per CPU-second.
 */
final class CpuNetwork {
  static final double OVERFLOW = 1e150;
  private static final int TILE = 16;

  private final int depth;
  private final int nd;
  private final int[] w;
  private final double[] sw;
  private final double[] sb;
  private final double[] lb;
  private final double[] lw;
  private final Activation act;
  private final long seed;
  private final int[] m;
  private final boolean ntk;

  /** z[ℓ][α][i], ℓ = 1..L (index 0 unused). */
  final double[][][] z;
  /** σ[ℓ][α][j], ℓ = 0..L−1; σ[0] = x. */
  final double[][][] sig;
  /** σ′[ℓ][α][j], ℓ = 1..L−1 (NTK only). */
  private final double[][][] dsig;
  /** Θ̂^{(ℓ)}[i·N_D+α][k·N_D+β], ℓ = 1..L (NTK only). */
  final double[][][] theta;
  private final double[][][] cur;
  private final double[][][] next;
  private final double[] row;
  private final double[] bias;
  private final double[][] tile;
  private final int[] tileRows;
  private final double[][] coef;

  CpuNetwork(NetworkSpec spec, Inputs inputs, long seed, int ntkNeurons) {
    this.depth = spec.depth();
    this.nd = inputs.count();
    this.seed = seed;
    this.act = spec.activation();
    this.ntk = ntkNeurons > 0;
    LayerScales scales = new LayerScales(spec, inputs);
    w = scales.w;
    sw = scales.sw;
    sb = scales.sb;
    lb = scales.lb;
    lw = scales.lw;
    int maxW = scales.maxWidth;
    z = new double[depth + 1][][];
    sig = new double[depth][][];
    sig[0] = new double[nd][];
    for (int a = 0; a < nd; a++) {
      sig[0][a] = inputs.vector(a);
    }
    for (int l = 1; l <= depth; l++) {
      z[l] = new double[nd][w[l]];
      if (l < depth) {
        sig[l] = new double[nd][w[l]];
      }
    }
    row = new double[maxW];
    bias = new double[maxW];
    m = new int[depth + 1];
    if (ntk) {
      dsig = new double[depth][][];
      theta = new double[depth + 1][][];
      cur = new double[depth + 1][][];
      next = new double[depth + 1][][];
      for (int l = 1; l <= depth; l++) {
        m[l] = Math.min(w[l], ntkNeurons);
        if (l < depth) {
          dsig[l] = new double[nd][w[l]];
        }
        int t = m[l] * nd;
        theta[l] = new double[t][t];
        cur[l] = new double[t][maxW];
        next[l] = new double[t][maxW];
      }
      tile = new double[TILE][maxW];
      tileRows = new int[TILE];
      coef = new double[nd][nd];
    } else {
      dsig = null;
      theta = null;
      cur = null;
      next = null;
      tile = null;
      tileRows = null;
      coef = null;
    }
  }

  int measured(int layer) {
    return m[layer];
  }

  /** Forward pass (and NTK when configured) of network e. */
  void run(long e) {
    forward(e);
    if (ntk) {
      backward(e);
    }
  }

  private void forward(long e) {
    for (int l = 1; l <= depth; l++) {
      int nIn = w[l - 1];
      int nOut = w[l];
      boolean hasBias = sb[l] != 0;
      if (hasBias) {
        InitRng.biases(seed, e, l, nOut, bias);
      }
      double[][] in = sig[l - 1];
      double[][] out = z[l];
      double s = sw[l];
      double sbl = sb[l];
      for (int i = 0; i < nOut; i++) {
        InitRng.weightRow(seed, e, l, i, nIn, row);
        double b = hasBias ? sbl * bias[i] : 0.0;
        for (int a = 0; a < nd; a++) {
          double v = b + s * Sums.dot(row, in[a], nIn);
          if (!(Math.abs(v) <= OVERFLOW)) {
            throw new DivergenceException(e, l);
          }
          out[a][i] = v;
        }
      }
      if (l < depth) {
        for (int a = 0; a < nd; a++) {
          double[] zz = out[a];
          double[] ss = sig[l][a];
          act.valueAndD1(zz, ss, ntk ? dsig[l][a] : null, nOut);
        }
      }
    }
  }

  private void backward(long e) {
    for (int l = 1; l <= depth; l++) {
      for (double[] r : theta[l]) {
        java.util.Arrays.fill(r, 0);
      }
    }
    for (int lp = depth; lp >= 1; lp--) {
      int width = w[lp];
      // New targets: the unit vectors of the measured neurons of layer lp.
      double[][] v = cur[lp];
      for (int t = 0; t < m[lp] * nd; t++) {
        java.util.Arrays.fill(v[t], 0, width, 0);
        v[t][t / nd] = 1;
      }
      // Parameter contributions of layer lp.
      int nPrev = w[lp - 1];
      double[][] prev = sig[lp - 1];
      for (int a = 0; a < nd; a++) {
        for (int b = a; b < nd; b++) {
          double c = lb[lp] + lw[lp] / nPrev * Sums.dot(prev[a], prev[b], nPrev);
          coef[a][b] = c;
          coef[b][a] = c;
        }
      }
      for (int l = lp; l <= depth; l++) {
        double[][] g = cur[l];
        double[][] th = theta[l];
        int tn = m[l] * nd;
        for (int t1 = 0; t1 < tn; t1++) {
          for (int t2 = t1; t2 < tn; t2++) {
            th[t1][t2] += Sums.dot(g[t1], g[t2], width) * coef[t1 % nd][t2 % nd];
          }
        }
      }
      if (lp > 1) {
        propagate(e, lp);
      }
    }
    for (int l = 1; l <= depth; l++) {
      double[][] th = theta[l];
      for (int t1 = 0; t1 < th.length; t1++) {
        for (int t2 = 0; t2 < t1; t2++) {
          th[t1][t2] = th[t2][t1];
        }
      }
    }
  }

  /** g ← σ′(z^{(lp−1)}) ⊙ (W^{(lp)ᵀ} g) for every active vector (targets lp..L). */
  private void propagate(long e, int lp) {
    int width = w[lp];
    int nPrev = w[lp - 1];
    double s = sw[lp];
    for (int l = lp; l <= depth; l++) {
      for (int t = 0; t < m[l] * nd; t++) {
        java.util.Arrays.fill(next[l][t], 0, nPrev, 0);
      }
    }
    int k = 0;
    while (k < width) {
      int count = 0;
      for (; k < width && count < TILE; k++) {
        if (anyActive(lp, k)) {
          InitRng.weightRow(seed, e, lp, k, nPrev, row);
          double[] t = tile[count];
          for (int j = 0; j < nPrev; j++) {
            t[j] = s * row[j];
          }
          tileRows[count++] = k;
        }
      }
      for (int l = lp; l <= depth; l++) {
        for (int t = 0; t < m[l] * nd; t++) {
          applyTile(cur[l][t], next[l][t], count, nPrev);
        }
      }
    }
    double[][] d = dsig[lp - 1];
    for (int l = lp; l <= depth; l++) {
      for (int t = 0; t < m[l] * nd; t++) {
        double[] out = next[l][t];
        double[] dd = d[t % nd];
        for (int j = 0; j < nPrev; j++) {
          out[j] *= dd[j];
        }
      }
      double[][] swap = cur[l];
      cur[l] = next[l];
      next[l] = swap;
    }
  }

  /**
   * out += Σ_r g[row_r] · tile_r over the tile's rows, four rows per pass (out is loaded and stored
   * once per four rows; the j loop vectorises). Fixed order, so results stay bit-reproducible.
   */
  private void applyTile(double[] g, double[] out, int count, int nPrev) {
    int r = 0;
    for (; r + 3 < count; r += 4) {
      double c0 = g[tileRows[r]];
      double c1 = g[tileRows[r + 1]];
      double c2 = g[tileRows[r + 2]];
      double c3 = g[tileRows[r + 3]];
      if (c0 == 0 && c1 == 0 && c2 == 0 && c3 == 0) {
        continue;
      }
      double[] t0 = tile[r];
      double[] t1 = tile[r + 1];
      double[] t2 = tile[r + 2];
      double[] t3 = tile[r + 3];
      for (int j = 0; j < nPrev; j++) {
        out[j] += (c0 * t0[j] + c1 * t1[j]) + (c2 * t2[j] + c3 * t3[j]);
      }
    }
    for (; r < count; r++) {
      double c = g[tileRows[r]];
      if (c != 0) {
        double[] t0 = tile[r];
        for (int j = 0; j < nPrev; j++) {
          out[j] += c * t0[j];
        }
      }
    }
  }

  private boolean anyActive(int lp, int k) {
    for (int l = lp; l <= depth; l++) {
      for (int t = 0; t < m[l] * nd; t++) {
        if (cur[l][t][k] != 0) {
          return true;
        }
      }
    }
    return false;
  }
}

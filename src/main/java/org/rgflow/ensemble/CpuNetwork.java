package org.rgflow.ensemble;

import org.rgflow.core.Limits;
import org.rgflow.core.Sums;
import org.rgflow.act.Activation;
import java.util.List;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Scratch;
import org.rgflow.layer.Weights;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * One worker's workspace: the forward pass and the NTK of network e of the randomness contract,
 * in double precision, folding over the network's layers ({@link Layer}: each layer's own forward
 * and backward step); weights are regenerated row by row, nothing of size E·L·n² is stored. Reused
 * for many networks without allocation in the hot loops. Every layer's output is checked for
 * overflow (|z| &gt; {@value #OVERFLOW} or not finite: {@link DivergenceException} with the layer).
 *
 * <p>NTK (docs/THEORY.md §6) by one downward sweep: for every target layer ℓ, measured neuron
 * i &lt; m_ℓ and input α, the gradient g = dz^{(ℓ)}_{i;α}/dz^{(ℓ')} is carried from ℓ' = ℓ down to 1;
 * at each level ℓ' every pair adds (g^{iα}·g^{kβ}) coef^{(ℓ')}_{αβ} ({@link Layer#ntkCoefficients})
 * to Θ̂^{(ℓ)}_{ik;αβ}, and all active vectors move down one level together ({@link Layer#backward}).
 * RNG cost ≈ 2× forward; the backward steps add Σ_{ℓ'} (#targets ≥ ℓ')·m·N_D·n² multiply-adds
 * (∝ L²·m).
 *
 * <p>Measured (2-core Xeon VM, 2.3 GHz, shared; n = 512, L = 16, N_D = 2, see CpuEnsembleBench):
 * Gaussians ≈ 15 ns each per core; forward ≈ 6.2–7.2·10^7 weights per CPU-second
 * (1.2·10^8 weights/s wall on 2 free cores); forward + NTK with m = 4 ≈ 3.5–3.9·10^7 per CPU-second.
 */
final class CpuNetwork {
  static final double OVERFLOW = Limits.OVERFLOW;

  private final int depth;
  private final int nd;
  private final int[] w;
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
  private final List<Layer> layers;
  private final Scratch scratch;
  private final double[][] coef;
  /** The active vectors of one backward step, their outputs and inputs (NTK only). */
  private final double[][] gIn;
  private final double[][] gOut;
  private final int[] alpha;
  /** The dNTK sweep this network's NTK sweep hands its backward vectors to, or null. */
  private DntkSweep dntk;
  private final int ntkNeurons;

  CpuNetwork(NetworkSpec spec, Inputs inputs, long seed, int ntkNeurons) {
    this.depth = spec.depth();
    this.nd = inputs.count();
    this.seed = seed;
    this.act = spec.activation();
    this.ntk = ntkNeurons > 0;
    this.ntkNeurons = ntkNeurons;
    LayerScales scales = new LayerScales(spec, inputs);
    w = scales.w;
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
    layers = spec.layers();
    scratch = new Scratch(maxW, ntk);
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
      coef = new double[nd][nd];
      int vectors = 0;
      for (int l = 1; l <= depth; l++) {
        vectors += m[l] * nd;
      }
      gIn = new double[vectors][];
      gOut = new double[vectors][];
      alpha = new int[vectors];
    } else {
      dsig = null;
      theta = null;
      cur = null;
      next = null;
      coef = null;
      gIn = null;
      gOut = null;
      alpha = null;
    }
  }

  /**
   * Hands this network's NTK backward vectors to {@code sweep} (which then skips recomputing them,
   * {@link DntkSweep#fromNtk}); only when the sweep measures the same neurons. Θ̂ is unchanged bit
   * for bit.
   */
  void shareWith(DntkSweep sweep) {
    if (ntk && sweep.sameNeurons(ntkNeurons)) {
      dntk = sweep;
      sweep.share();
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
      int nOut = w[l];
      double[][] out = z[l];
      layers.get(l - 1).forward(new Weights(seed, e, l), sig[l - 1], l > 1 ? z[l - 1] : null, w[l - 1],
          out, nd, scratch);
      for (int a = 0; a < nd; a++) {
        double[] o = out[a];
        for (int i = 0; i < nOut; i++) {
          if (!(Math.abs(o[i]) <= OVERFLOW)) {
            throw new DivergenceException(e, l);
          }
        }
      }
      if (l < depth) {
        for (int a = 0; a < nd; a++) {
          act.valueAndD1(out[a], sig[l][a], ntk ? dsig[l][a] : null, nOut);
        }
      }
    }
  }

  private void backward(long e) {
    if (dntk != null) {
      dntk.begin(e, z);
    }
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
      layers.get(lp - 1).ntkCoefficients(sig[lp - 1], w[lp - 1], coef, nd);
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

  /** g ← (∂z^{(lp)}/∂z^{(lp−1)})ᵀ g for every active vector (targets lp..L), by layer lp. */
  private void propagate(long e, int lp) {
    int count = 0;
    for (int l = lp; l <= depth; l++) {
      for (int t = 0; t < m[l] * nd; t++) {
        gIn[count] = cur[l][t];
        gOut[count] = next[l][t];
        alpha[count++] = t % nd;
      }
    }
    if (dntk != null) {
      // Dense's step on the NTK's vectors and the dNTK's c directions on one regeneration of W
      dntk.fusedBackward(e, lp, gIn, gOut, count);
    } else {
      layers.get(lp - 1).backward(new Weights(seed, e, lp), gIn, gOut, alpha, count, w[lp - 1],
          dsig[lp - 1], scratch);
    }
    if (dntk != null) {
      for (int l = lp; l <= depth; l++) {
        for (int t = 0; t < m[l] * nd; t++) {
          dntk.fromNtk(l, t, lp - 1, next[l][t], dsig[lp - 1][t % nd]);
        }
      }
    }
    for (int l = lp; l <= depth; l++) {
      double[][] swap = cur[l];
      cur[l] = next[l];
      next[l] = swap;
    }
  }
}

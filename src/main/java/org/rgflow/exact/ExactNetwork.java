package org.rgflow.exact;

import java.util.Arrays;
import org.rgflow.act.Activation;
import org.rgflow.ensemble.DivergenceException;
import org.rgflow.ensemble.LayerScales;
import org.rgflow.ensemble.Sums;
import org.rgflow.rng.InitRng;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * One worker's workspace for the exact conditional sampler (docs/EXACT_SAMPLER.md): network e's
 * pre-activations and NTK sub-blocks drawn from their exact joint law without ever drawing a weight.
 *
 * <p>Forward (§1 of the doc): given σ^{(ℓ−1)} (N_D × n_{ℓ−1}), the rows of (W^{(ℓ)}, b^{(ℓ)}) are iid,
 * so the columns z^{(ℓ)}_{i;·} are iid N(0, Ĝ) with Ĝ_{αβ} = C_b + (C_W/n_{ℓ−1}) σ_α·σ_β. With the
 * semidefinite Cholesky Ĝ = L Lᵀ and u_{β;i} standard Gaussians, z_{α;i} = Σ_β L_{αβ} u_{β;i}.
 * Napkin: N_D(N_D+1)/2 dots of length n_{ℓ−1} and N_D·n_ℓ Gaussians per layer, against n_ℓ·n_{ℓ−1}
 * Gaussians for the direct sampler.
 *
 * <p>NTK (§2): one downward sweep carrying every active backward vector g_a (targets ℓ ≥ ℓ', measured
 * neuron, input). Through layer ℓ' the rows u_c = (ω_c, β_c) of the whitened parameters, conditioned
 * on Aᵀu_c = z_c with A = [s_W σ; s_b 1ᵀ] ((n+1) × N_D), are A G⁻ z_c + (I − Π_A) η_c. Hence
 * Σ_c g_{a,c} u_c = ζ_a + A G⁻ (y_a − Aᵀζ_a), y_a = Σ_c g_{a,c} z_c, ζ_a = Σ_b R_{ab} η_b, R the
 * semidefinite Cholesky factor of the Gram (g_a·g_b) and η_b iid N(0, I_{n+1}); Wᵀg_a is s_W times
 * the first n coordinates. Napkin per level: n·M² (Gram and the ζ combination) + n·M·N_D, and
 * rank(R)·(n+1) Gaussians, against n_{ℓ'}·n_{ℓ'−1}·(M + 1) for the direct sampler.
 */
final class ExactNetwork {
  /** Bit 30 of counter word c2: the forward Gaussians u^{(ℓ)}_{β;i} (c1 = β, lane index i). */
  static final int FORWARD_FLAG = 0x40000000;
  /** Bits 30 and 29 of c2: the backward noise η^{(ℓ)}_{b;j} (c1 = b, lane index j). */
  static final int NTK_FLAG = 0x60000000;
  /** Largest depth the flagged streams allow (ℓ must stay below bit 29). */
  static final int MAX_DEPTH = (1 << 29) - 1;
  static final double OVERFLOW = 1e150;

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

  /** z[ℓ][α][i], ℓ = 1..L. */
  final double[][][] z;
  /** σ[ℓ][α][j], ℓ = 0..L−1; σ[0] = x. */
  final double[][][] sig;
  private final double[][][] dsig;
  /** Θ̂^{(ℓ)}[i·N_D+α][k·N_D+β], ℓ = 1..L (NTK only). */
  final double[][][] theta;
  /** Cholesky factor of Ĝ^{(ℓ)} per layer (kept for the NTK sweep). */
  private final double[][][] chol;
  private final double[][] gHat;
  private final double[][] u;

  // NTK workspace: vectors ordered by target layer, highest first; level ℓ' uses the prefix [0, M).
  private final int[] off;
  private double[][] vec;
  private double[][] nxt;
  private final double[][] gram;
  private final double[][] gramL;
  private final double[][] eta;
  private final double[] zeta;
  private final double[] rhs;
  private final double[][] coef;

  ExactNetwork(NetworkSpec spec, Inputs inputs, long seed, int ntkNeurons) {
    this.depth = spec.depth();
    if (depth > MAX_DEPTH) {
      throw new SpecException("--depth", "the exact sampler's random streams allow depth ≤ "
          + MAX_DEPTH + ", got " + depth);
    }
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
    // Forward only, two buffers serve all layers (the caller reads layer ℓ through the sink as it
    // is made): width 10^5 × depth 10^4 then needs 2·N_D·10^5 doubles, not N_D·10^9.
    double[][][] zBuf = ntkNeurons > 0 ? null : new double[][][] {new double[nd][maxWidth(spec)],
        new double[nd][maxWidth(spec)]};
    for (int l = 1; l <= depth; l++) {
      z[l] = zBuf == null ? new double[nd][w[l]] : zBuf[l & 1];
      if (l < depth) {
        sig[l] = zBuf == null ? new double[nd][w[l]] : sigBuf(l, zBuf);
      }
    }
    gHat = new double[nd][nd];
    u = new double[nd][maxW];
    m = new int[depth + 1];
    off = new int[depth + 2];
    if (ntk) {
      chol = new double[depth + 1][nd][nd];
      dsig = new double[depth][][];
      theta = new double[depth + 1][][];
      for (int l = depth; l >= 1; l--) {
        m[l] = Math.min(w[l], ntkNeurons);
        off[l] = off[l + 1] + m[l] * nd;
        if (l < depth) {
          dsig[l] = new double[nd][w[l]];
        }
        theta[l] = new double[m[l] * nd][m[l] * nd];
      }
      int total = off[1];
      vec = new double[total][maxW];
      nxt = new double[total][maxW];
      gram = new double[total][total];
      gramL = new double[total][total];
      eta = new double[total][maxW + 1];
      zeta = new double[maxW + 1];
      rhs = new double[nd];
      coef = new double[nd][nd];
    } else {
      chol = new double[1][nd][nd];
      dsig = null;
      theta = null;
      gram = gramL = eta = coef = null;
      zeta = rhs = null;
    }
  }

  private double[][][] sigShared;

  private double[][] sigBuf(int l, double[][][] zBuf) {
    if (sigShared == null) {
      sigShared = new double[][][] {new double[nd][zBuf[0][0].length],
          new double[nd][zBuf[0][0].length]};
    }
    return sigShared[l & 1];
  }

  private static int maxWidth(NetworkSpec spec) {
    int mw = 0;
    for (int l = 0; l <= spec.depth(); l++) {
      mw = Math.max(mw, spec.width(l));
    }
    return mw;
  }

  /** Receives layer ℓ's pre-activations z[α][i] (valid only during the call) and Θ̂ (or null). */
  interface LayerSink {
    void layer(int l, double[][] z, double[][] theta);
  }

  int measured(int layer) {
    return m[layer];
  }

  /**
   * Network e: forward pass, and the NTK when configured. Without the NTK only the last two layers
   * are kept: read them through {@link #run(long, LayerSink)}.
   */
  void run(long e) {
    run(e, null);
  }

  /** Network e, handing every layer ℓ = 1..L to {@code sink} in order (sink may be null). */
  void run(long e, LayerSink sink) {
    forward(e, ntk ? null : sink);
    if (ntk) {
      backward(e);
      if (sink != null) {
        for (int l = 1; l <= depth; l++) {
          sink.layer(l, z[l], theta[l]);
        }
      }
    }
  }

  private void forward(long e, LayerSink sink) {
    for (int l = 1; l <= depth; l++) {
      int nIn = w[l - 1];
      int nOut = w[l];
      double[][] in = sig[l - 1];
      double cb = sb[l] * sb[l];
      double cwn = sw[l] * sw[l];
      for (int a = 0; a < nd; a++) {
        for (int b = 0; b <= a; b++) {
          gHat[a][b] = cb + cwn * Sums.dot(in[a], in[b], nIn);
        }
      }
      double[][] lf = chol[ntk ? l : 0];
      Psd.cholesky(gHat, lf, nd);
      double[][] out = z[l];
      for (int b = 0; b < nd; b++) {
        if (lf[b][b] != 0) {
          InitRng.weightRow(seed, e, l | FORWARD_FLAG, b, nOut, u[b]);
        }
      }
      for (int a = 0; a < nd; a++) {
        double[] o = out[a];
        Arrays.fill(o, 0, nOut, 0);
        for (int b = 0; b <= a; b++) {
          double c = lf[a][b];
          if (c == 0) {
            continue;
          }
          double[] ub = u[b];
          for (int i = 0; i < nOut; i++) {
            o[i] += c * ub[i];
          }
        }
        for (int i = 0; i < nOut; i++) {
          if (!(Math.abs(o[i]) <= OVERFLOW)) {
            throw new DivergenceException(e, l);
          }
        }
      }
      if (sink != null) {
        sink.layer(l, out, null);
      }
      if (l < depth) {
        for (int a = 0; a < nd; a++) {
          double[] zz = out[a];
          double[] ss = sig[l][a];
          for (int i = 0; i < nOut; i++) {
            ss[i] = act.value(zz[i]);
          }
          if (ntk) {
            double[] dd = dsig[l][a];
            for (int i = 0; i < nOut; i++) {
              dd[i] = act.d1(zz[i]);
            }
          }
        }
      }
    }
  }

  private void backward(long e) {
    for (int l = 1; l <= depth; l++) {
      for (double[] r : theta[l]) {
        Arrays.fill(r, 0);
      }
    }
    for (int lp = depth; lp >= 1; lp--) {
      int width = w[lp];
      int active = off[lp];
      // New targets: unit vectors of the measured neurons of layer lp (one per input).
      for (int t = 0; t < m[lp] * nd; t++) {
        double[] v = vec[off[lp + 1] + t];
        Arrays.fill(v, 0, width, 0);
        v[t / nd] = 1;
      }
      for (int a = 0; a < active; a++) {
        for (int b = 0; b <= a; b++) {
          gram[a][b] = Sums.dot(vec[a], vec[b], width);
        }
      }
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
        double[][] th = theta[l];
        int base = off[l + 1];
        int tn = m[l] * nd;
        for (int t1 = 0; t1 < tn; t1++) {
          for (int t2 = t1; t2 < tn; t2++) {
            th[t1][t2] += gram[base + t2][base + t1] * coef[t1 % nd][t2 % nd];
          }
        }
      }
      if (lp > 1) {
        propagate(e, lp, active);
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

  /**
   * g_a ← σ′(z^{(lp−1)}_{α(a)}) ⊙ (W^{(lp)ᵀ} g_a) for the active vectors a &lt; M, with W^{(lp)} drawn
   * from its law conditioned on W σ^{(lp−1)} + b = z^{(lp)} (jointly for all a).
   */
  private void propagate(long e, int lp, int mAct) {
    int width = w[lp];
    int n = w[lp - 1];
    double s = sw[lp];
    double sbl = sb[lp];
    double[][] sigma = sig[lp - 1];
    double[][] gl = chol[lp];
    double[][] zl = z[lp];
    Psd.cholesky(gram, gramL, mAct);
    for (int b = 0; b < mAct; b++) {
      if (gramL[b][b] != 0) {
        InitRng.weightRow(seed, e, lp | NTK_FLAG, b, n + 1, eta[b]);
      }
    }
    double[][] d = dsig[lp - 1];
    for (int a = 0; a < mAct; a++) {
      // ζ_a = Σ_{b ≤ a} R_ab η_b over n + 1 coordinates (the last one is the bias's).
      Arrays.fill(zeta, 0, n + 1, 0);
      double[] ra = gramL[a];
      for (int b = 0; b <= a; b++) {
        double c = ra[b];
        if (c == 0) {
          continue;
        }
        double[] eb = eta[b];
        for (int j = 0; j <= n; j++) {
          zeta[j] += c * eb[j];
        }
      }
      // c = G⁻ (y_a − Aᵀ ζ_a), y_a = Σ_c g_c z_c.
      double[] g = vec[a];
      for (int al = 0; al < nd; al++) {
        rhs[al] = Sums.dot(g, zl[al], width) - (s * Sums.dot(sigma[al], zeta, n) + sbl * zeta[n]);
      }
      Psd.solve(gl, nd, rhs, rhs);
      double[] out = nxt[a];
      double[] dd = d[a % nd];
      for (int j = 0; j < n; j++) {
        double t = zeta[j];
        for (int al = 0; al < nd; al++) {
          t += s * sigma[al][j] * rhs[al];
        }
        out[j] = s * t * dd[j];
      }
    }
    double[][] swap = vec;
    vec = nxt;
    nxt = swap;
  }
}

package org.rgflow.exact;

import java.util.Arrays;
import org.rgflow.core.Limits;
import org.rgflow.rng.Streams;
import org.rgflow.act.Activation;
import org.rgflow.ensemble.DivergenceException;
import org.rgflow.ensemble.LayerScales;
import org.rgflow.core.Sums;
import org.rgflow.rng.InitRng;
import org.rgflow.rng.Ziggurat;
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
 *
 * <p>What makes the sweep cheap (docs/EXACT_SAMPLER.md §2, "Implementation"): the new targets are
 * unit vectors, so their Gram entries and dots with z are single coordinates; the vectors of input α
 * carry the factor σ′(z_α), so with the neurons of each layer ordered by which inputs activate them
 * ({@link #order}) they live on one interval, and Gram entries and combinations run over intervals
 * (about half the width each for relu); noise is transformed only for neurons some input activates
 * (the others are never read); Aᵀζ_a = Σ_b R_ab Aᵀη_b; the last level forms only the Gram blocks
 * Θ̂ reads; long loops go through the register-blocked kernels of {@link Dense}. The Gaussians are
 * then about 70% of a network's time (n = 1024, L = 8, N_D = 2, m = 4). Since 2026-12-07 the per-target
 * sweeps read one set of noise rows per level ({@link #propagate}; each sweep's own law is unchanged),
 * and their Grams and dots go through {@link Dense4}'s vector kernels: tanh there went from about 72×
 * to 157–168× the direct sampler.
 *
 * <p>For σ = a± z (relu, leaky relu, linear) with N_D ≤ {@value GramSweep#MAX_INPUTS} the sweep
 * carries only the Gram and the dots with z, and draws each sign group's share through Bartlett's
 * factor ({@link GramSweep}, §2b): about 13× fewer Gaussians, and no per-neuron vectors at all.
 */
final class ExactNetwork {
  /** Bit 30 of counter word c2: the forward Gaussians u^{(ℓ)}_{β;i} (c1 = β, lane index i). */
  static final int FORWARD_FLAG = Streams.EXACT_FORWARD;
  /** Bits 30 and 29 of c2: the backward noise η^{(ℓ)}_{b;j} (c1 = b, lane index j). */
  static final int NTK_FLAG = Streams.EXACT_NTK;
  /** Largest depth the flagged streams allow (ℓ must stay below bit 28: flags use bits 28–31). */
  static final int MAX_DEPTH = Streams.MAX_DEPTH;
  static final double OVERFLOW = Limits.OVERFLOW;

  private final int depth;
  private final int nd;
  private final int[] w;
  private final double[] sw;
  private final double[] sb;
  private final double[] lb;
  private final double[] lw;
  private final Activation act;
  /** (a₊, a₋) for a scale-invariant σ (relu, leaky relu, linear), else null. */
  private final double[] slopes;
  private final long seed;
  private final int[] m;
  private final boolean ntk;
  /** The NTK through the per-neuron sweep (which needs σ′ and the width-sized workspace below). */
  private final boolean perNeuron;
  /** The Gram-only NTK sweep (scale-invariant σ, N_D ≤ {@value GramSweep#MAX_INPUTS}), else null. */
  final GramSweep gramSweep;
  /** Gram sweep as one joint sweep over a compressed basis ({@link #backwardJoint}). */
  private final boolean joint;
  private final int jcap;
  private final double[][] unitVal;
  private final double[][] cg;
  private final double[][] cy;
  private final double[][] jg;
  private final double[][] jy;
  private final int[] ctag;
  private final int[] jtag;
  private final int[] rLev;
  private final double[][][] pLev;
  private final double[][][] kLev;
  private final double[][] qa;
  private final double[][] qb;
  private final double[][] qt;
  private final double[][][] laTag;
  private final double[][] gaTmp;
  private final int[] idxTmp;
  private final int[] keptCand;
  private final int[][] colOf;
  private final int[] cntTag;
  private final boolean[] usedTmp;
  /** Gram sweep: Γ and Y of target layer t's vectors (its own sweep), tGram[t], tY[t]. */
  private final double[][][] tGram;
  private final double[][][] tY;
  private final int[] blocks;
  private final double[][] gLoc;

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
  private final double[] rhs;
  private final double[][] coef;
  /** y_{a,α} = g_a·z^{(ℓ')}_α. */
  private final double[][] ydot;
  /** Aᵀη_b of the drawn noise rows (index k of drawnIdx). */
  private final double[][] aEta;
  private final double[][] combRow;
  private final double[] combCoef;
  /** s_W·c_a: the coefficients of σ_α in Wᵀg_a / s_W. */
  private final double[][] sigCoef;
  private final double[][][] byInput;
  private final double[][][] blockRows;
  private final double[][] scratch;
  // The neuron order of the layer the vectors in vec live on (see order()).
  private final int[] ordPerm;
  private final int[] ordPos;
  private final int[] ordLo;
  private final int[] ordHi;
  private final int[] ordClass;
  private final int[] ordDst;

  private int ordNeed;
  private boolean ordIdentity;
  private final int[] zigWords;
  private double[][] ordSig;
  private double[][] ordDsig;
  private double[][] ordZ;
  private final double[][] sigP;
  private final double[][] dsigP;
  private final double[][] zP;

  ExactNetwork(NetworkSpec spec, Inputs inputs, long seed, int ntkNeurons) {
    this(spec, inputs, seed, ntkNeurons, false);
  }

  ExactNetwork(NetworkSpec spec, Inputs inputs, long seed, int ntkNeurons, boolean perNeuronSweep) {
    this(spec, inputs, seed, ntkNeurons, perNeuronSweep, AUTO);
  }

  /** Residual layers (PDLT appendix B): z^{(ℓ)} = γ_ℓ z^{(ℓ−1)} + ξ_ℓ (b + W σ); γ = 0, ξ = 1 dense. */
  private final boolean residual;
  private final double[] gam;
  private final double[] xiv;
  /** Residual nets with the NTK: Δ^{(ℓ)} = (z^{(ℓ)} − γ z^{(ℓ−1)})/ξ = b + Wσ, the constraint's value. */
  private final double[][][] delta;

  /** Gram-sweep layouts: chosen by {@link #jointCheaper}, one sweep per target layer, one joint sweep. */
  static final int AUTO = 0;
  static final int PER_TARGET = 1;
  static final int JOINT = 2;
  /**
   * Flag or-ed into the layout (tests): the per-neuron sweep draws each target layer's noise from
   * its own stream (c2 = flag | t·2^14 | ℓ', the layout before 2026-12-07's shared rows) instead of
   * one set of rows per level shared by every target (c2 = flag | ℓ').
   */
  static final int INDEPENDENT_NOISE = 4;

  /** Per-neuron sweep: one set of noise rows per level, read by every target layer's sweep. */
  private final boolean sharedNoise;
  /** Per-neuron sweep: the Cholesky factor of target layer t's Gram at the current level. */
  private final double[][][] gramLT;
  /** Shared noise rows: the row index b of eta[k] (k &lt; drawn). */
  private final int[] drawnIdx;
  private final int[] tKeptK;

  /**
   * @param perNeuronSweep take the per-neuron NTK sweep even where the Gram sweep applies (for
   *     tests: both are exact, with different random streams)
   * @param layout for the Gram sweep: {@link #AUTO}, {@link #PER_TARGET} or {@link #JOINT} (tests)
   */
  ExactNetwork(NetworkSpec spec, Inputs inputs, long seed, int ntkNeurons, boolean perNeuronSweep,
      int layout) {
    this.sharedNoise = (layout & INDEPENDENT_NOISE) == 0;
    layout &= ~INDEPENDENT_NOISE;
    this.depth = spec.depth();
    if (depth > MAX_DEPTH) {
      throw new SpecException("--depth", "the exact sampler's random streams allow depth ≤ "
          + MAX_DEPTH + ", got " + depth);
    }
    if (ntkNeurons > 0 && depth > Streams.MAX_NTK_DEPTH) {
      throw new SpecException("--depth", "the exact sampler's NTK streams allow depth ≤ "
          + Streams.MAX_NTK_DEPTH + " (or --no-ntk), got " + depth);
    }
    this.nd = inputs.count();
    this.seed = seed;
    this.act = spec.activation();
    this.slopes = act.scaleInvariantSlopes();
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
    gam = new double[depth + 1];
    xiv = new double[depth + 1];
    boolean res = false;
    for (int l = 1; l <= depth; l++) {
      xiv[l] = 1;
      if (spec.layer(l) instanceof org.rgflow.layer.Residual r) {
        if (r.xi() == 0) {
          throw new SpecException("--xi", "the exact sampler needs ξ ≠ 0 (at ξ = 0 layer " + l
              + "'s weights enter nothing); use --sampler direct");
        }
        gam[l] = r.gamma();
        xiv[l] = r.xi();
        res = true;
      }
    }
    residual = res;
    delta = residual && ntk ? new double[depth + 1][][] : null;
    for (int l = 1; l <= depth && delta != null; l++) {
      delta[l] = new double[nd][w[l]];
    }
    // residual layers: the skip term needs the vectors neuron by neuron, so the per-neuron sweep
    boolean gramPath = ntk && slopes != null && nd <= GramSweep.MAX_INPUTS && !perNeuronSweep
        && !residual;
    perNeuron = ntk && !gramPath;
    // the per-neuron sweep's width-sized workspace (σ′, vectors, noise, order) only where it runs
    int pw = perNeuron ? maxW : 0;
    if (ntk) {
      chol = new double[depth + 1][nd][nd];
      dsig = perNeuron ? new double[depth][][] : null;
      theta = new double[depth + 1][][];
      for (int l = depth; l >= 1; l--) {
        m[l] = Math.min(w[l], ntkNeurons);
        off[l] = off[l + 1] + m[l] * nd;
        if (l < depth && perNeuron) {
          dsig[l] = new double[nd][w[l]];
        }
        theta[l] = new double[m[l] * nd][m[l] * nd];
      }
      int total = off[1];
      int maxBlock = 0;
      for (int l = 1; l <= depth; l++) {
        maxBlock = Math.max(maxBlock, m[l] * nd);
      }
      joint = gramPath && (layout == JOINT || layout == AUTO && jointCheaper(w, m, nd, depth));
      // the joint sweep's basis: per input at most n_ℓ vectors plus the new targets
      int cap = joint ? Math.min(total, nd * maxW + maxBlock) : 0;
      jcap = cap;
      gramSweep = gramPath ? new GramSweep(nd, slopes, seed, Math.max(maxBlock, cap), maxW,
          joint ? Math.min(ntkNeurons, maxW) : 0) : null;
      unitVal = joint ? new double[Math.min(ntkNeurons, maxW)][cap] : null;
      cg = joint ? new double[cap][cap] : null;
      cy = joint ? new double[cap][nd] : null;
      jg = joint ? new double[cap][cap] : null;
      jy = joint ? new double[cap][nd] : null;
      ctag = joint ? new int[cap] : null;
      jtag = joint ? new int[cap] : null;
      rLev = joint ? new int[depth + 2] : null;
      pLev = joint ? new double[depth + 1][][] : null;
      kLev = joint ? new double[depth + 1][][] : null;
      qa = joint ? new double[cap][cap] : null;
      qb = joint ? new double[cap][cap] : null;
      qt = joint ? new double[cap][cap] : null;
      laTag = joint ? new double[nd][cap][cap] : null;
      gaTmp = joint ? new double[cap][cap] : null;
      idxTmp = joint ? new int[cap] : null;
      keptCand = joint ? new int[cap] : null;
      colOf = joint ? new int[nd][cap] : null;
      cntTag = joint ? new int[nd] : null;
      usedTmp = joint ? new boolean[cap] : null;
      for (int l = 1; l <= depth && joint; l++) {
        pLev[l] = new double[cap][cap];
        kLev[l] = new double[cap][cap];
      }
      tGram = gramPath ? new double[depth + 1][][] : null;
      tY = gramPath ? new double[depth + 1][][] : null;
      for (int l = 1; l <= depth && gramPath; l++) {
        tGram[l] = new double[m[l] * nd][m[l] * nd];
        tY[l] = new double[m[l] * nd][nd];
      }
      blocks = new int[2];
      int pt = perNeuron ? total : 0;
      vec = new double[pt][pw];
      nxt = new double[pt][pw];
      gram = new double[pt][pt];
      gramL = new double[maxBlock][maxBlock];
      gramLT = new double[perNeuron ? depth + 1 : 0][][];
      for (int l = 1; l <= depth && perNeuron; l++) {
        gramLT[l] = new double[m[l] * nd][m[l] * nd];
      }
      drawnIdx = new int[maxBlock];
      tKeptK = new int[maxBlock];
      gLoc = new double[maxBlock][maxBlock];
      eta = new double[maxBlock][perNeuron ? maxW + 2 : 0];
      rhs = new double[nd];
      coef = new double[nd][nd];
      ydot = new double[pt][nd];
      aEta = new double[maxBlock][nd];
      combRow = new double[maxBlock + nd][];
      combCoef = new double[maxBlock + nd];
      sigCoef = new double[maxBlock][nd];
      byInput = new double[nd][pt / nd][];
      blockRows = new double[nd][pt / nd][];
      scratch = new double[Math.max(pt / nd, maxBlock)][Math.max(maxBlock, nd)];
      ordPerm = new int[pw];
      ordPos = new int[pw];
      ordClass = new int[pw];
      ordDst = new int[pw + 4];
      zigWords = new int[pw + 8];
      ordLo = new int[nd];
      ordHi = new int[nd];
      sigP = new double[nd][pw];
      dsigP = new double[nd][pw];
      zP = new double[nd][pw];
    } else {
      chol = new double[1][nd][nd];
      gramSweep = null;
      joint = false;
      jcap = 0;
      unitVal = cg = cy = jg = jy = qa = qb = qt = gaTmp = null;
      ctag = jtag = rLev = idxTmp = keptCand = cntTag = null;
      colOf = null;
      usedTmp = null;
      pLev = kLev = laTag = null;
      tGram = tY = null;
      gLoc = null;
      blocks = null;
      dsig = null;
      theta = null;
      gram = gramL = eta = coef = ydot = aEta = combRow = sigCoef = null;
      gramLT = null;
      drawnIdx = tKeptK = null;
      rhs = combCoef = null;
      ordPerm = ordPos = ordLo = ordHi = ordClass = ordDst = zigWords = null;
      scratch = sigP = dsigP = zP = null;
      byInput = blockRows = null;
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
      if (joint) {
        backwardJoint(e);
      } else {
        backward(e);
      }
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
        if (gam[l] != 0 || xiv[l] != 1) {
          // residual: o = Aᵀu = b + Wσ is the dense branch; z = γ z^{(ℓ−1)} + ξ o
          if (delta != null) {
            System.arraycopy(o, 0, delta[l][a], 0, nOut);
          }
          double[] zp = z[l - 1][a];
          double g = gam[l];
          double x = xiv[l];
          for (int i = 0; i < nOut; i++) {
            o[i] = x * o[i] + g * zp[i];
          }
        } else if (delta != null) {
          System.arraycopy(o, 0, delta[l][a], 0, nOut);
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
          if (slopes != null) {
            // σ(z) = a± z, σ′(z) = a± (the same values as act.value and act.d1), no branch on z's sign
            double[] dd = perNeuron ? dsig[l][a] : ss;
            for (int i = 0; i < nOut; i++) {
              double zi = zz[i];
              double d = slopes[zi >= 0 ? 0 : 1];
              dd[i] = d;
              ss[i] = d * zi;
            }
            continue;
          }
          act.valueAndD1(zz, ss, perNeuron ? dsig[l][a] : null, nOut);
        }
      }
    }
  }

  /**
   * The NTK: one backward sweep per target layer t (its m_t·N_D vectors, from level t down to 1),
   * run side by side level by level so that what a level needs from the layer below (the neuron
   * order, the sign groups, Ĝ's factor) is found once. The Gram sweep's sweep t draws only from its
   * own streams (c2 = flag | t·2^14 | ℓ', {@link Streams#perTarget}); the per-neuron sweeps read one
   * set of noise rows per level (c2 = flag | ℓ', {@link #propagate}), which every sweep uses at that
   * level only. Either way each Θ̂^{(t)} has its exact law jointly with every z (the law across
   * layers' Θ̂ given z is not a network's, and nothing reads it).
   */
  private void backward(long e) {
    for (int l = 1; l <= depth; l++) {
      for (double[] r : theta[l]) {
        Arrays.fill(r, 0);
      }
    }
    for (int lp = depth; lp >= 1; lp--) {
      int active = off[lp];
      int prop = off[lp + 1];
      // Vectors [0, prop) came down from the layers above, in layer lp's neuron order (ord);
      // [prop, active) are the new targets, the unit vectors e_i of the measured neurons i of layer
      // lp (one per input): within their own sweep their Gram entries are 1 for the same neuron
      // and 0 otherwise, their dots with z single coordinates. Only Gram entries within one
      // target layer's block exist (the sweeps are separate).
      if (gramSweep == null) {
        gramOfPropagated(prop, lp > 1 ? ordZ : null, true);
      }
      double[][] zl = delta != null ? delta[lp] : z[lp];
      double[][] gNew = gramSweep != null ? tGram[lp] : null;
      double[][] yNew = gramSweep != null ? tY[lp] : null;
      for (int f = prop; f < active; f++) {
        int i = (f - prop) / nd;
        double[] gf = gramSweep != null ? gNew[f - prop] : gram[f];
        int base = gramSweep != null ? prop : 0;
        for (int b = prop; b <= f; b++) {
          gf[b - base] = (b - prop) / nd == i ? 1 : 0;
        }
        double[] yf = gramSweep != null ? yNew[f - prop] : ydot[f];
        for (int al = 0; al < nd; al++) {
          yf[al] = zl[al][i];
        }
        if (residual) {
          // the skip term reads the vector itself: e_i in layer lp's (identity) neuron order
          Arrays.fill(vec[f], 0, w[lp], 0);
          vec[f][i] = 1;
        }
      }
      int nPrev = w[lp - 1];
      double[][] prev = sig[lp - 1];
      for (int a = 0; a < nd; a++) {
        for (int b = a; b < nd; b++) {
          double c = lb[lp] + lw[lp] / nPrev * Sums.dot(prev[a], prev[b], nPrev);
          if (xiv[lp] != 1) {
            c *= xiv[lp] * xiv[lp];
          }
          coef[a][b] = c;
          coef[b][a] = c;
        }
      }
      for (int l = lp; l <= depth; l++) {
        double[][] th = theta[l];
        int base = gramSweep != null ? 0 : off[l + 1];
        double[][] g = gramSweep != null ? tGram[l] : gram;
        int tn = m[l] * nd;
        for (int t1 = 0; t1 < tn; t1++) {
          for (int t2 = t1; t2 < tn; t2++) {
            th[t1][t2] += g[base + t2][base + t1] * coef[t1 % nd][t2 % nd];
          }
        }
      }
      if (lp > 1 && gramSweep != null) {
        gramSweep.level(0, w[lp - 1], z[lp - 1]);
        for (int t = lp; t <= depth; t++) {
          int cnt = m[t] * nd;
          blocks[0] = cnt;
          blocks[1] = 0;
          gramSweep.step(e, Streams.perTarget(GramSweep.GAUSS_FLAG, t, lp),
              Streams.perTarget(GramSweep.CHI_FLAG, t, lp), cnt, w[lp - 1], 0, sw[lp], sb[lp],
              chol[lp], z[lp - 1], sig[lp - 1], tGram[t], tY[t], null, blocks, 1, lp == 2);
        }
      } else if (lp > 1) {
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

  /**
   * gram[a][b] = g_a·g_b (b ≤ a &lt; prop) and, with zOrd non-null, ydot[a][α'] = g_a·z_α'. Vector
   * a belongs to input α = a mod N_D and is zero outside [ordLo[α], ordHi[α]), so the pairs are
   * taken input by input, each over the overlap of the two intervals. With sameTargetOnly (the
   * last level, where the Gram only feeds Θ̂ and is not factored) only pairs of vectors with the
   * same target layer are formed; the other entries are left as they are and never read.
   */
  private void gramOfPropagated(int prop, double[][] zOrd, boolean sameTargetOnly) {
    int per = prop / nd;
    for (int al = 0; al < nd; al++) {
      double[][] rows = byInput[al];
      for (int k = 0; k < per; k++) {
        rows[k] = vec[k * nd + al];
      }
    }
    if (sameTargetOnly) {
      for (int l = depth; l >= 1 && off[l] <= prop; l--) {
        gramBlock(off[l + 1] / nd, off[l] / nd);
      }
    } else {
      gramBlock(0, per);
    }
    if (zOrd != null) {
      for (int al = 0; al < nd; al++) {
        Dense4.cross(byInput[al], per, zOrd, nd, ordLo[al], ordHi[al], scratch);
        for (int k = 0; k < per; k++) {
          System.arraycopy(scratch[k], 0, ydot[k * nd + al], 0, nd);
        }
      }
    }
  }

  /** The Gram entries among the vectors k·N_D + α for k0 ≤ k &lt; k1 and every input α. */
  private void gramBlock(int k0, int k1) {
    int cnt = k1 - k0;
    for (int al = 0; al < nd; al++) {
      System.arraycopy(byInput[al], k0, blockRows[al], 0, cnt);
    }
    for (int al = 0; al < nd; al++) {
      double[][] rows = blockRows[al];
      Dense4.gramLower(rows, cnt, ordLo[al], ordHi[al], scratch);
      for (int k1r = 0; k1r < cnt; k1r++) {
        double[] gr = gram[(k0 + k1r) * nd + al];
        double[] sr = scratch[k1r];
        for (int k2r = 0; k2r <= k1r; k2r++) {
          gr[(k0 + k2r) * nd + al] = sr[k2r];
        }
      }
      for (int be = 0; be < al; be++) {
        int from = Math.max(ordLo[al], ordLo[be]);
        int to = Math.max(from, Math.min(ordHi[al], ordHi[be]));
        Dense4.cross(rows, cnt, blockRows[be], cnt, from, to, scratch);
        for (int k1r = 0; k1r < cnt; k1r++) {
          int a = (k0 + k1r) * nd + al;
          double[] sr = scratch[k1r];
          for (int k2r = 0; k2r < cnt; k2r++) {
            int b = (k0 + k2r) * nd + be;
            if (a > b) {
              gram[a][b] = sr[k2r];
            } else {
              gram[b][a] = sr[k2r];
            }
          }
        }
      }
    }
  }

  /**
   * The neuron order of layer l's backward vectors and noise: neurons grouped by which inputs have
   * σ′ ≠ 0, so that the vectors of input α (which carry the factor σ′(z_α)) vanish outside one
   * interval [ordLo[α], ordHi[α]). N_D = 2: (only α=0 | both | only α=1 | σ only | neither);
   * otherwise (some σ′ | σ only | neither), "σ only" being neurons with σ′ = 0 but some σ ≠ 0. A
   * neuron in "neither" (every σ and σ′ zero: a relu neuron that no input activates) enters
   * nothing below, so its noise coordinates are never read; the first ordNeed positions are the
   * others. Also: σ, σ′ and z of layer l in that order (ordSig, ordDsig, ordZ; the layer's own arrays
   * when the order is the identity and every neuron is needed), and the noise lanes to draw
   * (ordDst).
   */
  private void order(int l) {
    int n = w[l];
    if (residual) {
      // the skip term γ g keeps every neuron of every vector: no order, full intervals, and the
      // dots y = g·Δ with the constraint's value Δ (delta) instead of z
      ordNeed = n;
      Arrays.fill(ordLo, 0);
      Arrays.fill(ordHi, n);
      ordIdentity = true;
      ordSig = sig[l];
      ordDsig = dsig[l];
      ordZ = delta[l];
      return;
    }
    double[][] d = dsig[l];
    double[][] sg = sig[l];
    // class per neuron: 0 neither, 1..3 the σ′ pattern (N_D = 2) or 1 some σ′, 4 σ only.
    int[] cls = ordClass;
    int[] count = new int[5];
    if (nd == 2) {
      double[] d0 = d[0];
      double[] d1 = d[1];
      double[] s0 = sg[0];
      double[] s1 = sg[1];
      for (int j = 0; j < n; j++) {
        int c = (d0[j] != 0 ? 1 : 0) | (d1[j] != 0 ? 2 : 0);
        int sOnly = (s0[j] != 0 ? 4 : 0) | (s1[j] != 0 ? 4 : 0);
        c = c != 0 ? c : sOnly;
        cls[j] = c;
        count[c]++;
      }
    } else {
      for (int j = 0; j < n; j++) {
        int c = 0;
        for (int al = 0; al < nd && c == 0; al++) {
          c = d[al][j] != 0 ? 1 : 0;
        }
        for (int al = 0; al < nd && c == 0; al++) {
          c = sg[al][j] != 0 ? 4 : 0;
        }
        cls[j] = c;
        count[c]++;
      }
    }
    int[] start = new int[5];
    start[1] = 0;
    start[3] = count[1];
    start[2] = start[3] + count[3];
    start[4] = start[2] + count[2];
    start[0] = start[4] + count[4];
    if (nd == 2) {
      ordLo[0] = 0;
      ordHi[0] = start[2];
      ordLo[1] = start[3];
      ordHi[1] = start[4];
    } else {
      Arrays.fill(ordLo, 0);
      Arrays.fill(ordHi, start[4]);
    }
    int need = start[0];
    ordNeed = need;
    boolean ident = need == n;
    for (int j = 0; j < n; j++) {
      int k = start[cls[j]]++;
      ordPerm[k] = j;
      ordPos[j] = k;
      ident &= k == j;
    }
    ordIdentity = ident;
    if (ident) {
      ordSig = sg;
      ordDsig = d;
      ordZ = z[l];
      return;
    }
    ordSig = sigP;
    ordDsig = dsigP;
    ordZ = zP;
    for (int al = 0; al < nd; al++) {
      gather(sg[al], sigP[al]);
      gather(d[al], dsigP[al]);
      gather(z[l][al], zP[al]);
    }
    // Noise lanes j = 0..n (n: the bias's): lane j goes to position ordPos[j] of the row, the bias
    // to n, unneeded lanes to the spare slot n + 1 (never drawn).
    int lanes = ((n + 1 + 3) >>> 2) << 2;
    for (int j = 0; j < lanes; j++) {
      ordDst[j] = j < n ? (ordPos[j] < need ? ordPos[j] : n + 1) : j == n ? n : n + 1;
    }
  }

  /** to[k] = from[ordPerm[k]] for k &lt; ordNeed. */
  private void gather(double[] from, double[] to) {
    int[] p = ordPerm;
    for (int k = 0; k < ordNeed; k++) {
      to[k] = from[p[k]];
    }
  }

  /**
   * g_a ← σ′(z^{(lp−1)}_{α(a)}) ⊙ (W^{(lp)ᵀ} g_a) for the active vectors a &lt; M, with W^{(lp)} drawn
   * from its law conditioned on W σ^{(lp−1)} + b = z^{(lp)} (jointly for all a). Needs the Gram of
   * the g_a in {@code gram} and y_{a,α} = g_a·z^{(lp)}_α in {@code ydot}; leaves the new vectors
   * in layer lp−1's order ({@link #order}).
   *
   * <p>With ζ_a = Σ_b R_ab η_b: Aᵀζ_a = Σ_b R_ab (Aᵀη_b), so the constraint needs one dot of each
   * noise row with each σ_α (not one per vector), and Wᵀg_a/s_W = ζ_a + s_W σ c_a is a single
   * linear combination of the rows η_b and σ_α, formed four rows per pass and only where σ′ of
   * input α(a) is not zero.
   */
  private void propagate(long e, int lp) {
    order(lp - 1);
    if (!sharedNoise) {
      for (int t = lp; t <= depth; t++) {
        int lo = off[t + 1];
        int cnt = off[t] - lo;
        factor(lo, cnt, gramL);
        int kept = drawRows(e, lp, Streams.perTarget(NTK_FLAG, t, lp), gramL, cnt, null, 0);
        for (int k = 0; k < kept; k++) {
          tKeptK[k] = k;
        }
        finish(lp, lo, cnt, gramL, kept);
      }
    } else {
      // One set of noise rows for the level: row b is read by every target layer whose Gram keeps
      // pivot b (docs/EXACT_SAMPLER.md §2c, "Shared noise rows"). Each sweep still sees iid N(0, 1)
      // rows, independent of its other levels and of the forward streams.
      int maxCnt = 0;
      for (int t = lp; t <= depth; t++) {
        int lo = off[t + 1];
        int cnt = off[t] - lo;
        factor(lo, cnt, gramLT[t]);
        maxCnt = Math.max(maxCnt, cnt);
      }
      int drawn = drawRows(e, lp, Streams.perTarget(NTK_FLAG, 0, lp), null, maxCnt, gramLT, lp);
      for (int t = lp; t <= depth; t++) {
        int lo = off[t + 1];
        int cnt = off[t] - lo;
        double[][] lt = gramLT[t];
        int kept = 0;
        for (int k = 0; k < drawn; k++) {
          int b = drawnIdx[k];
          if (b < cnt && lt[b][b] != 0) {
            tKeptK[kept++] = k;
          }
        }
        finish(lp, lo, cnt, lt, kept);
      }
    }
    double[][] swap = vec;
    vec = nxt;
    nxt = swap;
  }

  /** The Cholesky factor of the Gram of vectors [lo, lo + cnt) into {@code lf}. */
  private void factor(int lo, int cnt, double[][] lf) {
    for (int i = 0; i < cnt; i++) {
      System.arraycopy(gram[lo + i], lo, gLoc[i], 0, i + 1);
    }
    Psd.cholesky(gLoc, lf, cnt);
  }

  /**
   * Draws the noise rows b &lt; cnt of stream c2 that are read: those with a kept pivot in
   * {@code lf} (one target's factor), or with {@code lf} null, in some target t ≥ lt0's factor
   * {@code lts[t]}. Row b goes to eta[k], drawnIdx[k] = b, in increasing b; then
   * aEta[k] = Aᵀη_b = s_W σᵀη_{b,1..n} + s_b η_{b,n+1}. Returns the number of rows drawn.
   */
  private int drawRows(long e, int lp, int c2, double[][] lf, int cnt, double[][][] lts, int lt0) {
    int n = w[lp - 1];
    int drawn = 0;
    for (int b = 0; b < cnt; b++) {
      boolean read = false;
      if (lf != null) {
        read = lf[b][b] != 0;
      } else {
        for (int t = lt0; t <= depth && !read; t++) {
          read = b < lts[t].length && lts[t][b][b] != 0;
        }
      }
      if (read) {
        // Noise row b in layer lp−1's order (position n: the bias coordinate).
        // ziggurat Gaussians (org.rgflow.rng.Ziggurat), only the lanes that are read
        Ziggurat.row(seed, e, c2, b, n + 1, ordIdentity ? null : ordDst, n + 1, zigWords,
            eta[drawn]);
        drawnIdx[drawn++] = b;
      }
    }
    // Aᵀη_b = s_W σᵀη_{b,1..n} + s_b η_{b,n+1} (σ vanishes past ordNeed).
    Dense4.cross(eta, drawn, ordSig, nd, 0, ordNeed, aEta);
    double s = sw[lp];
    double sbl = sb[lp];
    for (int k = 0; k < drawn; k++) {
      double bias = sbl * eta[k][n];
      double[] r = aEta[k];
      for (int al = 0; al < nd; al++) {
        r[al] = s * r[al] + bias;
      }
    }
    return drawn;
  }

  /**
   * One target layer's vectors [lo, lo + cnt) through layer lp, given the factor {@code lf} of
   * their Gram and their kept noise rows eta[tKeptK[k]] (row b = drawnIdx[tKeptK[k]], increasing
   * in k) with Aᵀη_b in aEta.
   */
  private void finish(int lp, int lo, int cnt, double[][] lf, int kept) {
    int n = w[lp - 1];
    double s = sw[lp];
    double[][] gl = chol[lp];
    int[] kk = tKeptK;
    // c_a = G⁻ (y_a − Aᵀζ_a) with ζ_a = Σ_{b ≤ a} R_ab η_b and y_a = Σ_c g_c z_c.
    for (int q = 0; q < cnt; q++) {
      double[] ra = lf[q];
      for (int al = 0; al < nd; al++) {
        double acc = 0;
        for (int k = 0; k < kept && drawnIdx[kk[k]] <= q; k++) {
          acc += ra[drawnIdx[kk[k]]] * aEta[kk[k]][al];
        }
        rhs[al] = ydot[lo + q][al] - acc;
      }
      Psd.solve(gl, nd, rhs, rhs);
      double[] sc = sigCoef[q];
      for (int al = 0; al < nd; al++) {
        sc[al] = s * rhs[al];
      }
    }
    // Wᵀg_a / s_W = ζ_a + s_W σ c_a (first n coordinates), then ⊙ σ′ and × s_W, only on the interval
    // where σ′ of input α(a) can be non-zero (zero elsewhere, never read).
    for (int q = 0; q < cnt; q++) {
      double[] ra = lf[q];
      int cc = 0;
      for (int k = 0; k < kept && drawnIdx[kk[k]] <= q; k++) {
        double c = ra[drawnIdx[kk[k]]];
        if (c != 0) {
          combRow[cc] = eta[kk[k]];
          combCoef[cc++] = c;
        }
      }
      for (int be = 0; be < nd; be++) {
        combRow[cc] = ordSig[be];
        combCoef[cc++] = sigCoef[q][be];
      }
      int al = q % nd;
      int from = ordLo[al];
      int to = ordHi[al];
      double[] out = nxt[lo + q];
      Dense.combine(combRow, combCoef, cc, from, to, out);
      double[] dd = ordDsig[al];
      for (int j = from; j < to; j++) {
        out[j] = s * out[j] * dd[j];
      }
      if (gam[lp] != 0 || xiv[lp] != 1) {
        // residual: g^{(lp−1)} = γ g^{(lp)} + ξ σ′ ⊙ Wᵀg^{(lp)} (equal widths, both in neuron order)
        double[] old = vec[lo + q];
        double g = gam[lp];
        double x = xiv[lp];
        for (int j = 0; j < n; j++) {
          out[j] = x * out[j] + g * old[j];
        }
      }
    }
  }

  /** Whether the joint sweep is chosen (tests). */
  boolean joint() {
    return joint;
  }

  /**
   * The cost estimate that picks the Gram sweep's layout: per level, the joint sweep does O(r³)
   * work on its basis (r ≤ the vectors alive and ≤ N_D·n_ℓ), the per-target sweeps a fixed amount
   * per target layer alive (mostly their Gaussians), growing as (m N_D)³.
   */
  static boolean jointCheaper(int[] w, int[] m, int nd, int depth) {
    // the same forms and constants as org.rgflow.device.SamplerCost (seconds: 1.5 µs per pair and
    // per level), so that --sampler auto's estimate is the layout that runs
    double perTarget = 0;
    double joint = 0;
    int alive = 0;
    for (int l = depth; l >= 1; l--) {
      alive += m[l] * nd;
      double block = m[l] * nd;
      double r = Math.min(alive, (double) nd * w[l]);
      joint += 1.5e-6 * (1 + Math.pow(r + block, 3) / 2000);
      perTarget += (depth - l + 1) * 1.5e-6 * (1 + Math.pow(block, 3) / 512);
    }
    return joint < perTarget;
  }

  /**
   * The NTK as one sweep over all target layers whose state is a basis of the backward vectors
   * rather than the vectors (docs/EXACT_SAMPLER.md §2c). At level ℓ' the candidates are the
   * propagated basis of level ℓ'+1 and the new unit vectors e_i of layer ℓ'; per input, the
   * semidefinite Cholesky factor L of their Gram gives an orthonormal basis b = L_KK⁻¹ c_K of their
   * span (c = L b for every candidate). Only the basis goes through the Gram sweep's step (with
   * the old joint streams, c2 = ℓ' | flag), so a level costs O(r³) with r ≤ N_D·n_ℓ' + the new
   * targets, whatever the depth. Θ̂ then comes from one upward pass: with Π the rows of the
   * propagated candidates in the basis below and K̃ the coefficient-weighted Gram of the basis,
   * Q_1 = K̃_1, Q_ℓ' = K̃_ℓ' + Π Q_{ℓ'−1} Πᵀ and Θ̂^{(ℓ)} = P_new Q_ℓ P_newᵀ.
   */
  private void backwardJoint(long e) {
    int rPrev = 0;
    for (int lp = depth; lp >= 1; lp--) {
      int nNew = m[lp] * nd;
      int nc = rPrev + nNew;
      for (int c = 0; c < rPrev; c++) {
        System.arraycopy(jg[c], 0, cg[c], 0, c + 1);
        System.arraycopy(jy[c], 0, cy[c], 0, nd);
        ctag[c] = jtag[c];
      }
      for (int f = 0; f < nNew; f++) {
        int c = rPrev + f;
        int i = f / nd;
        double[] row = cg[c];
        for (int b = 0; b < rPrev; b++) {
          row[b] = unitVal[i][b];
        }
        for (int f2 = 0; f2 <= f; f2++) {
          row[rPrev + f2] = f2 / nd == i ? 1 : 0;
        }
        for (int al = 0; al < nd; al++) {
          cy[c][al] = z[lp][al][i];
        }
        ctag[c] = f % nd;
      }
      int r = compress(lp, nc);
      rLev[lp] = r;
      int nPrev = w[lp - 1];
      double[][] prev = sig[lp - 1];
      for (int a = 0; a < nd; a++) {
        for (int b = a; b < nd; b++) {
          double c = lb[lp] + lw[lp] / nPrev * Sums.dot(prev[a], prev[b], nPrev);
          coef[a][b] = c;
          coef[b][a] = c;
        }
      }
      double[][] kt = kLev[lp];
      for (int a = 0; a < r; a++) {
        for (int b = 0; b <= a; b++) {
          double v = coef[jtag[a]][jtag[b]] * jg[a][b];
          kt[a][b] = v;
          kt[b][a] = v;
        }
      }
      if (lp > 1) {
        gramSweep.tags(jtag);
        gramSweep.level(m[lp - 1], w[lp - 1], z[lp - 1]);
        gramSweep.step(e, lp | GramSweep.GAUSS_FLAG, lp | GramSweep.CHI_FLAG, r, w[lp - 1],
            m[lp - 1], sw[lp], sb[lp], chol[lp], z[lp - 1], sig[lp - 1], jg, jy, unitVal, blocks,
            1, false);
        gramSweep.tags(null);
      }
      rPrev = r;
    }
    // Upward: Q_1 = K̃_1, Q_ℓ = K̃_ℓ + Π Q_{ℓ−1} Πᵀ (Π: level ℓ−1's candidate rows of the basis
    // of level ℓ), Θ̂^{(ℓ)} = P_new Q_ℓ P_newᵀ.
    double[][] q = qa;
    double[][] qn = qb;
    for (int lp = 1; lp <= depth; lp++) {
      int r = rLev[lp];
      double[][] kt = kLev[lp];
      if (lp == 1) {
        for (int a = 0; a < r; a++) {
          System.arraycopy(kt[a], 0, q[a], 0, r);
        }
      } else {
        int rl = rLev[lp - 1];
        double[][] pi = pLev[lp - 1];
        // qt = Π Q (r × rl), then qn = K̃ + qt Πᵀ
        for (int a = 0; a < r; a++) {
          double[] pa = pi[a];
          double[] ta = qt[a];
          Arrays.fill(ta, 0, rl, 0);
          for (int k = 0; k < rl; k++) {
            double c = pa[k];
            if (c == 0) {
              continue;
            }
            double[] qk = q[k];
            for (int l2 = 0; l2 < rl; l2++) {
              ta[l2] += c * qk[l2];
            }
          }
        }
        for (int a = 0; a < r; a++) {
          double[] ta = qt[a];
          for (int b = 0; b <= a; b++) {
            double v = kt[a][b] + Dense.dot(ta, pi[b], 0, rl);
            qn[a][b] = v;
            qn[b][a] = v;
          }
        }
        double[][] sw2 = q;
        q = qn;
        qn = sw2;
      }
      int rp = lp < depth ? rLev[lp + 1] : 0;
      double[][] p = pLev[lp];
      double[][] th = theta[lp];
      int tn = m[lp] * nd;
      for (int f = 0; f < tn; f++) {
        double[] pf = p[rp + f];
        double[] ta = qt[f];
        for (int l2 = 0; l2 < r; l2++) {
          ta[l2] = 0;
        }
        for (int k = 0; k < r; k++) {
          double c = pf[k];
          if (c == 0) {
            continue;
          }
          double[] qk = q[k];
          for (int l2 = 0; l2 < r; l2++) {
            ta[l2] += c * qk[l2];
          }
        }
      }
      for (int f = 0; f < tn; f++) {
        for (int f2 = 0; f2 <= f; f2++) {
          double v = Dense.dot(qt[f], p[rp + f2], 0, r);
          th[f][f2] = v;
          th[f2][f] = v;
        }
      }
    }
  }

  /**
   * The candidates (cg lower, cy, ctag; nc of them) of level lp onto an orthonormal basis per
   * input: jg, jy, jtag (the basis's Gram, its dots with z, its inputs) and pLev[lp] (candidate c =
   * Σ_k pLev[lp][c][k] b_k). Returns the basis size. Within one input the basis Gram is I; across
   * inputs it is L_α⁻¹ Γ_{K_α K_β} L_β⁻ᵀ.
   */
  private int compress(int lp, int nc) {
    int r = 0;
    double[][] p = pLev[lp];
    for (int c = 0; c < nc; c++) {
      Arrays.fill(p[c], 0, Math.min(jcap, nc), 0);
    }
    int rankCap = w[lp];
    for (int al = 0; al < nd; al++) {
      int cnt = 0;
      for (int c = 0; c < nc; c++) {
        if (ctag[c] == al) {
          idxTmp[cnt++] = c;
        }
      }
      cntTag[al] = cnt;
      // Pivoted semidefinite Cholesky of this input's candidate Gram: at each step the candidate
      // with the largest remaining fraction of its own squared norm (Schur pivot / diagonal) goes
      // next; stop when that fraction is ≤ Psd.RELATIVE_TOL or n_lp vectors are kept (the span
      // lies in R^{n_lp}). la[i][k]: candidate i's coefficient on basis vector k; res = Schur diag.
      double[][] la = laTag[al];
      double[] res = gaTmp[0];
      double[] diag = gaTmp[1];
      boolean[] used = usedTmp;
      for (int i = 0; i < cnt; i++) {
        double d = cg[idxTmp[i]][idxTmp[i]];
        diag[i] = d;
        res[i] = d;
        used[i] = false;
        Arrays.fill(la[i], 0, cnt, 0);
      }
      int base = r;
      for (int k = 0; k < Math.min(cnt, rankCap); k++) {
        int piv = -1;
        double best = Psd.RELATIVE_TOL;
        for (int i = 0; i < cnt; i++) {
          if (!used[i] && diag[i] > 0 && res[i] > best * diag[i]) {
            best = res[i] / diag[i];
            piv = i;
          }
        }
        if (piv < 0) {
          break;
        }
        used[piv] = true;
        double lkk = Math.sqrt(res[piv]);
        la[piv][k] = lkk;
        int cp = idxTmp[piv];
        for (int i = 0; i < cnt; i++) {
          if (used[i]) {
            continue;
          }
          int ci = idxTmp[i];
          double t = ci >= cp ? cg[ci][cp] : cg[cp][ci];
          double[] li = la[i];
          double[] lp2 = la[piv];
          for (int j = 0; j < k; j++) {
            t -= li[j] * lp2[j];
          }
          double v = t / lkk;
          li[k] = v;
          res[i] -= v * v;
        }
        keptCand[r] = cp;
        jtag[r] = al;
        r++;
      }
      for (int i = 0; i < cnt; i++) {
        double[] pr = p[idxTmp[i]];
        double[] li = la[i];
        for (int k = 0; k < r - base; k++) {
          pr[base + k] = li[k];
        }
      }
    }
    // Lfull (block-diagonal over inputs, lower triangular on the basis order): row a of the basis
    // is kept candidate keptCand[a], Lfull[a][b] = pLev[lp][keptCand[a]][b].
    // jy = Lfull⁻¹ cy_K;  jg = Lfull⁻¹ Γ_KK Lfull⁻ᵀ (I within an input).
    for (int a = 0; a < r; a++) {
      double[] la = p[keptCand[a]];
      double[] ya = jy[a];
      for (int al = 0; al < nd; al++) {
        double t = cy[keptCand[a]][al];
        for (int b = 0; b < a; b++) {
          t -= la[b] * jy[b][al];
        }
        ya[al] = t / la[a];
      }
    }
    if (nd == 1) {
      for (int a = 0; a < r; a++) {
        Arrays.fill(jg[a], 0, a, 0);
        jg[a][a] = 1;
      }
      return r;
    }
    // X = Lfull⁻¹ Γ_KK (column by column, forward substitution), qt as scratch (row a of X)
    for (int a = 0; a < r; a++) {
      double[] la = p[keptCand[a]];
      double[] xa = qt[a];
      for (int c = 0; c < r; c++) {
        int ca = keptCand[a];
        int cc = keptCand[c];
        double t = ca >= cc ? cg[ca][cc] : cg[cc][ca];
        for (int b = 0; b < a; b++) {
          t -= la[b] * qt[b][c];
        }
        xa[c] = t / la[a];
      }
    }
    // G = X Lfull⁻ᵀ: G[a][c] solves Σ_{b ≤ c} G[a][b] Lfull[c][b] = X[a][c]
    for (int a = 0; a < r; a++) {
      double[] xa = qt[a];
      double[] ga = gaTmp[a];
      for (int c = 0; c < r; c++) {
        double[] lc = p[keptCand[c]];
        double t = xa[c];
        for (int b = 0; b < c; b++) {
          t -= ga[b] * lc[b];
        }
        ga[c] = t / lc[c];
      }
    }
    for (int a = 0; a < r; a++) {
      for (int b = 0; b <= a; b++) {
        jg[a][b] = jtag[a] == jtag[b] ? (a == b ? 1 : 0) : 0.5 * (gaTmp[a][b] + gaTmp[b][a]);
      }
    }
    return r;
  }
}

package org.rgflow.ensemble;

import java.util.Arrays;
import org.rgflow.act.Activation;
import org.rgflow.core.Sums;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Weights;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The dNTK statistics of one network of the direct sampler (docs/THEORY.md §16), for every layer t and
 * every component (α0, α1, α2, α3), after {@link CpuNetwork}'s forward pass; weights are regenerated
 * row by row from the randomness contract, nothing of size n² is stored.
 *
 * <p>With u_{kα} = λ∇_θ z^{(t)}_{k;α} (the NTK direction of neuron k on input α: λ_b g on the biases and
 * (λ_W/n_{a−1}) g ⊗ σ^{(a−1)}_α on the weights of layer a, g^{(a)} = ∂z^{(t)}_{k;α}/∂z^{(a)}_α), the dNTK
 * is a second directional derivative: dΘ̂_{i0 k1 k2;β α1 α2} = ∂_{u_{k1α1}}∂_{u_{k2α2}} z^{(t)}_{i0;β}, for
 * every i0 and β at once. Directions: u_{kα} for the measured neurons k ∈ S, and c_{α2α3} =
 * Σ_k z_{k;α3} u_{kα2} (g from the start vector z^{(t)}_{α3} on input α2), whose dNTK is
 * Σ_k z_{k;α3} dΘ̂_{·,·,k}. One sweep down carries every direction's g; one sweep up carries the
 * first-order tangents ż_β (ż^{(t)}_{i;β} = Θ̂_{ik;βα}) and the second-order ones z̈_β of the pairs
 * (kα1, kα2) and (iα1, c_{α2α3}), at every input β:
 *
 * <pre>
 * ż^{(1)}_β = coef^{(1)}_{αβ} g^{(1)},   ż^{(a+1)}_β = coef^{(a+1)}_{αβ} g^{(a+1)} + W (σ′_β ⊙ ż^{(a)}_β)
 * z̈^{(1)} = 0,   z̈^{(a+1)}_β = W (σ″_β ⊙ ż₁ ⊙ ż₂ + σ′_β ⊙ z̈^{(a)}_β)
 *              + (λ_W/n_a) [g₁^{(a+1)} σ^{(a)}_{α₁}·(σ′_β ⊙ ż₂_β) + g₂^{(a+1)} σ^{(a)}_{α₂}·(σ′_β ⊙ ż₁_β)]
 * </pre>
 *
 * coef^{(a)}_{αβ} = λ_b + (λ_W/n_{a−1}) σ^{(a−1)}_α·σ^{(a−1)}_β. Statistics per layer, 2·N_D⁴ numbers
 * ({@link org.rgflow.stats.DntkBlock}), flat over (α0, α1, α2, α3):
 * p = Σ_{k∈S} Σ_{i≠k} z_{i;α3} dΘ̂_{ikk;α0α1α2} / (m(n−1)) and
 * q = Σ_{i∈S} (z̈^{(iα1, c_{α2α3})}_{i;α0} − z_{i;α3} dΘ̂_{iii;α0α1α2}) / (m(n−1)).
 *
 * <p>The statistics read z̈ only through output functionals (z̈_{k;β} and Σ_i z_{i;α3} z̈_{i;β}), and z̈'s
 * recursion is linear, so {@link #run} never propagates z̈: each functional is a sum over the levels of
 * dot products with the down sweep's backward vectors ({@link #contract}, docs/THEORY.md §16). Same
 * estimator, same random numbers; only the rounding order differs from the whole-z̈ reference sweep,
 * which the test accessors still use. Cost per network and target layer, with m measured neurons:
 * m N_D + N_D² directions down (the m N_D taken from the NTK sweep when {@link CpuNetwork#shareWith}),
 * N_D (m N_D + N_D²) first-order vectors up through every layer below, O(n) dot products per pair and
 * level, plus two regenerations of the weights (N_D = 2, m = 4: 4 + 8 shared down, 24 up, against
 * 12 down and 24 + 88 up for the reference). Dense layers only. When shared, the N_D² c directions also
 * ride the NTK's backward steps ({@link #begin}, {@link #fusedBackward}: the weights of each level are
 * regenerated once for both), so the dNTK adds one regeneration (the up sweep's), not two.
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
  /** Per target t: direction d's input and its g^{(a)}, a = 1..t. */
  private final int[][] dirAlpha;
  private final double[][][][] g;
  /** ĝ^{(a)} = s_{a+1} W^{(a+1)ᵀ} g^{(a+1)} before the σ′ factor, a = 1..t−1 (g = ĝ ⊙ σ′_α). */
  private final double[][][][] gh;
  /** Per target t and pair p: its two directions. */
  private final int[][] pair1;
  private final int[][] pair2;
  /** ż[t][d][β], z̈[t][p][β] at the current level, and the next; h = σ′⊙ż, r the z̈ inputs. */
  private final double[][][][] zd;
  private final double[][][][] zdNext;
  private double[][][][] zdd;
  private double[][][][] zddNext;
  private final double[][][][] hBuf;
  private double[][][][] rBuf;
  /**
   * The contracted second-order outputs of target t, summed over the levels (see {@link #contract}):
   * pz[t][pair][α0·N_D+α3] = Σ_i z_{i;α3} z̈_{i;α0} and pk[t][pair][α0] = z̈_{k;α0} of the P pairs,
   * qi[t][q][α0] = z̈_{i;α0} of the Q pairs (q = qPair − m N_D²).
   */
  private final double[][][] pz;
  private final double[][][] pk;
  private final double[][][] qi;
  /** Scratch of {@link #contract}: Gram G[y][d] of the g at level a+1, F[d][β][α], wy = ĝ ⊙ σ″, ż₁⊙ż₂. */
  private final double[][] gram;
  private final double[][][] fsh;
  private final double[][] wy;
  private final double[] prod;
  /** Network whose tangents the last {@link #run} left, for the test accessors' reference sweep. */
  private long lastE = -1;
  private double[][][] lastZ;
  private double[][][] lastSig;
  private boolean full;
  private boolean shared;
  private final java.util.List<Layer> layers;
  private final org.rgflow.layer.Scratch scratch;
  private final double[][] ones;
  private static final int TILE = 16;
  private final double[][] tile;
  private double[] simdBuf;
  /** The tile transposed for {@link TileDots}, allocated on first use. */
  private double[] tileT;
  /** {@link #fusedBackward}'s tile of scaled active rows (Dense's), allocated on first use. */
  private double[][] stile;
  private int[] stileRows;
  /** The network {@link #begin} prepared (its down sweep done by the NTK's), or −1. */
  private long fusedE = -1;
  private double[][][] fusedZ;
  private final int maxIn;
  private final double[][] vin;
  private final double[][] vout;
  private final double[][] vhat;
  private final int[] valpha;
  private final double[][] coef;
  /** stats[t][0..2N_D⁴): p then q, flat over (α0, α1, α2, α3). */
  final double[][] stats;

  /** Why the sweep cannot measure {@code spec}, or null when it can. */
  static String unsupported(NetworkSpec spec) {
    for (Layer l : spec.layers()) {
      if (!l.plainMlp()) {
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
    dirAlpha = new int[depth + 1][];
    g = new double[depth + 1][][][];
    gh = new double[depth + 1][][][];
    pz = new double[depth + 1][][];
    pk = new double[depth + 1][][];
    qi = new double[depth + 1][][];
    pair1 = new int[depth + 1][];
    pair2 = new int[depth + 1][];
    zd = new double[depth + 1][][][];
    zdNext = new double[depth + 1][][][];
    hBuf = new double[depth + 1][][][];
    int vectors = 0;
    int maxDirs = 0;
    for (int t = 1; t <= depth; t++) {
      int mt = Math.min(w[t], neurons);
      m[t] = mt;
      int dirs = mt * nd + nd * nd;
      dirAlpha[t] = new int[dirs];
      for (int k = 0; k < mt; k++) {
        for (int a = 0; a < nd; a++) {
          dirAlpha[t][k * nd + a] = a;
        }
      }
      for (int a2 = 0; a2 < nd; a2++) {
        for (int a3 = 0; a3 < nd; a3++) {
          dirAlpha[t][cDir(t, a2, a3)] = a2;
        }
      }
      g[t] = new double[dirs][t + 1][];
      gh[t] = new double[dirs][t + 1][];
      for (int d = 0; d < dirs; d++) {
        for (int l = 1; l <= t; l++) {
          g[t][d][l] = new double[w[l]];
          if (l < t) {
            gh[t][d][l] = new double[w[l]];
          }
        }
      }
      pz[t] = new double[mt * nd * nd][nd * nd];
      pk[t] = new double[mt * nd * nd][nd];
      qi[t] = new double[mt * nd * nd * nd][nd];
      int pairs = mt * nd * nd + mt * nd * nd * nd;
      pair1[t] = new int[pairs];
      pair2[t] = new int[pairs];
      for (int k = 0; k < mt; k++) {
        for (int a1 = 0; a1 < nd; a1++) {
          for (int a2 = 0; a2 < nd; a2++) {
            int pp = pPair(k, a1, a2);
            pair1[t][pp] = k * nd + a1;
            pair2[t][pp] = k * nd + a2;
            for (int a3 = 0; a3 < nd; a3++) {
              int qp = qPair(t, k, a1, a2, a3);
              pair1[t][qp] = k * nd + a1;
              pair2[t][qp] = cDir(t, a2, a3);
            }
          }
        }
      }
      zd[t] = new double[dirs][nd][maxW];
      zdNext[t] = new double[dirs][nd][maxW];
      hBuf[t] = new double[dirs][nd][maxW];
      vectors += Math.max(dirs, nd * (dirs + pairs));
      maxDirs = Math.max(maxDirs, dirs);
    }
    gram = new double[maxDirs][maxDirs];
    fsh = new double[maxDirs][nd][nd];
    wy = new double[maxDirs][maxW];
    prod = new double[maxW];
    tile = new double[TILE][maxW];
    maxIn = maxW;
    layers = spec.layers();
    scratch = new org.rgflow.layer.Scratch(maxW, true);
    ones = new double[nd][maxW];
    for (double[] o : ones) {
      Arrays.fill(o, 1);
    }
    vin = new double[vectors][];
    vout = new double[vectors][];
    vhat = new double[vectors][];
    valpha = new int[vectors];
    coef = new double[nd][nd];
    stats = new double[depth + 1][2 * nd * nd * nd * nd];
  }

  private int cDir(int t, int a2, int a3) {
    return m[t] * nd + a2 * nd + a3;
  }

  /**
   * Pair (kα1, kα2); (α1, α2) and (α2, α1) are the same pair (dΘ̂ is symmetric under (i1α1) ↔ (i2α2)),
   * so only α1 ≤ α2 is propagated ({@link #active}).
   */
  private int pPair(int k, int a1, int a2) {
    return a1 <= a2 ? (k * nd + a1) * nd + a2 : (k * nd + a2) * nd + a1;
  }

  /** Whether pair p is propagated (the P pairs with α1 &gt; α2 are not: see {@link #pPair}). */
  private boolean active(int t, int p) {
    if (p >= m[t] * nd * nd) {
      return true;
    }
    int a1 = p / nd % nd;
    int a2 = p % nd;
    return a1 <= a2;
  }

  private int qPair(int t, int i, int a1, int a2, int a3) {
    return m[t] * nd * nd + ((i * nd + a1) * nd + a2) * nd + a3;
  }

  private int flat(int a0, int a1, int a2, int a3) {
    return ((a0 * nd + a1) * nd + a2) * nd + a3;
  }

  /**
   * Takes the NTK sweep's backward vectors instead of recomputing them: {@link CpuNetwork}, sharing
   * its m, hands over each vector of target t, direction d = k N_D + α, at {@code level} before the σ′
   * factor ({@code out}, the layer's backward step with σ′ = 1), and this multiplies σ′ in place, as
   * the layer would have (so the NTK is bit for bit the one without the dNTK). Then {@link #run} only
   * propagates the c directions down.
   */
  void fromNtk(int t, int d, int level, double[] out, double[] dd) {
    double[] oh = gh[t][d][level];
    double[] o = g[t][d][level];
    int n = w[level];
    System.arraycopy(out, 0, oh, 0, n);
    for (int j = 0; j < n; j++) {
      out[j] *= dd[j];
    }
    System.arraycopy(out, 0, o, 0, n);
  }

  /** Whether {@link CpuNetwork} with {@code ntkNeurons} measures exactly this sweep's unit directions. */
  boolean sameNeurons(int ntkNeurons) {
    for (int t = 1; t <= depth; t++) {
      if (m[t] != Math.min(w[t], ntkNeurons)) {
        return false;
      }
    }
    return true;
  }

  /** Marks the unit directions as handed over by {@link #fromNtk} for the next {@link #run}s. */
  void share() {
    shared = true;
  }

  /** σ′ = 1, for the NTK's backward step whose output is ĝ. */
  double[][] ones() {
    return ones;
  }

  /**
   * The dNTK of network e, whose pre-activations z[ℓ][α][i] and activations sig[ℓ][α][j] (σ[0] = x)
   * {@link CpuNetwork} has just computed.
   */
  void run(long e, double[][][] z, double[][][] sig) {
    if (!(shared && fusedE == e && fusedZ == z)) {
      derivatives(z);
      down(e, z);
    }
    fusedE = -1;
    fusedZ = null;
    full = false;
    up(e, z, sig, false);
    lastE = e;
    lastZ = z;
    lastSig = sig;
  }

  private void derivatives(double[][][] z) {
    for (int l = 1; l < depth; l++) {
      for (int a = 0; a < nd; a++) {
        double[] zz = z[l][a];
        for (int j = 0; j < w[l]; j++) {
          d1[l][a][j] = act.d1(zz[j]);
          d2[l][a][j] = act.d2(zz[j]);
        }
      }
    }
  }

  /**
   * Called by the sharing {@link CpuNetwork} before its NTK sweep of network e: σ′, σ″ and the start
   * vectors of every direction, so that its backward steps can carry the c directions down too
   * ({@link #fusedBackward}); {@link #run} on the same network then skips the down sweep.
   */
  void begin(long e, double[][][] z) {
    derivatives(z);
    starts(z);
    fusedE = e;
    fusedZ = z;
  }

  /**
   * Dense layer lp's backward step of the NTK's vectors (gIn → gOut, count of them, σ′ = 1: exactly
   * {@link org.rgflow.layer.Dense#backward}'s arithmetic — the same scaled rows, the same tiles of 16
   * active rows, the same order of additions — so Θ̂ is unchanged bit for bit) together with the c
   * directions' step at level lp ({@link #down}'s arithmetic), on one regeneration of W^{(lp)}.
   */
  void fusedBackward(long e, int lp, double[][] gIn, double[][] gOut, int count) {
    int nIn = w[lp - 1];
    int width = w[lp];
    double s = sw[lp];
    for (int v = 0; v < count; v++) {
      Arrays.fill(gOut[v], 0, nIn, 0);
    }
    int cc = 0;
    for (int t = lp; t <= depth; t++) {
      for (int d = m[t] * nd; d < g[t].length; d++) {
        vin[cc] = g[t][d][lp];
        vout[cc] = g[t][d][lp - 1];
        vhat[cc] = gh[t][d][lp - 1];
        valpha[cc++] = dirAlpha[t][d];
      }
    }
    for (int v = 0; v < cc; v++) {
      Arrays.fill(vout[v], 0, nIn, 0);
    }
    if (stile == null) {
      stile = new double[TILE][maxIn];
      stileRows = new int[TILE];
    }
    Weights wt = new Weights(seed, e, lp);
    int srows = 0;
    for (int i0 = 0; i0 < width; i0 += TILE) {
      int rows = Math.min(TILE, width - i0);
      rows(wt, i0, rows, nIn);
      for (int r = 0; r < rows; r++) {
        int k = i0 + r;
        if (anyActive(gIn, count, k)) {
          double[] u = tile[r];
          double[] st = stile[srows];
          for (int j = 0; j < nIn; j++) {
            st[j] = s * u[j];
          }
          stileRows[srows++] = k;
          if (srows == TILE) {
            for (int v = 0; v < count; v++) {
              applyTile(gIn[v], gOut[v], srows, nIn);
            }
            srows = 0;
          }
        }
      }
      for (int v = 0; v < cc; v++) {
        accumulateTile(vin[v], i0, rows, vout[v], nIn);
      }
    }
    for (int v = 0; v < count; v++) {
      applyTile(gIn[v], gOut[v], srows, nIn);
    }
    for (int v = 0; v < cc; v++) {
      double[] o = vout[v];
      double[] oh = vhat[v];
      double[] dd = d1[lp - 1][valpha[v]];
      for (int j = 0; j < nIn; j++) {
        oh[j] = s * o[j];
        o[j] = oh[j] * dd[j];
      }
    }
  }

  private static boolean anyActive(double[][] gv, int count, int k) {
    for (int v = 0; v < count; v++) {
      if (gv[v][k] != 0) {
        return true;
      }
    }
    return false;
  }

  /** Dense's applyTile: out += Σ_r g[row_r] · stile_r over the scaled tile of active rows. */
  private void applyTile(double[] gv, double[] out, int count, int nPrev) {
    int[] tileRows = stileRows;
    int r = 0;
    for (; r + 3 < count; r += 4) {
      double c0 = gv[tileRows[r]];
      double c1 = gv[tileRows[r + 1]];
      double c2 = gv[tileRows[r + 2]];
      double c3 = gv[tileRows[r + 3]];
      if (c0 == 0 && c1 == 0 && c2 == 0 && c3 == 0) {
        continue;
      }
      double[] t0 = stile[r];
      double[] t1 = stile[r + 1];
      double[] t2 = stile[r + 2];
      double[] t3 = stile[r + 3];
      for (int j = 0; j < nPrev; j++) {
        out[j] += (c0 * t0[j] + c1 * t1[j]) + (c2 * t2[j] + c3 * t3[j]);
      }
    }
    for (; r < count; r++) {
      double c = gv[tileRows[r]];
      if (c != 0) {
        double[] t0 = stile[r];
        for (int j = 0; j < nPrev; j++) {
          out[j] += c * t0[j];
        }
      }
    }
  }

  /**
   * The reference sweep: propagates every pair's whole z̈ (all i0) as the class comment's recursion
   * states, for the test accessors {@link #diagonal} and {@link #withC}; {@link #run}'s statistics
   * never need it.
   */
  private void reference() {
    if (full) {
      return;
    }
    if (zdd == null) {
      int maxW = wy[0].length;
      zdd = new double[depth + 1][][][];
      zddNext = new double[depth + 1][][][];
      rBuf = new double[depth + 1][][][];
      for (int t = 1; t <= depth; t++) {
        int pairs = pair1[t].length;
        zdd[t] = new double[pairs][nd][maxW];
        zddNext[t] = new double[pairs][nd][maxW];
        rBuf[t] = new double[pairs][nd][maxW];
      }
    }
    up(lastE, lastZ, lastSig, true);
    full = true;
  }

  private void down(long e, double[][][] z) {
    starts(z);
    downSteps(e);
  }

  private void starts(double[][][] z) {
    for (int t = 1; t <= depth; t++) {
      for (int d = 0; d < g[t].length; d++) {
        double[] v = g[t][d][t];
        if (d < m[t] * nd) {
          Arrays.fill(v, 0);
          v[d / nd] = 1;
        } else {
          int a3 = (d - m[t] * nd) % nd;
          System.arraycopy(z[t][a3], 0, v, 0, w[t]);
        }
      }
    }
  }

  private void downSteps(long e) {
    for (int lvl = depth; lvl >= 2; lvl--) {
      int count = 0;
      if (!shared) {
        // the NTK's own backward step on the NTK's own vectors, σ′ applied here (see fromNtk)
        for (int t = lvl; t <= depth; t++) {
          for (int d = 0; d < m[t] * nd; d++) {
            vin[count] = g[t][d][lvl];
            vhat[count] = gh[t][d][lvl - 1];
            valpha[count++] = dirAlpha[t][d];
          }
        }
        layers.get(lvl - 1).backward(new Weights(seed, e, lvl), vin, vhat, valpha, count, w[lvl - 1],
            ones, scratch);
        for (int t = lvl; t <= depth; t++) {
          for (int d = 0; d < m[t] * nd; d++) {
            double[] o = g[t][d][lvl - 1];
            double[] oh = gh[t][d][lvl - 1];
            double[] dd = d1[lvl - 1][dirAlpha[t][d]];
            for (int j = 0; j < w[lvl - 1]; j++) {
              o[j] = oh[j] * dd[j];
            }
          }
        }
        count = 0;
      }
      for (int t = lvl; t <= depth; t++) {
        for (int d = m[t] * nd; d < g[t].length; d++) {
          vin[count] = g[t][d][lvl];
          vout[count] = g[t][d][lvl - 1];
          vhat[count] = gh[t][d][lvl - 1];
          valpha[count++] = dirAlpha[t][d];
        }
      }
      int nIn = w[lvl - 1];
      for (int v = 0; v < count; v++) {
        Arrays.fill(vout[v], 0, nIn, 0);
      }
      Weights wt = new Weights(seed, e, lvl);
      for (int i0 = 0; i0 < w[lvl]; i0 += TILE) {
        int rows = Math.min(TILE, w[lvl] - i0);
        rows(wt, i0, rows, nIn);
        for (int v = 0; v < count; v++) {
          accumulateTile(vin[v], i0, rows, vout[v], nIn);
        }
      }
      double s = sw[lvl];
      for (int v = 0; v < count; v++) {
        double[] o = vout[v];
        double[] oh = vhat[v];
        double[] dd = d1[lvl - 1][valpha[v]];
        for (int j = 0; j < nIn; j++) {
          oh[j] = s * o[j];
          o[j] = oh[j] * dd[j];
        }
      }
    }
  }

  /**
   * tile_r = row i0 + r of the weights' unit Gaussians, r &lt; rows: SIMD rows at a time where the
   * generator is warm ({@link Weights#scaledRows} with scale 1, bit for bit {@link Weights#row}).
   */
  private void rows(Weights wt, int i0, int rows, int nIn) {
    int lanes = Weights.simdRows();
    int r = 0;
    if (lanes > 0) {
      if (simdBuf == null) {
        simdBuf = new double[org.rgflow.rng.Simd.bufferLength(1)];
      }
      for (; r + lanes <= rows; r += lanes) {
        wt.scaledRows(i0 + r, nIn, 1, tile, r, simdBuf);
      }
    }
    for (; r < rows; r++) {
      wt.row(i0 + r, nIn, tile[r]);
    }
  }

  /** out += Σ_r g[i0 + r] · tile_r, four rows per pass (rows whose four coefficients are 0 skipped). */
  private void accumulateTile(double[] g, int i0, int rows, double[] out, int nIn) {
    int r = 0;
    for (; r + 3 < rows; r += 4) {
      double c0 = g[i0 + r];
      double c1 = g[i0 + r + 1];
      double c2 = g[i0 + r + 2];
      double c3 = g[i0 + r + 3];
      if (c0 == 0 && c1 == 0 && c2 == 0 && c3 == 0) {
        continue;
      }
      double[] t0 = tile[r];
      double[] t1 = tile[r + 1];
      double[] t2 = tile[r + 2];
      double[] t3 = tile[r + 3];
      for (int j = 0; j < nIn; j++) {
        out[j] += (c0 * t0[j] + c1 * t1[j]) + (c2 * t2[j] + c3 * t3[j]);
      }
    }
    for (; r < rows; r++) {
      double c = g[i0 + r];
      if (c != 0) {
        double[] t0 = tile[r];
        for (int j = 0; j < nIn; j++) {
          out[j] += c * t0[j];
        }
      }
    }
  }

  /** coef[α][β] = λ_b + (λ_W/n_in) σ_α·σ_β of layer {@code layer}. */
  private void coefficients(int layer, double[][] sIn, int nIn) {
    for (int a = 0; a < nd; a++) {
      for (int b = 0; b < nd; b++) {
        coef[a][b] = lb[layer] + lw[layer] / nIn * Sums.dot(sIn[a], sIn[b], nIn);
      }
    }
  }


  private void up(long e, double[][][] z, double[][][] sig, boolean second) {
    coefficients(1, sig[0], w[0]);
    for (int t = 1; t <= depth; t++) {
      for (int d = 0; d < g[t].length; d++) {
        double[] gv = g[t][d][1];
        int ad = dirAlpha[t][d];
        for (int b = 0; b < nd; b++) {
          double c1 = coef[ad][b];
          double[] o = zd[t][d][b];
          for (int i = 0; i < w[1]; i++) {
            o[i] = c1 * gv[i];
          }
        }
      }
      for (double[] r : pz[t]) {
        Arrays.fill(r, 0);
      }
      for (double[] r : pk[t]) {
        Arrays.fill(r, 0);
      }
      for (double[] r : qi[t]) {
        Arrays.fill(r, 0);
      }
      if (second) {
        for (int p = 0; p < pair1[t].length; p++) {
          for (int b = 0; b < nd; b++) {
            Arrays.fill(zdd[t][p][b], 0, w[1], 0);
          }
        }
      }
    }
    finish(1, z);
    for (int lvl = 1; lvl < depth; lvl++) {
      int nIn = w[lvl];
      int nOut = w[lvl + 1];
      int l2 = lvl + 1;
      double rate = lw[l2] / nIn;
      int count = 0;
      for (int t = lvl + 1; t <= depth; t++) {
        for (int d = 0; d < g[t].length; d++) {
          for (int b = 0; b < nd; b++) {
            double[] h = hBuf[t][d][b];
            double[] x = zd[t][d][b];
            double[] dd1 = d1[lvl][b];
            for (int j = 0; j < nIn; j++) {
              h[j] = dd1[j] * x[j];
            }
            vin[count] = h;
            vout[count++] = zdNext[t][d][b];
          }
        }
        contract(t, lvl, sig[lvl], rate);
        if (!second) {
          continue;
        }
        for (int p = 0; p < pair1[t].length; p++) {
          if (!active(t, p)) {
            continue;
          }
          for (int b = 0; b < nd; b++) {
            double[] r = rBuf[t][p][b];
            double[] x1 = zd[t][pair1[t][p]][b];
            double[] x2 = zd[t][pair2[t][p]][b];
            double[] y = zdd[t][p][b];
            double[] dd1 = d1[lvl][b];
            double[] dd2 = d2[lvl][b];
            for (int j = 0; j < nIn; j++) {
              r[j] = dd2[j] * x1[j] * x2[j] + dd1[j] * y[j];
            }
            vin[count] = r;
            vout[count++] = zddNext[t][p][b];
          }
        }
      }
      Weights wt = new Weights(seed, e, l2);
      double s = sw[l2];
      for (int i0 = 0; i0 < nOut; i0 += TILE) {
        int rows = Math.min(TILE, nOut - i0);
        rows(wt, i0, rows, nIn);
        int lanes = Weights.simdRows();
        int r = 0;
        if (lanes == 4) {
          // 4-lane rows (AVX2): along the rows, 4 partial sums per vector, bit for bit Sums.dot and
          // about twice TileDots' speed here (RowDots); 8-lane hosts keep TileDots as measured there
          RowDots.dots(tile, rows, vin, vout, count, i0, nIn, s);
          r = rows;
        } else if (lanes > 0 && TileDots.lanes() == lanes) {
          if (tileT == null) {
            tileT = new double[TILE * maxIn];
          }
          TileDots.transpose(tile, rows, nIn, tileT, TILE);
          for (; r + lanes <= rows; r += lanes) {
            TileDots.dots(tileT, TILE, r, vin, vout, count, i0 + r, nIn, s);
          }
        }
        for (; r < rows; r++) {
          for (int v = 0; v < count; v++) {
            vout[v][i0 + r] = s * Sums.dot(tile[r], vin[v], nIn);
          }
        }
      }
      coefficients(l2, sig[lvl], nIn);
      for (int t = l2; t <= depth; t++) {
        for (int d = 0; d < g[t].length; d++) {
          double[] gv = g[t][d][l2];
          int ad = dirAlpha[t][d];
          for (int b = 0; b < nd; b++) {
            double c = coef[ad][b];
            double[] o = zdNext[t][d][b];
            for (int i = 0; i < nOut; i++) {
              o[i] += c * gv[i];
            }
          }
        }
        if (second) {
          for (int p = 0; p < pair1[t].length; p++) {
            if (!active(t, p)) {
              continue;
            }
            int k1 = pair1[t][p];
            int k2 = pair2[t][p];
            double[] s1 = sig[lvl][dirAlpha[t][k1]];
            double[] s2 = sig[lvl][dirAlpha[t][k2]];
            double[] g1 = g[t][k1][l2];
            double[] g2 = g[t][k2][l2];
            for (int b = 0; b < nd; b++) {
              double f1 = rate * Sums.dot(s1, hBuf[t][k2][b], nIn);
              double f2 = rate * Sums.dot(s2, hBuf[t][k1][b], nIn);
              double[] o = zddNext[t][p][b];
              for (int i = 0; i < nOut; i++) {
                o[i] += f1 * g1[i] + f2 * g2[i];
              }
            }
          }
          double[][][] sw2 = zdd[t];
          zdd[t] = zddNext[t];
          zddNext[t] = sw2;
        }
        double[][][] sw1 = zd[t];
        zd[t] = zdNext[t];
        zdNext[t] = sw1;
      }
      finish(l2, z);
    }
  }

  /**
   * Level a's share of target t's contracted second-order outputs. z̈ obeys a linear recursion,
   * z̈^{(a+1)}_β = s W (σ′_β ⊙ z̈^{(a)}_β) + src^{(a+1)}, so for any output functional y·z̈^{(t)}_β whose
   * backward vectors are y^{(a)} = ĝ_y^{(a)} ⊙ σ′^{(a)}_β (ĝ_y^{(a)} = s Wᵀ y^{(a+1)}),
   * y·z̈^{(t)}_β = Σ_{a&lt;t} [ĝ_y^{(a)}·(σ″_β ⊙ ż₁ ⊙ ż₂) + (λ_W/n_a)((y^{(a+1)}·g₁^{(a+1)}) σ_{α₁}·(σ′_β⊙ż₂)
   * + (y^{(a+1)}·g₂^{(a+1)}) σ_{α₂}·(σ′_β⊙ż₁))]: only dot products of length n_a. The functionals are
   * the sweep's own directions: z̈_{k;β} is y = direction (k, β), Σ_i z_{i;α3} z̈_{i;β} is y = c_{βα3}.
   */
  private void contract(int t, int a, double[][] sIn, double rate) {
    int n = w[a];
    int nOut = w[a + 1];
    int dirs = g[t].length;
    int mt = m[t];
    double[][][] gt = g[t];
    for (int y = 0; y < dirs; y++) {
      for (int d = y; d < dirs; d++) {
        double v = Sums.dot(gt[y][a + 1], gt[d][a + 1], nOut);
        gram[y][d] = v;
        gram[d][y] = v;
      }
      for (int b = 0; b < nd; b++) {
        for (int al = 0; al < nd; al++) {
          fsh[y][b][al] = rate * Sums.dot(sIn[al], hBuf[t][y][b], n);
        }
      }
    }
    boolean curved = false;
    for (int b = 0; b < nd && !curved; b++) {
      double[] dd2 = d2[a][b];
      for (int j = 0; j < n; j++) {
        if (dd2[j] != 0) {
          curved = true;
          break;
        }
      }
    }
    if (curved) {
      for (int y = 0; y < dirs; y++) {
        double[] hy = gh[t][y][a];
        double[] dd2 = d2[a][dirAlpha[t][y]];
        double[] o = wy[y];
        for (int j = 0; j < n; j++) {
          o[j] = hy[j] * dd2[j];
        }
      }
    }
    for (int k = 0; k < mt; k++) {
      for (int a1 = 0; a1 < nd; a1++) {
        for (int a2 = a1; a2 < nd; a2++) {
          int pp = pPair(k, a1, a2);
          int k1 = k * nd + a1;
          int k2 = k * nd + a2;
          for (int b = 0; b < nd; b++) {
            double[] x1 = zd[t][k1][b];
            double[] x2 = zd[t][k2][b];
            if (curved) {
              for (int j = 0; j < n; j++) {
                prod[j] = x1[j] * x2[j];
              }
            }
            int yk = k * nd + b;
            pk[t][pp][b] += term(yk, k1, k2, a1, a2, b, curved, n);
            for (int a3 = 0; a3 < nd; a3++) {
              pz[t][pp][b * nd + a3] += term(cDir(t, b, a3), k1, k2, a1, a2, b, curved, n);
            }
          }
        }
      }
    }
    for (int i = 0; i < mt; i++) {
      for (int a1 = 0; a1 < nd; a1++) {
        int k1 = i * nd + a1;
        for (int a2 = 0; a2 < nd; a2++) {
          for (int a3 = 0; a3 < nd; a3++) {
            int k2 = cDir(t, a2, a3);
            double[] acc = qi[t][qPair(t, i, a1, a2, a3) - mt * nd * nd];
            for (int b = 0; b < nd; b++) {
              if (curved) {
                double[] x1 = zd[t][k1][b];
                double[] x2 = zd[t][k2][b];
                for (int j = 0; j < n; j++) {
                  prod[j] = x1[j] * x2[j];
                }
              }
              acc[b] += term(i * nd + b, k1, k2, a1, a2, b, curved, n);
            }
          }
        }
      }
    }
  }

  /** One level's y·src of the pair (k1 on input α1, k2 on α2) at input β; prod = ż₁ ⊙ ż₂ when curved. */
  private double term(int y, int k1, int k2, int a1, int a2, int b, boolean curved, int n) {
    double v = gram[y][k1] * fsh[k2][b][a1] + gram[y][k2] * fsh[k1][b][a2];
    return curved ? Sums.dot(wy[y], prod, n) + v : v;
  }

  /** The statistics of target layer t, whose tangents have just reached it. */
  private void finish(int t, double[][][] z) {
    int n = w[t];
    int mt = m[t];
    double norm = (double) mt * (n - 1);
    int n4 = nd * nd * nd * nd;
    double[] st = stats[t];
    for (int a0 = 0; a0 < nd; a0++) {
      for (int a1 = 0; a1 < nd; a1++) {
        for (int a2 = 0; a2 < nd; a2++) {
          for (int a3 = 0; a3 < nd; a3++) {
            double[] zz = z[t][a3];
            double p = 0;
            double q = 0;
            for (int k = 0; k < mt; k++) {
              int pp = pPair(k, a1, a2);
              double diag = zz[k] * pk[t][pp][a0];
              p += pz[t][pp][a0 * nd + a3] - diag;
              q += qi[t][qPair(t, k, a1, a2, a3) - mt * nd * nd][a0] - diag;
            }
            st[flat(a0, a1, a2, a3)] = p / norm;
            st[n4 + flat(a0, a1, a2, a3)] = q / norm;
          }
        }
      }
    }
  }

  /** dΘ̂_{i0 k k;β α1 α2} over i0 at target t (test access, by the reference sweep), after {@link #run}. */
  double[] diagonal(int t, int beta, int a1, int a2, int k) {
    reference();
    return Arrays.copyOf(zdd[t][pPair(k, a1, a2)][beta], w[t]);
  }

  /** Σ_j z_{j;α3} dΘ̂_{i0 i j;β α1 α2} over i0 at target t (test access, by the reference sweep). */
  double[] withC(int t, int beta, int a1, int a2, int a3, int i) {
    reference();
    return Arrays.copyOf(zdd[t][qPair(t, i, a1, a2, a3)][beta], w[t]);
  }

  /** Θ̂_{i0 k;β α} over i0 at target t, the first-order tangent (test access). */
  double[] tangent(int t, int beta, int alpha, int k) {
    return Arrays.copyOf(zd[t][k * nd + alpha][beta], w[t]);
  }
}

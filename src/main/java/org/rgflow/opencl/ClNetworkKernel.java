package org.rgflow.opencl;

import com.aparapi.Kernel;
import org.rgflow.act.DeviceActivations;
import org.rgflow.core.Limits;

/**
 * The OpenCL kernel (Aparapi: this class's bytecode is translated to OpenCL C at first launch):
 * one work-item per network samples network e's parameters from the randomness contract
 * (docs/RANDOMNESS.md), runs the forward pass on the N_D inputs and, when asked, the NTK by
 * backpropagation. Everything is double precision (OpenCL {@code cl_khr_fp64}).
 *
 * <p>Work-item g of a launch handles network e = {@link #netBase} + g and writes
 * <ul>
 *   <li>{@code z[g·zPer + zOff[ℓ] + i·N_D + α]} = z^{(ℓ)}_{i;α}, ℓ = 1..L (block ℓ = 0 holds x);
 *   <li>{@code theta[g·tPer + tOff[ℓ] + p·(m_ℓ N_D) + q]} = Θ̂^{(ℓ)}_{ik;αβ} with p = i·N_D + α,
 *       q = k·N_D + β, i, k &lt; m_ℓ = min(ntkNeurons, n_ℓ);
 *   <li>{@code diverged[g]} = the first layer whose pre-activations overflowed (|z| &gt; {@link Limits#OVERFLOW} or
 *       not finite), 0 if none.
 * </ul>
 *
 * <p>Weights are never stored: row i of W^{(ℓ)} is regenerated from Philox in blocks of four
 * columns, once in the forward pass and once in the backward pass.
 *
 * <p>NTK (PDLT §7–8): Θ̂^{(ℓ)}_{ik;αβ} = Σ_{ℓ'≤ℓ} Σ_j g^{ℓ→ℓ'}_{ij;α} g^{ℓ→ℓ'}_{kj;β}
 * [λ_b^{(ℓ')} + (λ_W^{(ℓ')}/n_{ℓ'−1}) Σ_{j'} σ^{(ℓ'−1)}_{j';α} σ^{(ℓ'−1)}_{j';β}] with
 * g^{ℓ→ℓ'}_{ij;α} = ∂z^{(ℓ)}_{i;α}/∂z^{(ℓ')}_{j;α} and σ^{(0)} = x. One sweep from ℓ' = L down to 1
 * carries the vectors g for every target layer ℓ ≥ ℓ', every i &lt; m_ℓ and every α at once
 * (V = Σ_ℓ m_ℓ N_D vectors), so each weight is regenerated once per sweep:
 * g^{ℓ→ℓ'−1}_{ij';α} = σ′(z^{(ℓ'−1)}_{j';α}) Σ_j g^{ℓ→ℓ'}_{ij;α} W^{(ℓ')}_{jj'}.
 *
 * <p>Residual layers (layer/Residual, ℓ ≥ 2): the dense branch is scaled by ξ^{(ℓ)} and γ^{(ℓ)}
 * z^{(ℓ−1)} added; the NTK coefficient gains ξ², and the backward step becomes
 * g ← γ g + ξ σ′ ⊙ (Wᵀ g). Both are skipped at γ = 0, ξ = 1.
 *
 * <p>Napkin math per network (width n, depth L, N_D inputs, m NTK neurons): forward n²L Gaussians
 * and n²L·N_D multiply-adds; backward another n²L Gaussians and ≈ n²·m·N_D·L²/2 multiply-adds.
 * A Philox block (10 rounds) plus two Box–Muller pairs costs ≈ 100 operations per 4 weights, so at
 * N_D = 2 without NTK the kernel is bound by generating weights, not by memory. Per-work-item global
 * scratch: 3·zPer + 2·V·n_max + 4 + N_D² doubles.
 *
 * <p>Aparapi restrictions respected here: only primitive 1-D array fields, no array locals or
 * aliasing (the two ping-pong halves of {@link #g} are offsets), no allocation, no library calls
 * other than Math.sqrt/log/cos/sin/exp/abs, which map to OpenCL built-ins. Must be compiled with
 * debug information ({@code -g}, Maven's default), or Aparapi's code generator fails.
 */
class ClNetworkKernel extends Kernel {
  // Activation codes: the table shared with the CUDA kernels (compile-time constants, so Aparapi
  // sees literals). erf and gelu use the kernel's own erf/erfc (erfSeries, erfcFraction).
  static final int ACT_PIECEWISE_LINEAR = DeviceActivations.PWLIN;
  static final int ACT_TANH = DeviceActivations.TANH;
  static final int ACT_SIN = DeviceActivations.SIN;
  static final int ACT_SIGMOID = DeviceActivations.SIGMOID;
  static final int ACT_SOFTPLUS = DeviceActivations.SOFTPLUS;
  static final int ACT_SWISH = DeviceActivations.SWISH;
  static final int ACT_MONOMIAL = DeviceActivations.MONOMIAL;
  static final int ACT_STEP = DeviceActivations.STEP;
  static final int ACT_ERF = DeviceActivations.ERF;
  static final int ACT_GELU = DeviceActivations.GELU;

  static final int BIAS_FLAG = 0x80000000;
  static final double DIVERGENCE_BOUND = Limits.OVERFLOW;

  // ---- configuration (set by ClEnsemble, constant over a run) ----
  int nd;
  int depth;
  int key0;
  int key1;
  int ntk;
  int nmax;
  int zPer;
  int vPer;
  int tPer;
  int act;
  double actA;
  double actB;
  /** n_ℓ, ℓ = 0..L. */
  int[] width;
  /** Offset of layer ℓ's block in a network's z, ℓ = 0..L. */
  int[] zOff;
  /** First NTK vector of target layer ℓ, ℓ = 1..L+1 (vOff[L+1] = V). */
  int[] vOff;
  /** m_ℓ = min(ntkNeurons, n_ℓ). */
  int[] mL;
  /** Offset of layer ℓ's Θ̂ block in a network's theta. */
  int[] tOff;
  /** The inputs, x[j·N_D + α]. */
  double[] x;
  /** √(C_W^{(ℓ)}/n_{ℓ−1}), √C_b^{(ℓ)}, λ_b^{(ℓ)}, λ_W^{(ℓ)}/n_{ℓ−1}, indexed by ℓ. */
  double[] wScale;
  double[] bScale;
  double[] lamB;
  double[] lamWn;
  /**
   * The residual layer's γ^{(ℓ)} and ξ^{(ℓ)} (layer/Residual: z^{(ℓ)} = γ z^{(ℓ−1)} + ξ (b + Wσ));
   * 0 and 1 for dense layers, where the terms are skipped (the plain MLP's numbers are unchanged).
   */
  double[] gam;
  double[] xiL;

  // ---- the dNTK sweep (dntk != 0; see dntkSweep). Arrays are length 1 when it is off. ----
  int dntk;
  /** Test knob: 1 drops the σ″ term, 2 the (λ_W/n) cross term (power checks only; 0 in runs). */
  int dntkDrop;
  /** Directions and pairs of the largest target layer; Σ_{a=1..L} n_a; 2·N_D⁴·L. */
  int dDirs;
  int dPairs;
  int gStride;
  int dPer;
  /** m_ℓ of the dNTK (min(measured neurons, n_ℓ)), ℓ = 1..L. */
  int[] dmL;
  /** Offset of level a's entries inside one direction's g, a = 1..L. */
  int[] gLOff;
  double[] d2sig;
  double[] dg;
  double[] dzd;
  double[] dzdd;
  /** dntkOut[gid·dPer + (ℓ−1)·2N_D⁴ + f]: p then q of layer ℓ, flat over (α0, α1, α2, α3). */
  double[] dntkOut;

  // ---- per launch: {first network index, networks in this launch} ----
  // An array, not two int fields: Aparapi's thread pool copies scalar fields into per-thread kernel
  // clones once, so scalars changed between launches would be stale there.
  int[] launch;

  // ---- outputs and scratch, sized for the largest launch ----
  double[] z;
  double[] sig;
  double[] dsig;
  double[] g;
  double[] theta;
  double[] rnd;
  double[] coef;
  int[] diverged;

  @Override
  public void run() {
    int gid = getGlobalId();
    if (gid < launch[1]) {
      int e = launch[0] + gid;
      int bad = forward(gid, e);
      diverged[gid] = bad;
      if (bad == 0 && ntk != 0) {
        backward(gid, e);
      }
      if (bad == 0 && dntk != 0) {
        dntkSweep(gid, e);
      }
    }
  }

  /** Philox4x32-10 on (c0, c1, c2, c3) with the run's key, Box–Muller to four unit Gaussians in rnd[4·gid..]. */
  void gaussians4(int gid, int c0In, int c1In, int c2In, int c3In) {
    int c0 = c0In;
    int c1 = c1In;
    int c2 = c2In;
    int c3 = c3In;
    int k0 = key0;
    int k1 = key1;
    for (int r = 0; r < 10; r++) {
      long p0 = 0xD2511F53L * (c0 & 0xFFFFFFFFL);
      long p1 = 0xCD9E8D57L * (c2 & 0xFFFFFFFFL);
      int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      c1 = (int) p1;
      c3 = (int) p0;
      c0 = n0;
      c2 = n2;
      k0 += 0x9E3779B9;
      k1 += 0xBB67AE85;
    }
    double u0 = ((c0 & 0xFFFFFFFFL) + 0.5) * 2.3283064365386963E-10;
    double u1 = ((c1 & 0xFFFFFFFFL) + 0.5) * 2.3283064365386963E-10;
    double u2 = ((c2 & 0xFFFFFFFFL) + 0.5) * 2.3283064365386963E-10;
    double u3 = ((c3 & 0xFFFFFFFFL) + 0.5) * 2.3283064365386963E-10;
    double r01 = Math.sqrt(-2.0 * Math.log(u0));
    double r23 = Math.sqrt(-2.0 * Math.log(u2));
    int o = gid * 4;
    rnd[o] = r01 * Math.cos(6.283185307179586 * u1);
    rnd[o + 1] = r01 * Math.sin(6.283185307179586 * u1);
    rnd[o + 2] = r23 * Math.cos(6.283185307179586 * u3);
    rnd[o + 3] = r23 * Math.sin(6.283185307179586 * u3);
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
      s = logistic(v);
    } else if (act == ACT_SOFTPLUS) {
      s = Math.max(v, 0.0) + Math.log(1.0 + Math.exp(-Math.abs(v)));
    } else if (act == ACT_SWISH) {
      s = v * logistic(v);
    } else if (act == ACT_MONOMIAL) {
      s = ipow(v, (int) actA);
    } else if (act == ACT_STEP) {
      s = v > 0 ? 1.0 : 0.0;
    } else if (act == ACT_ERF) {
      double u = Math.abs(v);
      s = u < 2.0 ? erfSeries(u) : 1.0 - erfcFraction(u);
      if (v < 0) {
        s = -s;
      }
    } else if (act == ACT_GELU) {
      s = v * normalCdf(v);
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
      double l = logistic(v);
      d = l * (1.0 - l);
    } else if (act == ACT_SOFTPLUS) {
      d = logistic(v);
    } else if (act == ACT_SWISH) {
      double l = logistic(v);
      d = l + v * l * (1.0 - l);
    } else if (act == ACT_MONOMIAL) {
      int p = (int) actA;
      d = p * ipow(v, p - 1);
    } else if (act == ACT_ERF) {
      d = 1.1283791670955126 * Math.exp(-v * v);
    } else if (act == ACT_GELU) {
      d = normalCdf(v) + v * 0.3989422804014327 * Math.exp(-0.5 * v * v);
    }
    return d;
  }

  /** σ″, as the CPU's Activation.d2: 0 for the piecewise-linear family (and step, refused anyway). */
  double d2sigma(double v) {
    double d = 0;
    if (act == ACT_TANH) {
      double t = Math.exp(-2.0 * Math.abs(v));
      double th = (1.0 - t) / (1.0 + t);
      if (v < 0) {
        th = -th;
      }
      d = -2.0 * th * (1.0 - th * th);
    } else if (act == ACT_SIN) {
      d = -Math.sin(v);
    } else if (act == ACT_SIGMOID) {
      double l = logistic(v);
      d = l * (1.0 - l) * (1.0 - 2.0 * l);
    } else if (act == ACT_SOFTPLUS) {
      double l = logistic(v);
      d = l * (1.0 - l);
    } else if (act == ACT_SWISH) {
      double l = logistic(v);
      d = l * (1.0 - l) * (2.0 + v * (1.0 - 2.0 * l));
    } else if (act == ACT_MONOMIAL) {
      int p = (int) actA;
      if (p >= 2) {
        d = p * (p - 1) * ipow(v, p - 2);
      }
    } else if (act == ACT_ERF) {
      d = -2.2567583341910251 * v * Math.exp(-v * v);
    } else if (act == ACT_GELU) {
      d = 0.3989422804014327 * Math.exp(-0.5 * v * v) * (2.0 - v * v);
    }
    return d;
  }

  /**
   * erf(u) for 0 ≤ u &lt; 2 by its Taylor series (2/√π) Σ (−1)ⁿ u^{2n+1}/(n!(2n+1)), 60 terms: the
   * largest term is below e^{u²} &lt; 55, so the sum keeps ≈ 14 digits (absolute error ≈ 1e-15).
   */
  double erfSeries(double u) {
    double u2 = u * u;
    double term = u;
    double sum = u;
    for (int n = 1; n < 60; n++) {
      term = -term * u2 / n;
      sum += term / (2 * n + 1);
    }
    return 1.1283791670955126 * sum;
  }

  /**
   * erfc(u) for u ≥ 2 by Laplace's continued fraction e^{−u²}/√π · 1/(u + (1/2)/(u + 1/(u + (3/2)/(u
   * + …)))), evaluated backwards from 120 levels (relative error ≈ 2e-13 at u = 2, smaller above;
   * checked against the CPU's erfc through ClContractTest's gelu shapes).
   */
  double erfcFraction(double u) {
    double t = u;
    for (int k = 120; k >= 1; k--) {
      t = u + 0.5 * k / t;
    }
    return Math.exp(-u * u) / t * 0.5641895835477563;
  }

  /** Φ(v) = erfc(−v/√2)/2, from the side where erfc is small (no cancellation). */
  double normalCdf(double v) {
    double u = Math.abs(v) * 0.7071067811865476;
    double c = u < 2.0 ? 1.0 - erfSeries(u) : erfcFraction(u);
    double p = 0.5 * c;
    if (v >= 0) {
      p = 1.0 - p;
    }
    return p;
  }

  double logistic(double v) {
    double l = 0;
    if (v >= 0) {
      l = 1.0 / (1.0 + Math.exp(-v));
    } else {
      double t = Math.exp(v);
      l = t / (1.0 + t);
    }
    return l;
  }

  double ipow(double v, int p) {
    double r = 1.0;
    for (int k = 0; k < p; k++) {
      r *= v;
    }
    return r;
  }

  /** Forward pass of network e; returns the first layer that overflowed, 0 if none. */
  int forward(int gid, int e) {
    int zb = gid * zPer;
    int n0 = width[0];
    for (int t = 0; t < n0 * nd; t++) {
      z[zb + t] = x[t];
      sig[zb + t] = x[t];
      dsig[zb + t] = 1.0;
    }
    int bad = 0;
    for (int l = 1; l <= depth && bad == 0; l++) {
      int nIn = width[l - 1];
      int nOut = width[l];
      int inB = zb + zOff[l - 1];
      int outB = zb + zOff[l];
      double ws = wScale[l];
      double bs = bScale[l];
      int blocks = (nIn + 3) >> 2;
      for (int i = 0; i < nOut; i++) {
        gaussians4(gid, i >> 2, 0, l | BIAS_FLAG, e);
        double b = bs * rnd[gid * 4 + (i & 3)];
        int o = outB + i * nd;
        for (int a = 0; a < nd; a++) {
          z[o + a] = b;
        }
        for (int c = 0; c < blocks; c++) {
          gaussians4(gid, c, i, l, e);
          for (int lane = 0; lane < 4; lane++) {
            int j = c * 4 + lane;
            if (j < nIn) {
              double w = ws * rnd[gid * 4 + lane];
              int src = inB + j * nd;
              for (int a = 0; a < nd; a++) {
                z[o + a] += w * sig[src + a];
              }
            }
          }
        }
        double xl = xiL[l];
        double gl = gam[l];
        for (int a = 0; a < nd; a++) {
          double v = z[o + a];
          if (xl != 1.0) {
            v = v * xl;
          }
          if (gl != 0.0) {
            v = v + gl * z[inB + i * nd + a];
          }
          z[o + a] = v;
          if (!(Math.abs(v) <= DIVERGENCE_BOUND)) {
            bad = l;
          }
          sig[o + a] = sigma(v);
          dsig[o + a] = dsigma(v);
          if (dntk != 0) {
            d2sig[o + a] = d2sigma(v);
          }
        }
      }
    }
    return bad;
  }

  /** The NTK sweep (see the class comment); fills this network's Θ̂ blocks. */
  void backward(int gid, int e) {
    int tb = gid * tPer;
    for (int t = 0; t < tPer; t++) {
      theta[tb + t] = 0;
    }
    int zb = gid * zPer;
    int halfLen = vPer * nmax;
    int gb = gid * 2 * halfLen;
    int cb = gid * nd * nd;
    for (int lp = depth; lp >= 1; lp--) {
      int nOut = width[lp];
      int nIn = width[lp - 1];
      int cur = gb + ((depth - lp) & 1) * halfLen;
      int nxt = gb + (1 - ((depth - lp) & 1)) * halfLen;
      // Target layer lp starts with unit vectors e_i.
      for (int v = vOff[lp]; v < vOff[lp + 1]; v++) {
        int i = (v - vOff[lp]) / nd;
        for (int j = 0; j < nOut; j++) {
          g[cur + v * nmax + j] = j == i ? 1.0 : 0.0;
        }
      }
      // coef(α, β) = λ_b + λ_W/n_{ℓ'−1} Σ_j' σ_{j'α} σ_{j'β} (σ of layer ℓ'−1, x for ℓ' = 1).
      int inB = zb + zOff[lp - 1];
      for (int a = 0; a < nd; a++) {
        for (int b = 0; b < nd; b++) {
          double s = 0;
          for (int j = 0; j < nIn; j++) {
            s += sig[inB + j * nd + a] * sig[inB + j * nd + b];
          }
          double c = lamB[lp] + lamWn[lp] * s;
          if (xiL[lp] != 1.0) {
            c = c * (xiL[lp] * xiL[lp]);
          }
          coef[cb + a * nd + b] = c;
        }
      }
      // Θ̂^{(ℓ)} += coef ⊙ (g gᵀ) for every target ℓ ≥ ℓ'.
      for (int t = lp; t <= depth; t++) {
        int pn = mL[t] * nd;
        for (int p = 0; p < pn; p++) {
          int vp = cur + (vOff[t] + p) * nmax;
          for (int q = p; q < pn; q++) {
            int vq = cur + (vOff[t] + q) * nmax;
            double s = 0;
            for (int j = 0; j < nOut; j++) {
              s += g[vp + j] * g[vq + j];
            }
            double c = coef[cb + (p % nd) * nd + (q % nd)] * s;
            theta[tb + tOff[t] + p * pn + q] += c;
            if (q != p) {
              theta[tb + tOff[t] + q * pn + p] += c;
            }
          }
        }
      }
      // Propagate every active vector through W^{(ℓ')} and σ′ of layer ℓ'−1.
      if (lp > 1) {
        int v0 = vOff[lp];
        int v1 = vOff[depth + 1];
        for (int v = v0; v < v1; v++) {
          for (int j = 0; j < nIn; j++) {
            g[nxt + v * nmax + j] = 0;
          }
        }
        double ws = wScale[lp];
        int blocks = (nIn + 3) >> 2;
        for (int j = 0; j < nOut; j++) {
          for (int c = 0; c < blocks; c++) {
            gaussians4(gid, c, j, lp, e);
            for (int v = v0; v < v1; v++) {
              double gj = g[cur + v * nmax + j];
              if (gj != 0.0) {
                for (int lane = 0; lane < 4; lane++) {
                  int jj = c * 4 + lane;
                  if (jj < nIn) {
                    g[nxt + v * nmax + jj] += gj * ws * rnd[gid * 4 + lane];
                  }
                }
              }
            }
          }
        }
        double xl = xiL[lp];
        double gl = gam[lp];
        for (int v = v0; v < v1; v++) {
          int a = v % nd;
          for (int j = 0; j < nIn; j++) {
            double u = g[nxt + v * nmax + j] * dsig[inB + j * nd + a];
            if (xl != 1.0) {
              u = u * xl;
            }
            if (gl != 0.0) {
              // residual: ∂z^{(ℓ')}_j/∂z^{(ℓ'−1)}_j gains γ (equal widths, so g has n_{ℓ'−1} entries)
              u = u + gl * g[cur + v * nmax + j];
            }
            g[nxt + v * nmax + j] = u;
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- the dNTK (ensemble/DntkSweep)

  /** Input α of direction d (m = m_t): d < m·N_D is (k = d/N_D, α = d % N_D); else c_{α2α3}, α = α2. */
  int dirAlpha(int d, int m) {
    int a = 0;
    if (d < m * nd) {
      a = d % nd;
    } else {
      a = (d - m * nd) / nd;
    }
    return a;
  }

  /** First direction of pair p: (kα1) of the P pairs (k, α1, α2), (iα1) of the Q pairs (i, α1, α2, α3). */
  int pairDir1(int p, int m) {
    int d = 0;
    int n2 = nd * nd;
    if (p < m * n2) {
      d = (p / n2) * nd + (p / nd) % nd;
    } else {
      int q = p - m * n2;
      d = (q / (n2 * nd)) * nd + (q / n2) % nd;
    }
    return d;
  }

  /** Second direction of pair p: (kα2), or c_{α2α3}. */
  int pairDir2(int p, int m) {
    int d = 0;
    int n2 = nd * nd;
    if (p < m * n2) {
      d = (p / n2) * nd + p % nd;
    } else {
      int q = p - m * n2;
      d = m * nd + q % n2;
    }
    return d;
  }

  /** P pairs with α1 &gt; α2 are the transposes of those with α1 &lt; α2 and are not propagated. */
  int pairActive(int p, int m) {
    int on = 1;
    if (p < m * nd * nd && (p / nd) % nd > p % nd) {
      on = 0;
    }
    return on;
  }

  /** coef[α][β] = λ_b + (λ_W/n_{a−1}) σ^{(a−1)}_α·σ^{(a−1)}_β of layer a, into coef[cb..]. */
  void dntkCoefficients(int gid, int a) {
    int cb = gid * nd * nd;
    int inB = gid * zPer + zOff[a - 1];
    int nIn = width[a - 1];
    for (int x1 = 0; x1 < nd; x1++) {
      for (int x2 = 0; x2 < nd; x2++) {
        double s = 0;
        for (int j = 0; j < nIn; j++) {
          s += sig[inB + j * nd + x1] * sig[inB + j * nd + x2];
        }
        coef[cb + x1 * nd + x2] = lamB[a] + lamWn[a] * s;
      }
    }
  }

  /**
   * The dNTK statistics of network e, exactly as ensemble/DntkSweep computes them on the CPU
   * (docs/THEORY.md §16), one target layer t at a time: the directions' g^{(a)} = ∂(direction)/∂z^{(a)}
   * down from t to 1 (stored for every level), then the first-order tangents ż and second-order z̈ of
   * every pair up from 1 to t, with ping-pong halves, then p and q of layer t. Weights are regenerated
   * from the contract in each pass (two passes per level and target).
   */
  void dntkSweep(int gid, int e) {
    int zb = gid * zPer;
    int cb = gid * nd * nd;
    int gB = gid * dDirs * gStride;
    int halfD = dDirs * nd * nmax;
    int halfP = dPairs * nd * nmax;
    int zdB = gid * 2 * halfD;
    int zddB = gid * 2 * halfP;
    int n4 = nd * nd * nd * nd;
    for (int t = 1; t <= depth; t++) {
      int m = dmL[t];
      int dirs = m * nd + nd * nd;
      int pairs = m * nd * nd + m * nd * nd * nd;
      int nt = width[t];
      // start vectors at level t: e_k, or z^{(t)}_{α3} for c_{α2α3}
      for (int d = 0; d < dirs; d++) {
        int o = gB + d * gStride + gLOff[t];
        for (int j = 0; j < nt; j++) {
          double v = 0;
          if (d < m * nd) {
            if (j == d / nd) {
              v = 1.0;
            }
          } else {
            v = z[zb + zOff[t] + j * nd + (d - m * nd) % nd];
          }
          dg[o + j] = v;
        }
      }
      // down: g^{(a−1)} = √(C_W/n) σ′_{α_d} ⊙ (W^{(a)ᵀ} g^{(a)})
      for (int a = t; a >= 2; a--) {
        int nOut = width[a];
        int nIn = width[a - 1];
        for (int d = 0; d < dirs; d++) {
          int o = gB + d * gStride + gLOff[a - 1];
          for (int j = 0; j < nIn; j++) {
            dg[o + j] = 0;
          }
        }
        int blocks = (nIn + 3) >> 2;
        for (int i = 0; i < nOut; i++) {
          for (int c = 0; c < blocks; c++) {
            gaussians4(gid, c, i, a, e);
            for (int d = 0; d < dirs; d++) {
              double gi = dg[gB + d * gStride + gLOff[a] + i];
              if (gi != 0.0) {
                int o = gB + d * gStride + gLOff[a - 1];
                for (int lane = 0; lane < 4; lane++) {
                  int jj = c * 4 + lane;
                  if (jj < nIn) {
                    dg[o + jj] += gi * rnd[gid * 4 + lane];
                  }
                }
              }
            }
          }
        }
        double ws = wScale[a];
        int inB = zb + zOff[a - 1];
        for (int d = 0; d < dirs; d++) {
          int o = gB + d * gStride + gLOff[a - 1];
          int al = dirAlpha(d, m);
          for (int j = 0; j < nIn; j++) {
            dg[o + j] = dg[o + j] * (ws * dsig[inB + j * nd + al]);
          }
        }
      }
      // up, level 1: ż = coef^{(1)}_{α_d β} g^{(1)}, z̈ = 0
      dntkCoefficients(gid, 1);
      int n1 = width[1];
      for (int d = 0; d < dirs; d++) {
        int al = dirAlpha(d, m);
        for (int b = 0; b < nd; b++) {
          double c1 = coef[cb + al * nd + b];
          int o = zdB + (d * nd + b) * nmax;
          for (int i = 0; i < n1; i++) {
            dzd[o + i] = c1 * dg[gB + d * gStride + gLOff[1] + i];
          }
        }
      }
      for (int p = 0; p < pairs; p++) {
        for (int b = 0; b < nd; b++) {
          int o = zddB + (p * nd + b) * nmax;
          for (int i = 0; i < n1; i++) {
            dzdd[o + i] = 0;
          }
        }
      }
      int cur = 0;
      for (int lvl = 1; lvl < t; lvl++) {
        int nIn = width[lvl];
        int nOut = width[lvl + 1];
        int nx = 1 - cur;
        int sB = zb + zOff[lvl];
        int dc = zdB + cur * halfD;
        int dn = zdB + nx * halfD;
        int pc = zddB + cur * halfP;
        int pn = zddB + nx * halfP;
        for (int d = 0; d < dirs; d++) {
          for (int b = 0; b < nd; b++) {
            for (int i = 0; i < nOut; i++) {
              dzd[dn + (d * nd + b) * nmax + i] = 0;
            }
          }
        }
        for (int p = 0; p < pairs; p++) {
          for (int b = 0; b < nd; b++) {
            for (int i = 0; i < nOut; i++) {
              dzdd[pn + (p * nd + b) * nmax + i] = 0;
            }
          }
        }
        int blocks = (nIn + 3) >> 2;
        for (int i = 0; i < nOut; i++) {
          for (int c = 0; c < blocks; c++) {
            gaussians4(gid, c, i, lvl + 1, e);
            for (int lane = 0; lane < 4; lane++) {
              int jj = c * 4 + lane;
              if (jj < nIn) {
                double wv = rnd[gid * 4 + lane];
                for (int d = 0; d < dirs; d++) {
                  for (int b = 0; b < nd; b++) {
                    dzd[dn + (d * nd + b) * nmax + i] += wv
                        * (dsig[sB + jj * nd + b] * dzd[dc + (d * nd + b) * nmax + jj]);
                  }
                }
                for (int p = 0; p < pairs; p++) {
                  if (pairActive(p, m) != 0) {
                    int k1 = pairDir1(p, m);
                    int k2 = pairDir2(p, m);
                    for (int b = 0; b < nd; b++) {
                      double r = dsig[sB + jj * nd + b] * dzdd[pc + (p * nd + b) * nmax + jj];
                      if (dntkDrop != 1) {
                        r = d2sig[sB + jj * nd + b] * dzd[dc + (k1 * nd + b) * nmax + jj]
                            * dzd[dc + (k2 * nd + b) * nmax + jj] + r;
                      }
                      dzdd[pn + (p * nd + b) * nmax + i] += wv * r;
                    }
                  }
                }
              }
            }
          }
        }
        int l2 = lvl + 1;
        double ws = wScale[l2];
        double rate = lamWn[l2];
        dntkCoefficients(gid, l2);
        for (int d = 0; d < dirs; d++) {
          int al = dirAlpha(d, m);
          int go = gB + d * gStride + gLOff[l2];
          for (int b = 0; b < nd; b++) {
            double c1 = coef[cb + al * nd + b];
            int o = dn + (d * nd + b) * nmax;
            for (int i = 0; i < nOut; i++) {
              dzd[o + i] = ws * dzd[o + i] + c1 * dg[go + i];
            }
          }
        }
        for (int p = 0; p < pairs; p++) {
          if (pairActive(p, m) != 0) {
            int k1 = pairDir1(p, m);
            int k2 = pairDir2(p, m);
            int a1 = dirAlpha(k1, m);
            int a2 = dirAlpha(k2, m);
            int g1 = gB + k1 * gStride + gLOff[l2];
            int g2 = gB + k2 * gStride + gLOff[l2];
            for (int b = 0; b < nd; b++) {
              double f1 = 0;
              double f2 = 0;
              for (int j = 0; j < nIn; j++) {
                double ds = dsig[sB + j * nd + b];
                f1 += sig[sB + j * nd + a1] * (ds * dzd[dc + (k2 * nd + b) * nmax + j]);
                f2 += sig[sB + j * nd + a2] * (ds * dzd[dc + (k1 * nd + b) * nmax + j]);
              }
              f1 = rate * f1;
              f2 = rate * f2;
              if (dntkDrop == 2) {
                f1 = 0;
                f2 = 0;
              }
              int o = pn + (p * nd + b) * nmax;
              for (int i = 0; i < nOut; i++) {
                dzdd[o + i] = ws * dzdd[o + i] + (f1 * dg[g1 + i] + f2 * dg[g2 + i]);
              }
            }
          }
        }
        cur = nx;
      }
      // statistics of layer t
      int pc = zddB + cur * halfP;
      double norm = (double) m * (nt - 1);
      int ob = gid * dPer + (t - 1) * 2 * n4;
      int zt = zb + zOff[t];
      for (int a0 = 0; a0 < nd; a0++) {
        for (int a1 = 0; a1 < nd; a1++) {
          for (int a2 = 0; a2 < nd; a2++) {
            int lo = a1;
            int hi = a2;
            if (a1 > a2) {
              lo = a2;
              hi = a1;
            }
            for (int a3 = 0; a3 < nd; a3++) {
              double ps = 0;
              double qs = 0;
              for (int k = 0; k < m; k++) {
                int kk = pc + ((((k * nd + lo) * nd + hi)) * nd + a0) * nmax;
                double dot = 0;
                for (int i = 0; i < nt; i++) {
                  dot += z[zt + i * nd + a3] * dzdd[kk + i];
                }
                double self = z[zt + k * nd + a3] * dzdd[kk + k];
                int qp = m * nd * nd + ((k * nd + a1) * nd + a2) * nd + a3;
                ps += dot - self;
                qs += dzdd[pc + (qp * nd + a0) * nmax + k] - self;
              }
              int f = ((a0 * nd + a1) * nd + a2) * nd + a3;
              dntkOut[ob + f] = ps / norm;
              dntkOut[ob + n4 + f] = qs / norm;
            }
          }
        }
      }
    }
  }
}

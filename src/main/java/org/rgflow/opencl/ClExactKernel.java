package org.rgflow.opencl;

/**
 * The exact conditional sampler's forward pass as an OpenCL kernel (Aparapi; docs/EXACT_SAMPLER.md
 * §1): one work-item per network, double precision, the same random streams as the CPU's
 * {@code ExactNetwork.forward}. No weight is drawn.
 *
 * <p>Per layer ℓ of network e = {@code launch[0]} + gid: Ĝ_{αβ} = C_b + (C_W/n_{ℓ−1}) σ_α·σ_β (the
 * dot in the CPU's order: four interleaved partial sums, then the tail), the semidefinite Cholesky
 * Ĝ = L Lᵀ with {@code Psd}'s rule (a Schur pivot ≤ {@value #PSD_TOL} of its diagonal entry, or a
 * diagonal ≤ 0, drops the column), then z_{α;i} = Σ_{β≤α} L_{αβ} u_{β;i} with u_{β;i} lane i &amp; 3 of
 * the Philox block (i &gt;&gt; 2, β, ℓ | 2^30, e) through Box–Muller — the Gaussians of
 * {@code InitRng.weightRow(seed, e, ℓ | Streams.EXACT_FORWARD, β, n_ℓ)}. Residual layers (ξ ≠ 0):
 * z = ξ (L u) + γ z^{(ℓ−1)}, as on the CPU.
 *
 * <p>Layout, per work-item g: {@code z[g·zPer + zOff[ℓ] + i·N_D + α]} = z^{(ℓ)}_{i;α} (block ℓ = 0
 * holds x), {@code sig} the same for σ(z) of the layers below; {@code chol[g·64 + α·8 + β]} and
 * {@code gram[g·64 + ..]} the N_D ≤ 8 factor and Ĝ; {@code diverged[g]} the first layer with
 * !(|z| ≤ 1e150), 0 if none. Activations and Philox are the direct kernel's
 * ({@link ClNetworkKernel#sigma}, {@link ClNetworkKernel#gaussians4}, inherited: Aparapi translates
 * the superclass's methods it reaches and only the fields they read).
 *
 * <p>Napkin per network (width n, depth L, N_D inputs): N_D(N_D+1)/2·n multiply-adds for Ĝ, N_D·n/4
 * Philox blocks and N_D·n/2 Box–Muller pairs per layer, N_D²·n/2 multiply-adds for Lu; against the
 * direct sampler's n² Gaussians per layer. One work-item per network means a launch needs E ≫ cores
 * to fill a device (on POCL: a correctness check, no speed claim).
 */
class ClExactKernel extends ClNetworkKernel {
  /** Psd.RELATIVE_TOL (the CPU's semidefinite Cholesky threshold). */
  static final double PSD_TOL = 1e-11;
  static final int FORWARD_FLAG = 0x40000000;

  /** C_W^{(ℓ)}/n_{ℓ−1} and C_b^{(ℓ)}, indexed by ℓ (the CPU's s_W², s_b²). */
  double[] cwn;
  double[] cbl;
  /** Ĝ and its factor, 64 doubles (8 × 8, row-major) per work-item. */
  double[] gram;
  double[] chol;

  @Override
  public void run() {
    int gid = getGlobalId();
    if (gid < launch[1]) {
      diverged[gid] = exactForward(gid, launch[0] + gid);
    }
  }

  /** The forward pass of network e (see the class comment); the first layer that overflowed, or 0. */
  int exactForward(int gid, int e) {
    int zb = gid * zPer;
    int n0 = width[0];
    for (int t = 0; t < n0 * nd; t++) {
      z[zb + t] = x[t];
      sig[zb + t] = x[t];
    }
    int gb = gid * 64;
    int bad = 0;
    for (int l = 1; l <= depth && bad == 0; l++) {
      int nIn = width[l - 1];
      int nOut = width[l];
      int inB = zb + zOff[l - 1];
      int outB = zb + zOff[l];
      for (int a = 0; a < nd; a++) {
        for (int b = 0; b <= a; b++) {
          gram[gb + a * 8 + b] = cbl[l] + cwn[l] * dot(inB, a, b, nIn);
        }
      }
      cholesky(gb);
      int blocks = (nOut + 3) >> 2;
      for (int c = 0; c < blocks; c++) {
        for (int lane = 0; lane < 4; lane++) {
          int i = c * 4 + lane;
          if (i < nOut) {
            for (int a = 0; a < nd; a++) {
              z[outB + i * nd + a] = 0.0;
            }
          }
        }
        for (int b = 0; b < nd; b++) {
          if (chol[gb + b * 9] != 0.0) {
            gaussians4(gid, c, b, l | FORWARD_FLAG, e);
            for (int lane = 0; lane < 4; lane++) {
              int i = c * 4 + lane;
              if (i < nOut) {
                double u = rnd[gid * 4 + lane];
                for (int a = b; a < nd; a++) {
                  double f = chol[gb + a * 8 + b];
                  if (f != 0.0) {
                    z[outB + i * nd + a] += f * u;
                  }
                }
              }
            }
          }
        }
      }
      double xl = xiL[l];
      double gl = gam[l];
      for (int i = 0; i < nOut; i++) {
        for (int a = 0; a < nd; a++) {
          int o = outB + i * nd + a;
          double v = z[o];
          if (xl != 1.0 || gl != 0.0) {
            v = xl * v + gl * z[inB + i * nd + a];
          }
          z[o] = v;
          if (!(Math.abs(v) <= DIVERGENCE_BOUND)) {
            bad = l;
          }
          sig[o] = sigma(v);
        }
      }
    }
    return bad;
  }

  /** σ_a·σ_b over the n neurons of the block at {@code base}, in Sums.dot's order. */
  double dot(int base, int a, int b, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      s0 += sig[base + j * nd + a] * sig[base + j * nd + b];
      s1 += sig[base + (j + 1) * nd + a] * sig[base + (j + 1) * nd + b];
      s2 += sig[base + (j + 2) * nd + a] * sig[base + (j + 2) * nd + b];
      s3 += sig[base + (j + 3) * nd + a] * sig[base + (j + 3) * nd + b];
    }
    double s = (s0 + s1) + (s2 + s3);
    for (; j < n; j++) {
      s += sig[base + j * nd + a] * sig[base + j * nd + b];
    }
    return s;
  }

  /** Psd.cholesky of the N_D × N_D lower triangle gram[gb..] into chol[gb..] (same operation order). */
  void cholesky(int gb) {
    for (int k = 0; k < nd; k++) {
      for (int j = k + 1; j < nd; j++) {
        chol[gb + k * 8 + j] = 0.0;
      }
      double akk = gram[gb + k * 9];
      double s = akk;
      for (int j = 0; j < k; j++) {
        s -= chol[gb + k * 8 + j] * chol[gb + k * 8 + j];
      }
      if (!(akk > 0.0) || s <= PSD_TOL * akk) {
        for (int i = k; i < nd; i++) {
          chol[gb + i * 8 + k] = 0.0;
        }
      } else {
        double r = Math.sqrt(s);
        chol[gb + k * 9] = r;
        double inv = 1.0 / r;
        for (int i = k + 1; i < nd; i++) {
          double t = gram[gb + i * 8 + k];
          for (int j = 0; j < k; j++) {
            t -= chol[gb + i * 8 + j] * chol[gb + k * 8 + j];
          }
          chol[gb + i * 8 + k] = t * inv;
        }
      }
    }
  }
}

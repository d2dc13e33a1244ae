package org.rgflow.layer;

import org.rgflow.core.Sums;

/**
 * The dense layer of an MLP (PDLT §2; docs/THEORY.md §1): z^{(ℓ)}_{i;α} = b_i + Σ_j W_ij σ^{(ℓ−1)}_{j;α},
 * with b_i ~ N(0, C_b) and W_ij ~ N(0, C_W/n_{ℓ−1}), NTK learning rates λ_b for biases and
 * λ_W/n_{ℓ−1} for weights. Its sampler step and its recursion step sit side by side.
 *
 * @param width n_ℓ
 * @param cb C_b^{(ℓ)}
 * @param cw C_W^{(ℓ)}
 * @param lambdaB λ_b^{(ℓ)}
 * @param lambdaW λ_W^{(ℓ)}
 */
public record Dense(int width, double cb, double cw, double lambdaB, double lambdaW) implements Layer {

  @Override
  public String kind() {
    return "dense";
  }

  // --- sampler -------------------------------------------------------------------------------

  /**
   * Row i of W is generated once into a buffer and dotted with all N_D inputs (fixed-order dot,
   * {@link Sums#dot}). Napkin: n_ℓ n_{ℓ−1} Gaussians (≈ 10 ns each, the bound) and N_D multiply-adds
   * per weight.
   */
  @Override
  public void forward(Weights w, double[][] sIn, double[][] zIn, int nIn, double[][] out, int nd,
      Scratch scratch) {
    int nOut = width;
    double sb = Math.sqrt(cb);
    boolean hasBias = sb != 0;
    double[] bias = scratch.bias;
    double[] row = scratch.row;
    if (hasBias) {
      w.biases(nOut, bias);
    }
    double s = Math.sqrt(cw / nIn);
    int i = 0;
    int lanes = Weights.simdRows();
    if (lanes > 0 && nOut >= lanes) {
      // The same dots, SIMD rows at a time (bit for bit, Weights#rowDots).
      if (scratch.simdDots == null || scratch.simdDots.length < nd * lanes) {
        scratch.simdDots = new double[nd * lanes];
        scratch.simdBuf = new double[org.rgflow.rng.Simd.bufferLength(nd)];
      }
      double[] dots = scratch.simdDots;
      for (; i + lanes <= nOut; i += lanes) {
        w.rowDots(i, nIn, sIn, nd, scratch.simdBuf, dots);
        for (int k = 0; k < lanes; k++) {
          double b = hasBias ? sb * bias[i + k] : 0.0;
          for (int a = 0; a < nd; a++) {
            out[a][i + k] = b + s * dots[a * lanes + k];
          }
        }
      }
    }
    for (; i < nOut; i++) {
      w.row(i, nIn, row);
      double b = hasBias ? sb * bias[i] : 0.0;
      for (int a = 0; a < nd; a++) {
        out[a][i] = b + s * Sums.dot(row, sIn[a], nIn);
      }
    }
  }

  /** coef_αβ = λ_b + (λ_W/n_{ℓ−1}) σ_α·σ_β (docs/THEORY.md §6). */
  @Override
  public void ntkCoefficients(double[][] sIn, int nIn, double[][] coef, int nd) {
    for (int a = 0; a < nd; a++) {
      for (int b = a; b < nd; b++) {
        double c = lambdaB + lambdaW / nIn * Sums.dot(sIn[a], sIn[b], nIn);
        coef[a][b] = c;
        coef[b][a] = c;
      }
    }
  }

  /**
   * out_v = σ′(z^{(ℓ−1)}_α) ⊙ (W^{(ℓ)ᵀ} g_v): W is regenerated once, in tiles of {@value
   * Scratch#TILE} rows, and applied to every vector; rows that no vector reaches are never drawn.
   * Cost Σ_v n_ℓ n_{ℓ−1} multiply-adds plus the rows' Gaussians once.
   */
  @Override
  public void backward(Weights w, double[][] g, double[][] out, int[] alpha, int count, int nIn,
      double[][] dsIn, Scratch scratch) {
    double s = Math.sqrt(cw / nIn);
    for (int v = 0; v < count; v++) {
      java.util.Arrays.fill(out[v], 0, nIn, 0);
    }
    double[][] tile = scratch.tile;
    int[] tileRows = scratch.tileRows;
    double[] row = scratch.row;
    int k = 0;
    int lanes = Weights.simdRows();
    if (lanes > 0 && (scratch.simdBuf == null || scratch.simdBuf.length < org.rgflow.rng.Simd.bufferLength(1))) {
      scratch.simdBuf = new double[org.rgflow.rng.Simd.bufferLength(1)];
      scratch.simdDots = null;
    }
    while (k < width) {
      int rows = 0;
      for (; k < width && rows < Scratch.TILE; k++) {
        if (lanes > 0 && rows + lanes <= Scratch.TILE && k + lanes <= width
            && allActive(g, count, k, lanes)) {
          // the same scaled rows, SIMD rows at a time (bit for bit, Weights#scaledRows)
          w.scaledRows(k, nIn, s, tile, rows, scratch.simdBuf);
          for (int r = 0; r < lanes; r++) {
            tileRows[rows++] = k + r;
          }
          k += lanes - 1;
        } else if (anyActive(g, count, k)) {
          w.row(k, nIn, row);
          double[] t = tile[rows];
          for (int j = 0; j < nIn; j++) {
            t[j] = s * row[j];
          }
          tileRows[rows++] = k;
        }
      }
      for (int v = 0; v < count; v++) {
        applyTile(g[v], out[v], tile, tileRows, rows, nIn);
      }
    }
    for (int v = 0; v < count; v++) {
      double[] o = out[v];
      double[] dd = dsIn[alpha[v]];
      for (int j = 0; j < nIn; j++) {
        o[j] *= dd[j];
      }
    }
  }

  private static boolean allActive(double[][] g, int count, int k, int rows) {
    for (int r = k; r < k + rows; r++) {
      if (!anyActive(g, count, r)) {
        return false;
      }
    }
    return true;
  }

  private static boolean anyActive(double[][] g, int count, int k) {
    for (int v = 0; v < count; v++) {
      if (g[v][k] != 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * out += Σ_r g[row_r] · tile_r over the tile's rows, four rows per pass (out is loaded and stored
   * once per four rows; the j loop vectorises). Fixed order, so results stay bit-reproducible.
   */
  private static void applyTile(double[] g, double[] out, double[][] tile, int[] tileRows, int count,
      int nPrev) {
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

  // --- theory ------------------------------------------------------------------------------

  /** K = C_b + C_W G, Θ = λ_b + λ_W G, G1 = V = 0: layer 1 is Gaussian at any width. */
  @Override
  public KernelState input(double[][] gram) {
    int n = gram.length;
    double[][] k = new double[n][n];
    double[][] theta = new double[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        k[a][b] = cb + cw * gram[a][b];
        theta[a][b] = lambdaB + lambdaW * gram[a][b];
      }
    }
    double[][][][] v = n <= KernelState.DENSE_VERTEX_MAX ? new double[n][n][n][n]
        : KernelState.constantVertex(n, 0);
    return new KernelState(1, k, new double[n][n], v, theta, new double[n], new double[n], new double[n],
        new double[n]);
  }

  @Override
  public boolean plainMlp() {
    return true;
  }

  /** χ∥ = C_W ∂_K⟨σ²⟩ (docs/THEORY.md §4). */
  @Override
  public double chiPar(Averages avg, int alpha) {
    return cw * avg.dSigma2(alpha);
  }

  /** χ⊥ = C_W ⟨σ′²⟩ (docs/THEORY.md §4). */
  @Override
  public double chiPerp(Averages avg, int alpha) {
    return cw * avg.sigmaPrime2(alpha);
  }

  /**
   * One step ℓ−1 → ℓ of every recursion (docs/THEORY.md §2, §3, §6), with this layer's C_b, C_W, λ and
   * ρ = n_{ℓ−1}/n_{ℓ−2}; averages ⟨·⟩ at K^{(ℓ−1)}:
   *
   * <pre>
   * K'_{ab}  = C_b + C_W ⟨σ_a σ_b⟩                                                    (§2)
   * V'_{(a1a2)(a3a4)} = C_W² [⟨σa1σa2σa3σa4⟩ − ⟨σa1σa2⟩⟨σa3σa4⟩]
   *            + (C_W²/4) ρ Σ_δ V_{(δ1δ2)(δ3δ4)} D2_{δ1δ2}[σa1σa2] D2_{δ3δ4}[σa3σa4]      (§3)
   * G1'_{ab} = ρ C_W [½ Σ_δ G1_{δ1δ2} D2_{δ1δ2}[σaσb] + ⅛ Σ_δ V_{(δ1δ2)(δ3δ4)} D4_{δ1..δ4}[σaσb]] (§3)
   * Θ'_{ab}  = λ_b + λ_W ⟨σ_a σ_b⟩ + C_W ⟨σ′_a σ′_b⟩ Θ_{ab}                            (§6)
   * single input (at K_αα, Θ_αα, V_(αα)(αα)), ω = λ_W ∂_K⟨σ²⟩ + C_W Θ ∂_K⟨σ′²⟩:          (§6)
   *   F' = C_W² Θ ⟨σ′²σ²⟩ + ρ χ∥² F
   *   B' = C_W² Θ² ⟨σ′⁴⟩ + ρ χ⊥² B
   *   D' = λ_W C_W (⟨σ⁴⟩−⟨σ²⟩²) + C_W² Θ (⟨σ′²σ²⟩ − ⟨σ′²⟩⟨σ²⟩) + ρ [χ∥ ω V + χ∥ χ⊥ D]
   *   A' = λ_W² (⟨σ⁴⟩−⟨σ²⟩²) + 2 λ_W C_W Θ (⟨σ′²σ²⟩ − ⟨σ′²⟩⟨σ²⟩) + C_W² Θ² (⟨σ′⁴⟩ − ⟨σ′²⟩²)
   *        + ρ [ω² V + 2 ω χ⊥ D + χ⊥² A]
   * </pre>
   */
  @Override
  public KernelState step(KernelState below, Averages avg, double rho, boolean withFiniteWidth) {
    int n = below.inputs();
    double[][] k = below.k;
    double[][] g1 = below.g1;
    double[][][][] v = below.v;
    double[][] theta = below.theta;
    double[][] stats = avg.stats;
    double lb = lambdaB;
    double lw = lambdaW;
    Averages.Pair[][] pairs = avg.pairs(withFiniteWidth);
    double[][] k2 = new double[n][n];
    double[][] t2 = new double[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        Averages.Pair p = pairs[a][b];
        k2[a][b] = cb + cw * p.ss;
        t2[a][b] = lb + lw * p.ss + cw * p.dd * theta[a][b];
      }
    }
    // V is not computed without finite width: a shared read-only zero tensor then (O(n) memory)
    double[][][][] v2 = withFiniteWidth ? new double[n][n][n][n] : KernelState.constantVertex(n, 0);
    double[][] g2 = new double[n][n];
    if (withFiniteWidth) {
      double[][][][] four = avg.fourPoint();
      for (int a1 = 0; a1 < n; a1++) {
        for (int a2 = a1; a2 < n; a2++) {
          Averages.Pair p = pairs[a1][a2];
          // G1
          double s1 = 0;
          double s2 = 0;
          int[] vs = p.vars;
          int m = vs.length;
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
              s1 += g1[vs[i]][vs[j]] * p.d2[i + j];
              for (int q = 0; q < m; q++) {
                for (int r = 0; r < m; r++) {
                  s2 += v[vs[i]][vs[j]][vs[q]][vs[r]] * p.d4[i + j + q + r];
                }
              }
            }
          }
          g2[a1][a2] = g2[a2][a1] = rho * cw * (0.5 * s1 + 0.125 * s2);
          // V
          for (int a3 = 0; a3 < n; a3++) {
            for (int a4 = a3; a4 < n; a4++) {
              if (a3 * n + a4 < a1 * n + a2) {
                continue;
              }
              Averages.Pair q = pairs[a3][a4];
              double sum = 0;
              int[] ws = q.vars;
              for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                  double dp = p.d2[i + j];
                  for (int x = 0; x < ws.length; x++) {
                    for (int y = 0; y < ws.length; y++) {
                      sum += v[vs[i]][vs[j]][ws[x]][ws[y]] * dp * q.d2[x + y];
                    }
                  }
                }
              }
              double val = cw * cw * (four[a1][a2][a3][a4] - p.ss * q.ss) + 0.25 * cw * cw * rho * sum;
              setSym(v2, val, a1, a2, a3, a4);
            }
          }
        }
      }
    }
    double[] fa2 = new double[n];
    double[] fb2 = new double[n];
    double[] fd2 = new double[n];
    double[] ff2 = new double[n];
    if (!avg.singular) {
      for (int a = 0; a < n; a++) {
        double[] st = stats[a];
        double th = theta[a][a];
        double va = v[a][a][a][a];
        double cp = cw * 0.5 * st[Averages.H2S];
        double cq = cw * st[Averages.D2];
        double omega = lw * 0.5 * st[Averages.H2S] + cw * th * 0.5 * st[Averages.H2D];
        double varS2 = st[Averages.S4] - st[Averages.S2] * st[Averages.S2];
        double covSD = st[Averages.SD] - st[Averages.D2] * st[Averages.S2];
        double varD2 = st[Averages.D4] - st[Averages.D2] * st[Averages.D2];
        double f2 = cw * cw * th * st[Averages.SD] + rho * cp * cp * below.ff[a];
        double b2 = cw * cw * th * th * st[Averages.D4] + rho * cq * cq * below.fb[a];
        double d2 = lw * cw * varS2 + cw * cw * th * covSD + rho * (cp * omega * va + cp * cq * below.fd[a]);
        double a2 = lw * lw * varS2 + 2 * lw * cw * th * covSD + cw * cw * th * th * varD2
            + rho * (omega * omega * va + 2 * omega * cq * below.fd[a] + cq * cq * below.fa[a]);
        ff2[a] = f2;
        fb2[a] = b2;
        fd2[a] = d2;
        fa2[a] = a2;
      }
    }
    return new KernelState(below.layer + 1, k2, g2, v2, t2, fa2, fb2, fd2, ff2);
  }

  static void setSym(double[][][][] t, double val, int a1, int a2, int a3, int a4) {
    t[a1][a2][a3][a4] = val;
    t[a2][a1][a3][a4] = val;
    t[a1][a2][a4][a3] = val;
    t[a2][a1][a4][a3] = val;
    t[a3][a4][a1][a2] = val;
    t[a4][a3][a1][a2] = val;
    t[a3][a4][a2][a1] = val;
    t[a4][a3][a2][a1] = val;
  }
}

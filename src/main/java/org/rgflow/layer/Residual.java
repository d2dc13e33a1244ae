package org.rgflow.layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rgflow.spec.SpecException;

/**
 * The residual layer (PDLT appendix B; docs/THEORY.md §17): from layer 2 on,
 * z^{(ℓ)}_{i;α} = γ z^{(ℓ−1)}_{i;α} + ξ [b_i + Σ_j W_ij σ^{(ℓ−1)}_{j;α}], with b and W drawn as for
 * {@link Dense} (C_b, C_W/n_{ℓ−1}; the same randomness contract, so the dense part is the dense
 * layer's, bit for bit) and the NTK learning rates λ_b, λ_W/n_{ℓ−1} on b and W. It needs
 * n_ℓ = n_{ℓ−1}. With γ = 0 and ξ = 1 every number equals the dense layer's exactly (the γ and ξ
 * terms are skipped, not multiplied by 0 and 1).
 *
 * <p>Theory at leading order in 1/n (docs/THEORY.md §17): K, G1, V and the three-point function
 * T_{(α1α2)α3} = n E[z_{i;α1} z_{i;α2} z_{k;α3}] (i ≠ k), on any number of inputs; the NTK mean Θ and
 * χ∥, χ⊥. The single-input NTK fluctuations A, B, D, F close on single-layer averages only at γ = 0
 * (then they are ξ⁴ times the dense layer's); for γ ≠ 0 they are NaN here and the engine fills them
 * from the depth-history recursions after its pass (see {@link #step}). For γ ≠ 0 the V and G1 of this
 * step are the single-time closure, not the leading order from layer 3 on; the engine replaces their
 * diagonal input components by the depth-history values after its pass (docs/THEORY.md §17.8).
 *
 * @param width n_ℓ
 * @param cb C_b^{(ℓ)}
 * @param cw C_W^{(ℓ)}
 * @param lambdaB λ_b^{(ℓ)}
 * @param lambdaW λ_W^{(ℓ)}
 * @param gamma γ^{(ℓ)}, the weight of the skip connection
 * @param xi ξ^{(ℓ)}, the weight of the dense branch
 */
public record Residual(int width, double cb, double cw, double lambdaB, double lambdaW, double gamma,
    double xi) implements Layer {

  /** The dense branch b + Wσ with this layer's C_b, C_W, λ_b, λ_W. */
  public Dense dense() {
    return new Dense(width, cb, cw, lambdaB, lambdaW);
  }

  @Override
  public String kind() {
    return "residual";
  }

  @Override
  public Map<String, Double> extra() {
    return Map.of("gamma", gamma, "xi", xi);
  }

  /**
   * A network whose layer 1 is the given dense layer and whose layers 2..L are residual with the
   * dense layers' C_b, C_W, λ and the given γ, ξ (one value, or one per layer 2..L).
   *
   * @throws SpecException (--widths) when n_ℓ differ from layer 1 on; (--gamma, --xi) on bad lists
   */
  public static List<Layer> network(List<Layer> dense, double[] gammas, double[] xis) {
    int depth = dense.size();
    double[] g = expand("--gamma", gammas, depth);
    double[] x = expand("--xi", xis, depth);
    int n1 = dense.get(0).width();
    for (int l = 2; l <= depth; l++) {
      if (dense.get(l - 1).width() != n1) {
        throw new SpecException("--widths", "a residual network needs equal widths from layer 1 on,"
            + " got n_1 = " + n1 + " and n_" + l + " = " + dense.get(l - 1).width()
            + " (give one --width and no different --out-width)");
      }
    }
    List<Layer> out = new ArrayList<>();
    out.add(dense.get(0));
    for (int l = 2; l <= depth; l++) {
      Layer d = dense.get(l - 1);
      out.add(new Residual(d.width(), d.cb(), d.cw(), d.lambdaB(), d.lambdaW(), g[l - 2], x[l - 2]));
    }
    return out;
  }

  /**
   * Why a device kernel (OpenCL, CUDA) cannot run {@code spec}, or null: it runs dense and residual
   * layers, with the activations {@code kernelFor} accepts (it throws
   * UnsupportedOperationException with the reason otherwise).
   */
  public static String kernelRefusal(org.rgflow.spec.NetworkSpec spec,
      java.util.function.Consumer<org.rgflow.act.Activation> kernelFor) {
    for (Layer l : spec.layers()) {
      if (!(l instanceof Dense) && !(l instanceof Residual)) {
        return "it implements dense and residual layers only";
      }
    }
    try {
      kernelFor.accept(spec.activation());
      return null;
    } catch (UnsupportedOperationException e) {
      return e.getMessage();
    }
  }

  private static double[] expand(String field, double[] v, int depth) {
    int m = depth - 1;
    if (v.length != 1 && v.length != m) {
      throw new SpecException(field, "needs one value or one per layer 2.." + depth + " (" + m
          + "), got " + v.length);
    }
    double[] out = new double[Math.max(m, 0)];
    for (int i = 0; i < m; i++) {
      double x = v.length == 1 ? v[0] : v[i];
      if (!Double.isFinite(x)) {
        throw new SpecException(field, "must be a finite number, got " + x);
      }
      out[i] = x;
    }
    return out;
  }

  // --- sampler -------------------------------------------------------------------------------

  /** out = γ z^{(ℓ−1)} + ξ (dense branch); the dense branch is {@link Dense#forward}. */
  @Override
  public void forward(Weights w, double[][] sIn, double[][] zIn, int nIn, double[][] out, int nd,
      Scratch scratch) {
    if (zIn == null || nIn != width) {
      throw new IllegalStateException("a residual layer needs the layer below, of equal width");
    }
    dense().forward(w, sIn, zIn, nIn, out, nd, scratch);
    combine(zIn, out, nd);
  }

  /** o ← γ g + ξ o, skipping γ = 0 and ξ = 1 so that the plain MLP is reproduced exactly. */
  private void combine(double[][] g, double[][] o, int count) {
    for (int a = 0; a < count; a++) {
      double[] oa = o[a];
      double[] ga = g[a];
      if (xi != 1) {
        for (int i = 0; i < width; i++) {
          oa[i] *= xi;
        }
      }
      if (gamma != 0) {
        for (int i = 0; i < width; i++) {
          oa[i] += gamma * ga[i];
        }
      }
    }
  }

  /** coef = ξ² (λ_b + (λ_W/n_{ℓ−1}) σ_α·σ_β): b and W enter multiplied by ξ. */
  @Override
  public void ntkCoefficients(double[][] sIn, int nIn, double[][] coef, int nd) {
    dense().ntkCoefficients(sIn, nIn, coef, nd);
    if (xi != 1) {
      double x2 = xi * xi;
      for (int a = 0; a < nd; a++) {
        for (int b = 0; b < nd; b++) {
          coef[a][b] *= x2;
        }
      }
    }
  }

  /** out_v = γ g_v + ξ σ′ ⊙ (Wᵀ g_v): ∂z^{(ℓ)}_i/∂z^{(ℓ−1)}_j = γ δ_ij + ξ W_ij σ′_j. */
  @Override
  public void backward(Weights w, double[][] g, double[][] out, int[] alpha, int count, int nIn,
      double[][] dsIn, Scratch scratch) {
    dense().backward(w, g, out, alpha, count, nIn, dsIn, scratch);
    combine(g, out, count);
  }

  // --- theory ------------------------------------------------------------------------------

  /** Never layer 1: the first layer is dense. */
  @Override
  public KernelState input(double[][] gram) {
    throw new IllegalStateException("a residual layer cannot be layer 1");
  }

  /** χ∥ = γ² + ξ² C_W ∂_K⟨σ²⟩. */
  /** γ = 0 with ξ = 1 is the dense layer exactly (the same numbers, bit for bit). */
  @Override
  public boolean plainMlp() {
    return gamma == 0 && xi == 1;
  }

  @Override
  public double chiPar(Averages avg, int alpha) {
    return gamma * gamma + xi * xi * dense().chiPar(avg, alpha);
  }

  /** χ⊥ = γ² + ξ² C_W ⟨σ′²⟩. */
  @Override
  public double chiPerp(Averages avg, int alpha) {
    return gamma * gamma + xi * xi * dense().chiPerp(avg, alpha);
  }

  /**
   * One step ℓ−1 → ℓ (docs/THEORY.md §17), built on the dense branch's step d = {@link Dense#step}
   * with this layer's C_b, C_W, λ (averages at K^{(ℓ−1)}, ρ = n_{ℓ−1}/n_{ℓ−2}, 1..4 the inputs
   * α1..α4, D_k[O] = ⟨∂^k O⟩ on the pair's marginal, sums over repeated β):
   *
   * <pre>
   * K'  = γ² K + ξ² d.K                  Θ' = γ² Θ + ξ² d.Θ
   * T'_{(12)3} = γ ξ² C_W Σ_β K_{3β} D1_β[σ1σ2] + ρ [γ³ T_{(12)3} + ½ γ ξ² C_W T_{(β1β2)3} D2_{β1β2}[σ1σ2]]
   * G1'_{12} = ξ² d.G1 + ρ [γ² G1_{12} + ½ ξ² C_W T_{(β1β2)β3} D3_{β1β2β3}[σ1σ2]]
   * V'_{(12)(34)} = ξ⁴ d.V + γ² ξ² C_W [K_{1β}K_{2β'} D2_{ββ'}[σ3σ4] + (12↔34)]
   *     + ρ [γ⁴ V + γ² ξ² C_W (½ V_{(12)(ββ')} D2_{ββ'}[σ3σ4] + T_{(12)β} D1_β[σ3σ4] + (12↔34))
   *          + ½ ξ⁴ C_W² (T_{(β1β2)β3} D2_{β1β2}[σ1σ2] D1_{β3}[σ3σ4] + (12↔34))]
   * </pre>
   *
   * At γ = 0 the NTK fluctuations A, B, D, F are ξ⁴ times the dense branch's; for γ ≠ 0 one weight
   * enters both Θ̂_ik and z_k and they need the depth history of each neuron, which one step cannot
   * see: NaN here; B and F are then filled in by {@link org.rgflow.theory.ResidualNtkB} and
   * {@link org.rgflow.theory.ResidualNtkF} (single input, per input) after the engine's pass, and A and
   * D by {@link org.rgflow.theory.ResidualNtkFluct} (up to depth 64; layer 2 in closed form to 128).
   */
  @Override
  public KernelState step(KernelState below, Averages avg, double rho, boolean withFiniteWidth) {
    KernelState d = dense().step(below, avg, rho, withFiniteWidth);
    int n = below.inputs();
    double g2 = gamma * gamma;
    double x2 = xi * xi;
    double x4 = x2 * x2;
    double[][] k = below.k;
    double[][] k2 = new double[n][n];
    double[][] th2 = new double[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        k2[a][b] = g2 * k[a][b] + x2 * d.k[a][b];
        th2[a][b] = g2 * below.theta[a][b] + x2 * d.theta[a][b];
      }
    }
    double[][] g12 = new double[n][n];
    double[][][][] v2 = new double[n][n][n][n];
    double[][][] t2 = new double[n][n][n];
    if (withFiniteWidth) {
      double[][][] t = below.t3 != null ? below.t3 : new double[n][n][n];
      double[][][][] v = below.v;
      double cw = cw();
      Hermite[][] h = new Hermite[n][n];
      for (int a = 0; a < n; a++) {
        for (int b = a; b < n; b++) {
          h[a][b] = h[b][a] = new Hermite(avg, a, b);
        }
      }
      for (int a1 = 0; a1 < n; a1++) {
        for (int a2 = 0; a2 < n; a2++) {
          Hermite p = h[a1][a2];
          int[] vs = p.vars;
          int m = vs.length;
          // T
          for (int a3 = 0; a3 < n; a3++) {
            double src = 0;
            double rec = 0;
            for (int i = 0; i < m; i++) {
              src += k[a3][vs[i]] * p.d1[i];
              for (int j = 0; j < m; j++) {
                rec += t[vs[i]][vs[j]][a3] * p.d2[i + j];
              }
            }
            t2[a1][a2][a3] = gamma * x2 * cw * src
                + rho * (gamma * g2 * t[a1][a2][a3] + 0.5 * gamma * x2 * cw * rec);
          }
          // G1
          double s3 = 0;
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
              for (int q = 0; q < m; q++) {
                s3 += t[vs[i]][vs[j]][vs[q]] * p.d3[i + j + q];
              }
            }
          }
          g12[a1][a2] = x2 * d.g1[a1][a2] + rho * (g2 * below.g1[a1][a2] + 0.5 * x2 * cw * s3);
        }
      }
      for (int a1 = 0; a1 < n; a1++) {
        for (int a2 = 0; a2 < n; a2++) {
          for (int a3 = 0; a3 < n; a3++) {
            for (int a4 = 0; a4 < n; a4++) {
              Hermite p = h[a1][a2];
              Hermite q = h[a3][a4];
              double src = source(k, a1, a2, q) + source(k, a3, a4, p);
              double mix = 0.5 * (vResp(v, a1, a2, q) + vResp(v, a3, a4, p))
                  + tResp(t, a1, a2, q) + tResp(t, a3, a4, p);
              double tt = 0.5 * (tt(t, p, q) + tt(t, q, p));
              v2[a1][a2][a3][a4] = x4 * d.v[a1][a2][a3][a4] + g2 * x2 * cw * src
                  + rho * (g2 * g2 * v[a1][a2][a3][a4] + g2 * x2 * cw * mix + x4 * cw * cw * tt);
            }
          }
        }
      }
    }
    double[] fa = new double[n];
    double[] fb = new double[n];
    double[] fd = new double[n];
    double[] ff = new double[n];
    for (int a = 0; a < n; a++) {
      boolean closes = gamma == 0;
      fa[a] = closes ? x4 * d.fa[a] : Double.NaN;
      fb[a] = closes ? x4 * d.fb[a] : Double.NaN;
      fd[a] = closes ? x4 * d.fd[a] : Double.NaN;
      ff[a] = closes ? x4 * d.ff[a] : Double.NaN;
    }
    if (gamma == 0 && xi == 1) {
      // the plain MLP, exactly: no rounding of ±0 terms
      KernelState s = new KernelState(d.layer, d.k, d.g1, d.v, d.theta, d.fa, d.fb, d.fd, d.ff);
      s.t3 = withFiniteWidth ? t2 : null;
      return s;
    }
    KernelState s = new KernelState(d.layer, k2, withFiniteWidth ? g12 : d.g1,
        withFiniteWidth ? v2 : d.v, th2, fa, fb, fd, ff);
    s.t3 = withFiniteWidth ? t2 : null;
    return s;
  }

  /** Σ_{β,β'∈q} K_{1β} K_{2β'} D2_{ββ'}[σ3σ4] = ⟨z1 z2 σ3σ4⟩ − K_12⟨σ3σ4⟩ (Stein twice). */
  private static double source(double[][] k, int a1, int a2, Hermite q) {
    double s = 0;
    int[] ws = q.vars;
    for (int x = 0; x < ws.length; x++) {
      for (int y = 0; y < ws.length; y++) {
        s += k[a1][ws[x]] * k[a2][ws[y]] * q.d2[x + y];
      }
    }
    return s;
  }

  private static double vResp(double[][][][] v, int a1, int a2, Hermite q) {
    double s = 0;
    int[] ws = q.vars;
    for (int x = 0; x < ws.length; x++) {
      for (int y = 0; y < ws.length; y++) {
        s += v[a1][a2][ws[x]][ws[y]] * q.d2[x + y];
      }
    }
    return s;
  }

  private static double tResp(double[][][] t, int a1, int a2, Hermite q) {
    double s = 0;
    int[] ws = q.vars;
    for (int x = 0; x < ws.length; x++) {
      s += t[a1][a2][ws[x]] * q.d1[x];
    }
    return s;
  }

  /** Σ T_{(β1β2)β3} D2_{β1β2}[p] D1_{β3}[q]. */
  private static double tt(double[][][] t, Hermite p, Hermite q) {
    double s = 0;
    int[] vs = p.vars;
    int[] ws = q.vars;
    for (int i = 0; i < vs.length; i++) {
      for (int j = 0; j < vs.length; j++) {
        for (int x = 0; x < ws.length; x++) {
          s += t[vs[i]][vs[j]][ws[x]] * p.d2[i + j] * q.d1[x];
        }
      }
    }
    return s;
  }

  /**
   * D1, D2, D3 of O = σ_a σ_b on the marginal of (z_a, z_b) (one variable when a = b), by the number
   * of b-indices: D_k[O] = ⟨O H_k⟩ with the Hermite polynomials of N(0, M), y = M⁻¹z, P = M⁻¹
   * (H1_i = y_i, H2_ij = y_i y_j − P_ij, H3_ijk = y_i y_j y_k − P_ij y_k − P_ik y_j − P_jk y_i).
   */
  static final class Hermite {
    final int[] vars;
    final double[] d1;
    final double[] d2;
    final double[] d3;

    Hermite(Averages avg, int a, int b) {
      double[][] k = avg.k;
      if (a == b) {
        vars = new int[] {a};
        double kk = k[a][a];
        double inv = 1 / kk;
        double[] r = avg.quad.expect(new double[][] {{kk}}, 3, (z, o) -> {
          double s = avg.act.value(z[0]);
          double s2 = s * s;
          double y = z[0] * inv;
          o[0] = s2 * y;
          o[1] = s2 * (y * y - inv);
          o[2] = s2 * (y * y * y - 3 * inv * y);
        });
        d1 = new double[] {r[0]};
        d2 = new double[] {r[1]};
        d3 = new double[] {r[2]};
        return;
      }
      vars = new int[] {a, b};
      double[][] m = {{k[a][a], k[a][b]}, {k[b][a], k[b][b]}};
      double det = m[0][0] * m[1][1] - m[0][1] * m[0][1];
      if (!(det > 1e-12 * m[0][0] * m[1][1])) {
        throw new Averages.DegenerateException("inputs " + a + " and " + b + " are (anti)parallel at"
            + " layer " + avg.layer + " (|rho| = 1): V, G1 and T need a non-degenerate two-input kernel");
      }
      double p00 = m[1][1] / det;
      double p11 = m[0][0] / det;
      double p01 = -m[0][1] / det;
      double[] r = avg.quad.expect(m, 9, (z, o) -> {
        double o0 = avg.act.value(z[0]) * avg.act.value(z[1]);
        double y0 = p00 * z[0] + p01 * z[1];
        double y1 = p01 * z[0] + p11 * z[1];
        o[0] = o0 * y0;
        o[1] = o0 * y1;
        o[2] = o0 * (y0 * y0 - p00);
        o[3] = o0 * (y0 * y1 - p01);
        o[4] = o0 * (y1 * y1 - p11);
        o[5] = o0 * (y0 * y0 * y0 - 3 * p00 * y0);
        o[6] = o0 * (y0 * y0 * y1 - p00 * y1 - 2 * p01 * y0);
        o[7] = o0 * (y0 * y1 * y1 - p11 * y0 - 2 * p01 * y1);
        o[8] = o0 * (y1 * y1 * y1 - 3 * p11 * y1);
      });
      d1 = new double[] {r[0], r[1]};
      d2 = new double[] {r[2], r[3], r[4]};
      d3 = new double[] {r[5], r[6], r[7], r[8]};
    }
  }
}

package org.rgflow.theory;

import java.util.List;
import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.layer.Layer;
import org.rgflow.spec.NetworkSpec;

/**
 * The NTK mean at O(1/n) for each input on its own (docs/THEORY.md §18): E[Θ̂_{ii;αα}] = Θ_αα +
 * Θ^{1}_α/n_{ℓ−1}. Averaging the forward equation over W^{(ℓ+1)} leaves
 * E Θ̂' = λ_b + λ_W E[σ_j²] + C_W E[σ′_j² Θ̂_jj] exactly; at O(1/n) a function of one pre-activation has
 * E f(z) = ⟨f⟩_K + (1/n)[G1 ∂_K⟨f⟩ + (V/2) ∂²_K⟨f⟩], and Θ̂_jj correlates with f(z_j) only through
 * z_j's variance: Cov(Θ̂_jj, f(z_j)) = Cov(Θ̂_jj, z_j²) ∂_K⟨f⟩ = ((D + 2F)/n) ∂_K⟨f⟩. So, with ⟨·⟩ at
 * K^{(ℓ)}, C_W, λ_W of layer ℓ+1 and ρ = n_ℓ/n_{ℓ−1}:
 *
 * <pre>
 * Θ1' = ρ [χ⊥ Θ1 + ω G1 + (V/2)(λ_W ∂²_K⟨σ²⟩ + C_W Θ ∂²_K⟨σ′²⟩) + C_W (D + 2F) ∂_K⟨σ′²⟩],  Θ1^{(1)} = 0
 * ω = λ_W ∂_K⟨σ²⟩ + C_W Θ ∂_K⟨σ′²⟩
 * </pre>
 *
 * Derivatives in K by the Hermite forms ∂_K⟨f⟩ = ⟨f(z²−K)⟩/(2K²) and
 * ∂²_K⟨f⟩ = ⟨f(z⁴−6Kz²+3K²)⟩/(4K⁴), valid across kinks. Critical relu: every derivative vanishes and
 * G1 = 0, so Θ1 = 0. Dense layers only (null otherwise, as for {@link DntkTheory#unsupported}).
 */
public final class NtkCorrection {
  private NtkCorrection() {}

  /** Θ1 per layer (index ℓ−1) and input, or null where it is not derived (non-dense, singular σ′). */
  public static double[][] theta1(NetworkSpec spec, List<TheoryLayer> layers) {
    if (DntkTheory.unsupported(spec) != null) {
      return null;
    }
    int depth = layers.size();
    int nd = layers.get(0).kernel().length;
    double[][] t1 = new double[depth][nd];
    Activation act = spec.activation();
    GaussQuadrature quad = new GaussQuadrature(act.kinks());
    for (int l = 1; l < depth; l++) {
      TheoryLayer tl = layers.get(l - 1);
      Layer next = spec.layer(l + 1);
      double cw = next.cw();
      double lw = next.lambdaW();
      double rho = (double) spec.width(l) / spec.width(l - 1);
      for (int a = 0; a < nd; a++) {
        double k = tl.kernel()[a][a];
        double th = tl.theta()[a][a];
        double[] m = quad.expect(new double[][] {{k}}, 5, (z, out) -> {
          double x = z[0];
          double s = act.value(x);
          double d = act.d1(x);
          double h2 = x * x - k;
          double h4 = x * x * x * x - 6 * k * x * x + 3 * k * k;
          out[0] = d * d;
          out[1] = s * s * h2;
          out[2] = d * d * h2;
          out[3] = s * s * h4;
          out[4] = d * d * h4;
        });
        double dS = m[1] / (2 * k * k);
        double dD = m[2] / (2 * k * k);
        double d2S = m[3] / (4 * k * k * k * k);
        double d2D = m[4] / (4 * k * k * k * k);
        double chiPerp = cw * m[0];
        double omega = lw * dS + cw * th * dD;
        double g1 = tl.g1()[a][a];
        double v = tl.vDiag(a);
        t1[l][a] = rho * (chiPerp * t1[l - 1][a] + omega * g1 + 0.5 * v * (lw * d2S + cw * th * d2D)
            + cw * (tl.d()[a] + 2 * tl.f()[a]) * dD);
      }
    }
    return t1;
  }

  /**
   * Θ1_{αβ} for every input pair, [ℓ−1][α][β]: the diagonal from {@link #theta1}, each off-diagonal
   * component from the two-input problem on (α, β) (docs/THEORY.md §18). With y = K⁻¹z, He2_{γδ} =
   * y_γy_δ − K^{γδ} and He4 the contracted fourth Hermite polynomial (⟨f He_k⟩ = ⟨∂^k f⟩),
   * 𝓔[f] = ½ Σ G1_{γδ}⟨f He2_{γδ}⟩ + ⅛ Σ V_{(γδ)(εζ)}⟨f He4_{γδεζ}⟩ is the 1/n shift of E f(z), and
   *
   * <pre>
   * Θ1'_{αβ} = ρ [C_W⟨σ′ασ′β⟩Θ1_{αβ} + 𝓔[λ_W σασβ + C_W Θ_{αβ} σ′ασ′β]
   *               + (C_W/2) Σ_{γδ} (D_{αβγδ} + F_{αβ;γδ} + F_{αβ;δγ}) ⟨σ′ασ′β He2_{γδ}⟩]
   * D'_{αβγδ} = λ_W C_W [⟨σασβσγσδ⟩ − ⟨σασβ⟩⟨σγσδ⟩ + ρ Π[σασβ]·V·Π[σγσδ]]
   *           + C_W² [Θ_{αβ}(⟨σ′ασ′βσγσδ⟩ − ⟨σ′ασ′β⟩⟨σγσδ⟩) + ρ Θ_{αβ} Π[σ′ασ′β]·V·Π[σγσδ]
   *                   + ρ ⟨σ′ασ′β⟩ Σ D_{αβεζ} Π_{εζ}[σγσδ]],   Π_{εζ}[O] = ½⟨O He2_{εζ}⟩
   * </pre>
   *
   * with F as in {@link DntkTheory}. Null where {@link #theta1} is; pairs with a singular kernel copy
   * the diagonal. Only up to {@link DntkTheory#MAX_FULL_INPUTS} inputs (diagonal only above).
   */
  public static double[][][] full(NetworkSpec spec, List<TheoryLayer> layers) {
    double[][] diag = theta1(spec, layers);
    if (diag == null) {
      return null;
    }
    int depth = layers.size();
    int nd = layers.get(0).kernel().length;
    double[][][] out = new double[depth][nd][nd];
    for (int l = 0; l < depth; l++) {
      for (int a = 0; a < nd; a++) {
        java.util.Arrays.fill(out[l][a], Double.NaN);
        out[l][a][a] = diag[l][a];
      }
    }
    if (nd > DntkTheory.MAX_FULL_INPUTS) {
      return out;
    }
    for (int a = 0; a < nd; a++) {
      for (int b = a + 1; b < nd; b++) {
        double[][][] p = pair(spec, layers, a, b);
        for (int l = 0; l < depth; l++) {
          out[l][a][b] = p[l][0][1];
          out[l][b][a] = p[l][1][0];
        }
      }
    }
    return out;
  }

  /** The two-input problem on inputs (ia, ib): Θ1[ℓ−1][i][j], i, j ∈ {0: ia, 1: ib}. */
  static double[][][] pair(NetworkSpec spec, List<TheoryLayer> layers, int ia, int ib) {
    int depth = layers.size();
    int[] idx = {ia, ib};
    double[][][] t1 = new double[depth][2][2];
    double[][][][] dd = new double[2][2][2][2];
    double[][][][] ff = new double[2][2][2][2];
    Activation act = spec.activation();
    GaussQuadrature quad = new GaussQuadrature(act.kinks());
    for (int l = 1; l < depth; l++) {
      TheoryLayer tl = layers.get(l - 1).restrict(idx);
      double[][] k = tl.kernel();
      double[][] th = tl.theta();
      double[][] g1 = tl.g1();
      double[][][][] v = tl.v();
      double det = k[0][0] * k[1][1] - k[0][1] * k[1][0];
      Layer next = spec.layer(l + 1);
      double cw = next.cw();
      double lw = next.lambdaW();
      double rho = (double) spec.width(l) / spec.width(l - 1);
      if (!(det > 1e-12 * k[0][0] * k[1][1])) {
        double[][] one = theta1(spec, layers);
        for (int i = 0; i < 2; i++) {
          for (int j = 0; j < 2; j++) {
            t1[l][i][j] = one[l][ia];
          }
        }
        continue;
      }
      double[][] ki = {{k[1][1] / det, -k[0][1] / det}, {-k[1][0] / det, k[0][0] / det}};
      // integrands (flat ab = a*2+b, gd = g*2+d, abgd = ab*4+gd):
      // [0,16) σaσbσgσd, [16,32) σ′aσ′bσgσd, [32,36) σaσb, [36,40) σ′aσ′b,
      // [40,56) σaσb He2_gd, [56,72) σ′aσ′b He2_gd, [72,80) σ′aσb z_g,
      // [80,84) σaσb S, [84,88) σ′aσ′b S (S = 𝓔's Hermite weight), [88,92) σ′aσ′b T_ab
      // 𝓔's Hermite weight as a quadratic form in y plus constants (V symmetric within and between its
      // pairs): Σ V He4 = yᵀ(Σ V y y)y − 2 yᵀ c1 y − 4 yᵀ c2 y + c0, with c1_xw = Σ V_{gexw} K^{ge},
      // c2_ew = Σ V_{gexw} K^{gx}, c0 = Σ V (K^{ge}K^{xw} + 2 K^{gx}K^{ew})
      double[][] c1 = new double[2][2];
      double[][] c2 = new double[2][2];
      double c0 = 0;
      double g1k = 0;
      for (int g = 0; g < 2; g++) {
        for (int e = 0; e < 2; e++) {
          g1k += g1[g][e] * ki[g][e];
          for (int x = 0; x < 2; x++) {
            for (int w = 0; w < 2; w++) {
              c1[x][w] += v[g][e][x][w] * ki[g][e];
              c2[e][w] += v[g][e][x][w] * ki[g][x];
              c0 += v[g][e][x][w] * (ki[g][e] * ki[x][w] + 2 * ki[g][x] * ki[e][w]);
            }
          }
        }
      }
      final double c0f = c0;
      final double g1kf = g1k;
      double[][] tw = new double[4][4]; // (D + F + Fᵀ)_{ab;ge}
      for (int ab = 0; ab < 4; ab++) {
        for (int gd = 0; gd < 4; gd++) {
          int a = ab >> 1;
          int b = ab & 1;
          int g = gd >> 1;
          int e = gd & 1;
          tw[ab][gd] = dd[a][b][g][e] + ff[a][b][g][e] + ff[a][b][e][g];
        }
      }
      // integrands (flat ab = a*2+b, gd = g*2+d):
      // [0,16) σaσbσgσd, [16,32) σ′aσ′bσgσd, [32,36) σaσb, [36,40) σ′aσ′b,
      // [40,56) σaσb He2_gd, [56,72) σ′aσ′b He2_gd, [72,80) σ′aσb z_g,
      // [80,84) σaσb S, [84,88) σ′aσ′b S (S = 𝓔's Hermite weight), [88,92) σ′aσ′b Σ tw He2
      double[] m = quad.expect(k, 92, (z, out) -> {
        double s0 = act.value(z[0]);
        double s1 = act.value(z[1]);
        double d0 = act.d1(z[0]);
        double d1 = act.d1(z[1]);
        double y0 = ki[0][0] * z[0] + ki[0][1] * z[1];
        double y1 = ki[1][0] * z[0] + ki[1][1] * z[1];
        double h00 = y0 * y0 - ki[0][0];
        double h01 = y0 * y1 - ki[0][1];
        double h11 = y1 * y1 - ki[1][1];
        double[] he = {h00, h01, h01, h11};
        double yy00 = y0 * y0;
        double yy01 = y0 * y1;
        double yy11 = y1 * y1;
        double quart = 0;
        double[] yy = {yy00, yy01, yy01, yy11};
        for (int p1 = 0; p1 < 4; p1++) {
          for (int p2 = 0; p2 < 4; p2++) {
            quart += v[p1 >> 1][p1 & 1][p2 >> 1][p2 & 1] * yy[p1] * yy[p2];
          }
        }
        double lin1 = c1[0][0] * yy00 + 2 * c1[0][1] * yy01 + c1[1][1] * yy11;
        double lin2 = c2[0][0] * yy00 + (c2[0][1] + c2[1][0]) * yy01 + c2[1][1] * yy11;
        double g1y = g1[0][0] * yy00 + 2 * g1[0][1] * yy01 + g1[1][1] * yy11;
        double sHerm = 0.5 * (g1y - g1kf) + 0.125 * (quart - 2 * lin1 - 4 * lin2 + c0f);
        double[] sv = {s0, s1};
        double[] dv = {d0, d1};
        for (int ab = 0; ab < 4; ab++) {
          double sa = sv[ab >> 1];
          double ss = sa * sv[ab & 1];
          double dp = dv[ab >> 1] * dv[ab & 1];
          out[32 + ab] = ss;
          out[36 + ab] = dp;
          double t = 0;
          for (int gd = 0; gd < 4; gd++) {
            double sg = sv[gd >> 1] * sv[gd & 1];
            out[ab * 4 + gd] = ss * sg;
            out[16 + ab * 4 + gd] = dp * sg;
            out[40 + ab * 4 + gd] = ss * he[gd];
            out[56 + ab * 4 + gd] = dp * he[gd];
            t += tw[ab][gd] * he[gd];
          }
          double ds = dv[ab >> 1] * sv[ab & 1];
          out[72 + ab * 2] = ds * z[0];
          out[72 + ab * 2 + 1] = ds * z[1];
          out[80 + ab] = ss * sHerm;
          out[84 + ab] = dp * sHerm;
          out[88 + ab] = dp * t;
        }
      });
      double[][] piS = new double[4][4];
      double[][] piD = new double[4][4];
      for (int ab = 0; ab < 4; ab++) {
        for (int gd = 0; gd < 4; gd++) {
          piS[ab][gd] = 0.5 * m[40 + ab * 4 + gd];
          piD[ab][gd] = 0.5 * m[56 + ab * 4 + gd];
        }
      }
      double[][][] lin = new double[2][2][2];
      for (int ab = 0; ab < 4; ab++) {
        for (int be = 0; be < 2; be++) {
          lin[ab >> 1][ab & 1][be] = m[72 + ab * 2] * ki[0][be] + m[72 + ab * 2 + 1] * ki[1][be];
        }
      }
      double[][][][] d2 = new double[2][2][2][2];
      double[][][][] f2 = new double[2][2][2][2];
      for (int ab = 0; ab < 4; ab++) {
        int a = ab >> 1;
        int b = ab & 1;
        for (int gd = 0; gd < 4; gd++) {
          int g = gd >> 1;
          int e = gd & 1;
          double vSS = 0;
          double vDS = 0;
          double dS = 0;
          for (int x = 0; x < 4; x++) {
            dS += dd[a][b][x >> 1][x & 1] * piS[gd][x];
            for (int y = 0; y < 4; y++) {
              double vv = v[x >> 1][x & 1][y >> 1][y & 1];
              vSS += piS[ab][x] * vv * piS[gd][y];
              vDS += piD[ab][x] * vv * piS[gd][y];
            }
          }
          double ssss = m[ab * 4 + gd];
          double ddss = m[16 + ab * 4 + gd];
          d2[a][b][g][e] = lw * cw * (ssss - m[32 + ab] * m[32 + gd] + rho * vSS)
              + cw * cw * (th[a][b] * (ddss - m[36 + ab] * m[32 + gd]) + rho * th[a][b] * vDS
              + rho * m[36 + ab] * dS);
          double sf = 0;
          for (int x = 0; x < 2; x++) {
            for (int y = 0; y < 2; y++) {
              sf += ff[a][b][x][y] * lin[a][g][x] * lin[b][e][y];
            }
          }
          f2[a][b][g][e] = cw * cw * (th[a][b] * ddss + rho * sf);
        }
        t1[l][a][b] = rho * (cw * m[36 + ab] * t1[l - 1][a][b] + lw * m[80 + ab] + cw * th[a][b] * m[84 + ab]
            + 0.5 * cw * m[88 + ab]);
      }
      dd = d2;
      ff = f2;
    }
    return t1;
  }
}

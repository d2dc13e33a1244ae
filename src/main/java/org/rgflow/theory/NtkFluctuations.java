package org.rgflow.theory;

import java.util.Arrays;
import java.util.List;
import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.layer.Layer;
import org.rgflow.spec.NetworkSpec;

/**
 * The multi-input NTK fluctuation tensors A, B, D, F at leading order (docs/THEORY.md §6.5), i ≠ k,
 * n = n_{ℓ−1}:
 *
 * <pre>
 * A_{12;34}/n = Cov(Θ̂_{ii;12}, Θ̂_{kk;34})     B_{12;34}/n = E[Θ̂_{ik;12} Θ̂_{ik;34}]
 * D_{12;34}/n = Cov(Θ̂_{ii;12}, z_{k;3}z_{k;4}) F_{12;34}/n = E[Θ̂_{ik;12} z_{i;3} z_{k;4}]
 * </pre>
 *
 * Components on one input are the recursions' single-input values ({@link TheoryLayer#a()} etc.,
 * unchanged); those on the distinct inputs S (two, three or four of them) come from the problem on S
 * alone (the network restricted to S is the same network), one m-dimensional integral per layer and
 * subset; not at all (null) above {@link DntkTheory#MAX_FULL_INPUTS} inputs. Identical inputs (equal
 * layer-1 K and Θ) are merged first ({@link DistinctInputs}), so (x, x, y) gives the pair (x, y)'s
 * values and (x, x) the single-input ones. Recursions on S, with ⟨·⟩
 * over z_S ~ N(0, K^{(ℓ)}), C_W, λ_W of layer ℓ+1, ρ = n_ℓ/n_{ℓ−1}, Π_{εζ}[O] = ½⟨O He2_{εζ}⟩,
 * L[f]_β = Σ_γ⟨f z_γ⟩K^{γβ}, S_{12} = σ1σ2, P_{12} = σ′1σ′2, all tensors 0 at ℓ = 1:
 *
 * <pre>
 * B' = C_W² [⟨P12 P34⟩ Θ12 Θ34 + ρ ⟨σ′1σ′3⟩⟨σ′2σ′4⟩ B_{12;34}]
 * F' = C_W² [Θ12 ⟨P12 S34⟩ + ρ Σ F_{12;β1β2} L[σ′1σ3]_β1 L[σ′2σ4]_β2]
 * D' = λ_W C_W [Cov(S12, S34) + ρ Π[S12]·V·Π[S34]]
 *    + C_W² [Θ12 Cov(P12, S34) + ρ Θ12 Π[P12]·V·Π[S34] + ρ ⟨P12⟩ D_{12;ε}·Π_ε[S34]]
 * A' = λ_W² [Cov(S12, S34) + ρ Π[S12]·V·Π[S34]]
 *    + λ_W C_W [Θ12 Cov(P12, S34) + ρ Θ12 Π[P12]·V·Π[S34] + ρ ⟨P12⟩ D_{12;ε}Π_ε[S34] + (12 ↔ 34)]
 *    + C_W² [Θ12 Θ34 Cov(P12, P34) + ρ Θ12 Θ34 Π[P12]·V·Π[P34] + ρ Θ12 ⟨P34⟩ D_{34;ε}Π_ε[P12]
 *            + ρ ⟨P12⟩ Θ34 D_{12;ε}Π_ε[P34] + ρ ⟨P12⟩⟨P34⟩ A_{12;34}]
 * </pre>
 *
 * (Cov(X, Y) = ⟨XY⟩ − ⟨X⟩⟨Y⟩.) B and F are {@link DntkTheory}'s, D is {@link NtkCorrection}'s; A
 * is n_ℓ Cov(λ_W X12 + C_W Y12, λ_W X34 + C_W Y34) with X = Σ_j S_j/n_ℓ, Y = Σ_j P_j Θ̂_jj/n_ℓ, by
 * the cross-neuron rules of docs/THEORY.md §6. With one input each reduces to the
 * single-input recursion. Dense layers with a regular σ′ only (null otherwise).
 */
public final class NtkFluctuations {
  private NtkFluctuations() {}

  /** A, B, D, F, each [ℓ−1][α1][α2][α3][α4]. */
  public record Full(double[][][][][] a, double[][][][][] b, double[][][][][] d, double[][][][][] f) {}

  /**
   * The full tensors at layers 1..layers.size(), or null where they are not derived (non-dense,
   * singular σ′, more than {@link DntkTheory#MAX_FULL_INPUTS} inputs).
   */
  public static Full full(NetworkSpec spec, List<TheoryLayer> layers) {
    if (DntkTheory.unsupported(spec) != null) {
      return null;
    }
    int depth = layers.size();
    int nd = layers.get(0).kernel().length;
    if (nd > DntkTheory.MAX_FULL_INPUTS) {
      return null; // only the diagonal (TheoryLayer.a() etc.) would be finite
    }
    double[][][][][][] t = new double[4][depth][nd][nd][nd][nd];
    // identical inputs (equal layer-1 K and Θ) are one input; every component from the problem on
    // exactly its distinct inputs: one input from the recursions' values, 2 to 4 by subset()
    DistinctInputs.fill(DistinctInputs.representatives(layers.get(0)), t, idx -> {
      if (idx.length > 1) {
        return subset(spec, layers, idx);
      }
      double[][][][][][] one = new double[4][depth][1][1][1][1];
      for (int l = 0; l < depth; l++) {
        TheoryLayer tl = layers.get(l);
        one[0][l][0][0][0][0] = tl.a()[idx[0]];
        one[1][l][0][0][0][0] = tl.b()[idx[0]];
        one[2][l][0][0][0][0] = tl.d()[idx[0]];
        one[3][l][0][0][0][0] = tl.f()[idx[0]];
      }
      return one;
    });
    return new Full(t[0], t[1], t[2], t[3]);
  }

  /**
   * The problem on the inputs idx (m = idx.length ≥ 2): {A, B, D, F}[ℓ−1][i1][i2][i3][i4], i indexing
   * idx. A pair with a singular kernel (identical or collinear inputs) copies the single-input values of
   * idx[0]; three or more inputs with a singular kernel stay NaN from that layer on (identical inputs
   * are merged by {@link #full} before).
   */
  static double[][][][][][] subset(NetworkSpec spec, List<TheoryLayer> layers, int[] idx) {
    int depth = layers.size();
    int m = idx.length;
    int m2 = m * m;
    int m4 = m2 * m2;
    double[][][][][][] out = new double[4][depth][m][m][m][m];
    double[][][][] aa = new double[m][m][m][m];
    double[][][][] bb = new double[m][m][m][m];
    double[][][][] dd = new double[m][m][m][m];
    double[][][][] ff = new double[m][m][m][m];
    Activation act = spec.activation();
    GaussQuadrature quad = new GaussQuadrature(act.kinks());
    boolean dead = false;
    for (int l = 1; l < depth; l++) {
      TheoryLayer tl = layers.get(l - 1).restrict(idx);
      double[][] k = tl.kernel();
      double[][] th = tl.theta();
      double[][][][] v = tl.v();
      double[][] ki = dead ? null : inverse(k);
      if (ki == null) {
        if (m == 2) {
          TheoryLayer up = layers.get(l);
          double[] one = {up.a()[idx[0]], up.b()[idx[0]], up.d()[idx[0]], up.f()[idx[0]]};
          for (int o = 0; o < 4; o++) {
            fill(out[o][l], one[o]);
          }
          // the recursion state stays the last regular one; later layers of a singular pair copy too
        } else {
          dead = true;
          for (int o = 0; o < 4; o++) {
            fill(out[o][l], Double.NaN);
          }
        }
        continue;
      }
      // integrands (ab = a·m+b, gd = g·m+d): [0,m⁴) σaσbσgσd, then σ′aσ′bσgσd, σ′aσ′bσ′gσ′d (m⁴
      // each), σaσb, σ′aσ′b (m² each), σaσb He2_gd, σ′aσ′b He2_gd (m⁴ each), σ′aσb z_g (m³)
      int oPs = m4;
      int oPp = 2 * m4;
      int oS = 3 * m4;
      int oP = oS + m2;
      int oSh = oP + m2;
      int oPh = oSh + m4;
      int oDz = oPh + m4;
      double[] mo = quad.expect(k, oDz + m2 * m, (z, o) -> {
        double[] s = new double[m];
        double[] dv = new double[m];
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
          s[i] = act.value(z[i]);
          dv[i] = act.d1(z[i]);
          for (int j = 0; j < m; j++) {
            y[i] += ki[i][j] * z[j];
          }
        }
        double[] he = new double[m2];
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < m; j++) {
            he[i * m + j] = y[i] * y[j] - ki[i][j];
          }
        }
        for (int ab = 0; ab < m2; ab++) {
          double ss = s[ab / m] * s[ab % m];
          double pp = dv[ab / m] * dv[ab % m];
          o[oS + ab] = ss;
          o[oP + ab] = pp;
          for (int gd = 0; gd < m2; gd++) {
            o[ab * m2 + gd] = ss * s[gd / m] * s[gd % m];
            o[oPs + ab * m2 + gd] = pp * s[gd / m] * s[gd % m];
            o[oPp + ab * m2 + gd] = pp * dv[gd / m] * dv[gd % m];
            o[oSh + ab * m2 + gd] = ss * he[gd];
            o[oPh + ab * m2 + gd] = pp * he[gd];
          }
          double ds = dv[ab / m] * s[ab % m];
          for (int g = 0; g < m; g++) {
            o[oDz + ab * m + g] = ds * z[g];
          }
        }
      });
      Layer next = spec.layer(l + 1);
      double cw = next.cw();
      double lw = next.lambdaW();
      double rho = (double) spec.width(l) / spec.width(l - 1);
      double[][] piS = new double[m2][m2];
      double[][] piD = new double[m2][m2];
      double[][] vf = new double[m2][m2];
      double[][] df = new double[m2][m2];
      double[][] af = new double[m2][m2];
      for (int p = 0; p < m2; p++) {
        for (int q = 0; q < m2; q++) {
          piS[p][q] = 0.5 * mo[oSh + p * m2 + q];
          piD[p][q] = 0.5 * mo[oPh + p * m2 + q];
          vf[p][q] = v[p / m][p % m][q / m][q % m];
          df[p][q] = dd[p / m][p % m][q / m][q % m];
          af[p][q] = aa[p / m][p % m][q / m][q % m];
        }
      }
      double[][][] lin = new double[m][m][m];
      for (int ab = 0; ab < m2; ab++) {
        for (int be = 0; be < m; be++) {
          double x = 0;
          for (int g = 0; g < m; g++) {
            x += mo[oDz + ab * m + g] * ki[g][be];
          }
          lin[ab / m][ab % m][be] = x;
        }
      }
      double[][][][] a2 = new double[m][m][m][m];
      double[][][][] b2 = new double[m][m][m][m];
      double[][][][] d2 = new double[m][m][m][m];
      double[][][][] f2 = new double[m][m][m][m];
      for (int ab = 0; ab < m2; ab++) {
        int a = ab / m;
        int b = ab % m;
        for (int gd = 0; gd < m2; gd++) {
          int g = gd / m;
          int e = gd % m;
          double vSS = 0;
          double vDS = 0;
          double vSD = 0;
          double vDD = 0;
          double dabS = 0; // D_{ab;x} Π_x[S_gd]
          double dabD = 0; // D_{ab;x} Π_x[P_gd]
          double dgdS = 0; // D_{gd;x} Π_x[S_ab]
          double dgdD = 0; // D_{gd;x} Π_x[P_ab]
          for (int x = 0; x < m2; x++) {
            dabS += df[ab][x] * piS[gd][x];
            dabD += df[ab][x] * piD[gd][x];
            dgdS += df[gd][x] * piS[ab][x];
            dgdD += df[gd][x] * piD[ab][x];
            for (int w = 0; w < m2; w++) {
              vSS += piS[ab][x] * vf[x][w] * piS[gd][w];
              vDS += piD[ab][x] * vf[x][w] * piS[gd][w];
              vSD += piS[ab][x] * vf[x][w] * piD[gd][w];
              vDD += piD[ab][x] * vf[x][w] * piD[gd][w];
            }
          }
          double ssss = mo[ab * m2 + gd];
          double ppss = mo[oPs + ab * m2 + gd];
          double sspp = mo[oPs + gd * m2 + ab];
          double pppp = mo[oPp + ab * m2 + gd];
          double sAb = mo[oS + ab];
          double sGd = mo[oS + gd];
          double pAb = mo[oP + ab];
          double pGd = mo[oP + gd];
          double xx = ssss - sAb * sGd + rho * vSS;
          double yx = th[a][b] * (ppss - pAb * sGd) + rho * th[a][b] * vDS + rho * pAb * dabS;
          double xy = th[g][e] * (sspp - sAb * pGd) + rho * th[g][e] * vSD + rho * pGd * dgdS;
          double yy = th[a][b] * th[g][e] * (pppp - pAb * pGd) + rho * th[a][b] * th[g][e] * vDD
              + rho * th[a][b] * pGd * dgdD + rho * pAb * th[g][e] * dabD + rho * pAb * pGd * af[ab][gd];
          a2[a][b][g][e] = lw * lw * xx + lw * cw * (yx + xy) + cw * cw * yy;
          d2[a][b][g][e] = lw * cw * xx + cw * cw * yx;
          b2[a][b][g][e] = cw * cw * (pppp * th[a][b] * th[g][e]
              + rho * mo[oP + a * m + g] * mo[oP + b * m + e] * bb[a][b][g][e]);
          double sf = 0;
          for (int x = 0; x < m; x++) {
            for (int w = 0; w < m; w++) {
              sf += ff[a][b][x][w] * lin[a][g][x] * lin[b][e][w];
            }
          }
          f2[a][b][g][e] = cw * cw * (th[a][b] * ppss + rho * sf);
        }
      }
      aa = a2;
      bb = b2;
      dd = d2;
      ff = f2;
      double[][][][][] now = {aa, bb, dd, ff};
      for (int o = 0; o < 4; o++) {
        for (int i1 = 0; i1 < m; i1++) {
          for (int i2 = 0; i2 < m; i2++) {
            for (int i3 = 0; i3 < m; i3++) {
              out[o][l][i1][i2][i3] = now[o][i1][i2][i3].clone();
            }
          }
        }
      }
    }
    return out;
  }

  private static void fill(double[][][][] t, double x) {
    for (double[][][] w : t) {
      for (double[][] u : w) {
        for (double[] r : u) {
          Arrays.fill(r, x);
        }
      }
    }
  }

  /**
   * K⁻¹, or null where K is singular: for two inputs the explicit 2×2 form with the pair test
   * det > 1e-12·K11·K22, else Gauss–Jordan with partial pivoting, null when a pivot falls below
   * 1e-12 of the largest diagonal entry.
   */
  static double[][] inverse(double[][] k) {
    int m = k.length;
    if (m == 2) {
      double det = k[0][0] * k[1][1] - k[0][1] * k[1][0];
      if (!(det > 1e-12 * k[0][0] * k[1][1])) {
        return null;
      }
      return new double[][] {{k[1][1] / det, -k[0][1] / det}, {-k[1][0] / det, k[0][0] / det}};
    }
    double scale = 0;
    for (int i = 0; i < m; i++) {
      scale = Math.max(scale, k[i][i]);
    }
    double[][] w = new double[m][2 * m];
    for (int i = 0; i < m; i++) {
      System.arraycopy(k[i], 0, w[i], 0, m);
      w[i][m + i] = 1;
    }
    for (int c = 0; c < m; c++) {
      int piv = c;
      for (int r = c + 1; r < m; r++) {
        if (Math.abs(w[r][c]) > Math.abs(w[piv][c])) {
          piv = r;
        }
      }
      if (!(Math.abs(w[piv][c]) > 1e-12 * scale)) {
        return null;
      }
      double[] t = w[piv];
      w[piv] = w[c];
      w[c] = t;
      for (int r = 0; r < m; r++) {
        if (r != c) {
          double f = w[r][c] / w[c][c];
          for (int j = c; j < 2 * m; j++) {
            w[r][j] -= f * w[c][j];
          }
        }
      }
    }
    double[][] inv = new double[m][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        inv[i][j] = w[i][m + j] / w[i][i];
      }
    }
    // symmetric by construction up to rounding; symmetrise so He2 is symmetric
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < i; j++) {
        double x = 0.5 * (inv[i][j] + inv[j][i]);
        inv[i][j] = x;
        inv[j][i] = x;
      }
    }
    return inv;
  }
}

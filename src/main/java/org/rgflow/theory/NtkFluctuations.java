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
 * unchanged); those on two distinct inputs a, b come from the two-input problem on (a, b) alone (the
 * network restricted to two inputs is the same network); NaN where three or more distinct inputs occur,
 * and not at all (null) above {@link DntkTheory#MAX_FULL_INPUTS} inputs. Pair recursions, with ⟨·⟩ over
 * (z_a, z_b) ~ N(0, K^{(ℓ)}), C_W, λ_W of layer ℓ+1, ρ = n_ℓ/n_{ℓ−1}, Π_{εζ}[O] = ½⟨O He2_{εζ}⟩,
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
    for (double[][][][][] x : t) {
      for (double[][][][] y : x) {
        for (double[][][] w : y) {
          for (double[][] u : w) {
            for (double[] r : u) {
              Arrays.fill(r, Double.NaN);
            }
          }
        }
      }
    }
    for (int l = 0; l < depth; l++) {
      TheoryLayer tl = layers.get(l);
      for (int a = 0; a < nd; a++) {
        t[0][l][a][a][a][a] = tl.a()[a];
        t[1][l][a][a][a][a] = tl.b()[a];
        t[2][l][a][a][a][a] = tl.d()[a];
        t[3][l][a][a][a][a] = tl.f()[a];
      }
    }
    for (int a = 0; a < nd; a++) {
      for (int b = a + 1; b < nd; b++) {
        double[][][][][][] p = pair(spec, layers, a, b);
        int[] idx = {a, b};
        for (int l = 0; l < depth; l++) {
          for (int c = 0; c < 16; c++) {
            int i1 = c >> 3 & 1;
            int i2 = c >> 2 & 1;
            int i3 = c >> 1 & 1;
            int i4 = c & 1;
            if (c == 0 || c == 15) {
              continue; // one distinct input: the single-input value
            }
            for (int o = 0; o < 4; o++) {
              t[o][l][idx[i1]][idx[i2]][idx[i3]][idx[i4]] = p[o][l][i1][i2][i3][i4];
            }
          }
        }
      }
    }
    return new Full(t[0], t[1], t[2], t[3]);
  }

  /**
   * The two-input problem on inputs (ia, ib): {A, B, D, F}[ℓ−1][i1][i2][i3][i4], i ∈ {0: ia, 1: ib}.
   * A pair with a singular kernel (identical or collinear inputs) copies the single-input values of ia.
   */
  static double[][][][][][] pair(NetworkSpec spec, List<TheoryLayer> layers, int ia, int ib) {
    int depth = layers.size();
    int[] idx = {ia, ib};
    double[][][][][][] out = new double[4][depth][2][2][2][2];
    double[][][][] aa = new double[2][2][2][2];
    double[][][][] bb = new double[2][2][2][2];
    double[][][][] dd = new double[2][2][2][2];
    double[][][][] ff = new double[2][2][2][2];
    Activation act = spec.activation();
    GaussQuadrature quad = new GaussQuadrature(act.kinks());
    for (int l = 1; l < depth; l++) {
      TheoryLayer tl = layers.get(l - 1).restrict(idx);
      double[][] k = tl.kernel();
      double[][] th = tl.theta();
      double[][][][] v = tl.v();
      double det = k[0][0] * k[1][1] - k[0][1] * k[1][0];
      if (!(det > 1e-12 * k[0][0] * k[1][1])) {
        TheoryLayer up = layers.get(l);
        double[][] one = {up.a(), up.b(), up.d(), up.f()};
        for (int o = 0; o < 4; o++) {
          for (int c = 0; c < 16; c++) {
            out[o][l][c >> 3 & 1][c >> 2 & 1][c >> 1 & 1][c & 1] = one[o][ia];
          }
        }
        // the recursion state stays the last regular one; later layers of a singular pair copy too
        continue;
      }
      double[][] ki = {{k[1][1] / det, -k[0][1] / det}, {-k[1][0] / det, k[0][0] / det}};
      // integrands (ab = a·2+b, gd = g·2+d): [0,16) σaσbσgσd, [16,32) σ′aσ′bσgσd, [32,48) σ′aσ′bσ′gσ′d,
      // [48,52) σaσb, [52,56) σ′aσ′b, [56,72) σaσb He2_gd, [72,88) σ′aσ′b He2_gd, [88,96) σ′aσb z_g
      double[] m = quad.expect(k, 96, (z, o) -> {
        double[] s = {act.value(z[0]), act.value(z[1])};
        double[] dv = {act.d1(z[0]), act.d1(z[1])};
        double y0 = ki[0][0] * z[0] + ki[0][1] * z[1];
        double y1 = ki[1][0] * z[0] + ki[1][1] * z[1];
        double h01 = y0 * y1 - ki[0][1];
        double[] he = {y0 * y0 - ki[0][0], h01, h01, y1 * y1 - ki[1][1]};
        for (int ab = 0; ab < 4; ab++) {
          double ss = s[ab >> 1] * s[ab & 1];
          double pp = dv[ab >> 1] * dv[ab & 1];
          o[48 + ab] = ss;
          o[52 + ab] = pp;
          for (int gd = 0; gd < 4; gd++) {
            o[ab * 4 + gd] = ss * s[gd >> 1] * s[gd & 1];
            o[16 + ab * 4 + gd] = pp * s[gd >> 1] * s[gd & 1];
            o[32 + ab * 4 + gd] = pp * dv[gd >> 1] * dv[gd & 1];
            o[56 + ab * 4 + gd] = ss * he[gd];
            o[72 + ab * 4 + gd] = pp * he[gd];
          }
          double ds = dv[ab >> 1] * s[ab & 1];
          o[88 + ab * 2] = ds * z[0];
          o[88 + ab * 2 + 1] = ds * z[1];
        }
      });
      Layer next = spec.layer(l + 1);
      double cw = next.cw();
      double lw = next.lambdaW();
      double rho = (double) spec.width(l) / spec.width(l - 1);
      double[][] piS = new double[4][4];
      double[][] piD = new double[4][4];
      double[][] vf = new double[4][4];
      double[][] df = new double[4][4];
      double[][] af = new double[4][4];
      for (int p = 0; p < 4; p++) {
        for (int q = 0; q < 4; q++) {
          piS[p][q] = 0.5 * m[56 + p * 4 + q];
          piD[p][q] = 0.5 * m[72 + p * 4 + q];
          vf[p][q] = v[p >> 1][p & 1][q >> 1][q & 1];
          df[p][q] = dd[p >> 1][p & 1][q >> 1][q & 1];
          af[p][q] = aa[p >> 1][p & 1][q >> 1][q & 1];
        }
      }
      double[][][] lin = new double[2][2][2];
      for (int ab = 0; ab < 4; ab++) {
        for (int be = 0; be < 2; be++) {
          lin[ab >> 1][ab & 1][be] = m[88 + ab * 2] * ki[0][be] + m[88 + ab * 2 + 1] * ki[1][be];
        }
      }
      double[][][][] a2 = new double[2][2][2][2];
      double[][][][] b2 = new double[2][2][2][2];
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
          double vSD = 0;
          double vDD = 0;
          double dabS = 0; // D_{ab;x} Π_x[S_gd]
          double dabD = 0; // D_{ab;x} Π_x[P_gd]
          double dgdS = 0; // D_{gd;x} Π_x[S_ab]
          double dgdD = 0; // D_{gd;x} Π_x[P_ab]
          for (int x = 0; x < 4; x++) {
            dabS += df[ab][x] * piS[gd][x];
            dabD += df[ab][x] * piD[gd][x];
            dgdS += df[gd][x] * piS[ab][x];
            dgdD += df[gd][x] * piD[ab][x];
            for (int y = 0; y < 4; y++) {
              vSS += piS[ab][x] * vf[x][y] * piS[gd][y];
              vDS += piD[ab][x] * vf[x][y] * piS[gd][y];
              vSD += piS[ab][x] * vf[x][y] * piD[gd][y];
              vDD += piD[ab][x] * vf[x][y] * piD[gd][y];
            }
          }
          double ssss = m[ab * 4 + gd];
          double ppss = m[16 + ab * 4 + gd];
          double sspp = m[16 + gd * 4 + ab];
          double pppp = m[32 + ab * 4 + gd];
          double sAb = m[48 + ab];
          double sGd = m[48 + gd];
          double pAb = m[52 + ab];
          double pGd = m[52 + gd];
          double xx = ssss - sAb * sGd + rho * vSS;
          double yx = th[a][b] * (ppss - pAb * sGd) + rho * th[a][b] * vDS + rho * pAb * dabS;
          double xy = th[g][e] * (sspp - sAb * pGd) + rho * th[g][e] * vSD + rho * pGd * dgdS;
          double yy = th[a][b] * th[g][e] * (pppp - pAb * pGd) + rho * th[a][b] * th[g][e] * vDD
              + rho * th[a][b] * pGd * dgdD + rho * pAb * th[g][e] * dabD + rho * pAb * pGd * af[ab][gd];
          a2[a][b][g][e] = lw * lw * xx + lw * cw * (yx + xy) + cw * cw * yy;
          d2[a][b][g][e] = lw * cw * xx + cw * cw * yx;
          b2[a][b][g][e] = cw * cw * (pppp * th[a][b] * th[g][e]
              + rho * m[52 + a * 2 + g] * m[52 + b * 2 + e] * bb[a][b][g][e]);
          double sf = 0;
          for (int x = 0; x < 2; x++) {
            for (int y = 0; y < 2; y++) {
              sf += ff[a][b][x][y] * lin[a][g][x] * lin[b][e][y];
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
        for (int c = 0; c < 16; c++) {
          int i1 = c >> 3 & 1;
          int i2 = c >> 2 & 1;
          int i3 = c >> 1 & 1;
          int i4 = c & 1;
          out[o][l][i1][i2][i3][i4] = now[o][i1][i2][i3][i4];
        }
      }
    }
    return out;
  }
}

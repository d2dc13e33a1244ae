package org.rgflow.theory;

import java.util.List;
import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.layer.Layer;
import org.rgflow.spec.NetworkSpec;

/**
 * The dNTK–preactivation correlators P and Q at leading order (PDLT ch. 11; docs/THEORY.md §16), for
 * each input α on its own (the single-input tensors, like A, B, D, F):
 * E[dΘ̂_{i0i1i2} z_{i3}] = (1/n_{ℓ−1})[δ_{i0i3}δ_{i1i2} P + (δ_{i0i1}δ_{i2i3} + δ_{i0i2}δ_{i1i3}) Q].
 * With ⟨·⟩ at K^{(ℓ)}, C_W, λ_W of layer ℓ+1 and ρ = n_ℓ/n_{ℓ−1}:
 *
 * <pre>
 * P' = C_W² Θ² ⟨σσ′²σ″⟩ + ρ [C_W χ⊥ ⟨σσ″⟩ B + χ∥ χ⊥ P]
 * Q' = λ_W C_W Θ ⟨σ′²σ²⟩ + C_W² Θ² ⟨σσ′²σ″⟩ + ρ [χ∥ ω F + χ∥ χ⊥ Q]
 * ω  = λ_W ∂_K⟨σ²⟩ + C_W Θ ⟨zσ′σ″⟩/K,   P^{(1)} = Q^{(1)} = 0
 * </pre>
 *
 * σ″ is the regular part (what a network's second derivative is almost surely); the activations with
 * kinks have them at 0 only, where σσ″ and zσ′σ″ carry no delta. Dense layers only.
 */
public final class DntkTheory {
  private DntkTheory() {}

  /** P and Q per layer (index ℓ−1) and input. */
  public record Result(double[][] p, double[][] q) {}

  /** Why P and Q are not computed for {@code spec}, or null when they are. */
  public static String unsupported(NetworkSpec spec) {
    if (spec.activation().derivativeIsSingular()) {
      return "sigma' of " + spec.activation().name() + " is a Dirac delta";
    }
    for (Layer l : spec.layers()) {
      if (!l.plainMlp()) {
        return "the dNTK recursion is derived for dense layers only";
      }
    }
    return null;
  }

  /**
   * P, Q at layers 1..layers.size() from the recursions' per-layer K, Θ, B, F.
   *
   * @param layers the theory's layers 1.. (at least up to the last one wanted)
   */
  public static Result single(NetworkSpec spec, List<TheoryLayer> layers) {
    int depth = layers.size();
    int nd = layers.get(0).kernel().length;
    double[][] p = new double[depth][nd];
    double[][] q = new double[depth][nd];
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
        double[] m = averages(act, quad, k);
        double chiPar = cw * m[3];
        double chiPerp = cw * m[2];
        double omega = lw * m[3] + cw * th * m[4];
        p[l][a] = cw * cw * th * th * m[0]
            + rho * (cw * chiPerp * m[1] * tl.b()[a] + chiPar * chiPerp * p[l - 1][a]);
        q[l][a] = lw * cw * th * m[5] + cw * cw * th * th * m[0]
            + rho * (chiPar * omega * tl.f()[a] + chiPar * chiPerp * q[l - 1][a]);
      }
    }
    return new Result(p, q);
  }

  /**
   * The full tensors P_{α0α1α2α3} and Q_{α0α1α2α3} per layer (index ℓ−1), [ℓ−1][α0][α1][α2][α3]:
   * components with one distinct input from {@link #single}, those with two distinct inputs a, b from
   * the two-input problem on (a, b) alone (exact: the network on inputs a, b is the same network), those
   * with three or four distinct inputs S from the problem on S alone ({@link #subset}: the same
   * recursions with every index over S, one |S|-dimensional average per layer); off the diagonal NaN
   * above {@link #MAX_FULL_INPUTS} inputs and where a subset of three or four distinct inputs has a
   * singular kernel. Identical inputs (equal layer-1 K and Θ) are merged first ({@link
   * DistinctInputs}), so (x, x, y) gives the pair (x, y)'s values. For each subset, with ⟨·⟩ over z_S ~ N(0, K),
   * L[f]_β = Σ_γ ⟨f z_γ⟩ K^{γβ}, subscripts 0..3 for α0..α3, ρ on every term carried from below:
   *
   * <pre>
   * B'_{12;34} = C_W² [⟨σ′1σ′2σ′3σ′4⟩ Θ12 Θ34 + ρ ⟨σ′1σ′3⟩⟨σ′2σ′4⟩ B_{12;34}]
   * F'_{12;34} = C_W² [Θ12 ⟨σ′1σ′2σ3σ4⟩ + ρ Σ F_{12;β1β2} L[σ′1σ3]_β1 L[σ′2σ4]_β2]
   * P'_{0123}  = C_W² [Θ01 Θ02 ⟨σ″0σ′1σ′2σ3⟩ + ρ ⟨σ″0σ3⟩⟨σ′1σ′2⟩ B_{01;02} + ρ ⟨σ′1σ′2⟩ Σ_β P_{012β} L[σ′0σ3]_β]
   * Q'_{0123}  = λ_W C_W [Θ02 ⟨σ′0σ1σ′2σ3⟩ + ρ Σ F_{02;β1β2} L[σ′0σ1]_β1 L[σ′2σ3]_β2]
   *            + C_W² [Θ01 Θ02 ⟨σ″0σ′1σ′2σ3⟩ + ρ Θ01 Σ F_{02;β1β2} L[σ″0σ′1]_β1 L[σ′2σ3]_β2]
   *            + ρ C_W² ⟨σ′0σ′1⟩ Σ_β Q_{012β} L[σ′2σ3]_β
   * </pre>
   *
   * B_{12;34} = n E[Θ̂_{ik;12} Θ̂_{ik;34}] and F_{12;34} = n E[Θ̂_{ik;12} z_{i;3} z_{k;4}] (i ≠ k) are the
   * multi-input tensors of §6. A pair of distinct inputs whose kernel is singular (collinear) copies the
   * single-input values.
   */
  public static Full full(NetworkSpec spec, List<TheoryLayer> layers) {
    int depth = layers.size();
    int nd = layers.get(0).kernel().length;
    Result one = single(spec, layers);
    double[][][][][] p = new double[depth][nd][nd][nd][nd];
    double[][][][][] q = new double[depth][nd][nd][nd][nd];
    for (int l = 0; l < depth; l++) {
      for (double[][][] x : p[l]) {
        for (double[][] y : x) {
          for (double[] w : y) {
            java.util.Arrays.fill(w, Double.NaN);
          }
        }
      }
      for (double[][][] x : q[l]) {
        for (double[][] y : x) {
          for (double[] w : y) {
            java.util.Arrays.fill(w, Double.NaN);
          }
        }
      }
      for (int a = 0; a < nd; a++) {
        p[l][a][a][a][a] = one.p()[l][a];
        q[l][a][a][a][a] = one.q()[l][a];
      }
    }
    if (nd > MAX_FULL_INPUTS) {
      return new Full(p, q);
    }
    // identical inputs (equal layer-1 K and Θ) are one input; every component from the problem on
    // exactly its distinct inputs: one input from single(), pairs by pair(), three or four by subset()
    int[] rep = DistinctInputs.representatives(layers.get(0));
    DistinctInputs.fill(rep, new double[][][][][][] {p, q}, idx -> {
      if (idx.length == 1) {
        double[][][][][] p1 = new double[depth][1][1][1][1];
        double[][][][][] q1 = new double[depth][1][1][1][1];
        for (int l = 0; l < depth; l++) {
          p1[l][0][0][0][0] = one.p()[l][idx[0]];
          q1[l][0][0][0][0] = one.q()[l][idx[0]];
        }
        return new double[][][][][][] {p1, q1};
      }
      return idx.length == 2 ? pair(spec, layers, idx[0], idx[1], one) : subset(spec, layers, idx, null);
    });
    return new Full(p, q);
  }

  /**
   * Above this many inputs only the single-input (diagonal) components are computed (one 2-D
   * quadrature per pair and layer: N_D(N_D−1)/2 of them).
   */
  public static final int MAX_FULL_INPUTS = 4;

  /** The full tensors P and Q, [ℓ−1][α0][α1][α2][α3]. */
  public record Full(double[][][][][] p, double[][][][][] q) {}

  /** Two-input sub-problem on inputs (a, b): {P, Q}[ℓ−1][i0][i1][i2][i3] over i ∈ {0: a, 1: b}. */
  static double[][][][][][] pair(NetworkSpec spec, List<TheoryLayer> layers, int ia, int ib, Result one) {
    int depth = layers.size();
    int[] idx = {ia, ib};
    double[][][][][] p = new double[depth][2][2][2][2];
    double[][][][][] q = new double[depth][2][2][2][2];
    double[][][][] bt = new double[2][2][2][2];
    double[][][][] ft = new double[2][2][2][2];
    Activation act = spec.activation();
    GaussQuadrature quad = new GaussQuadrature(act.kinks());
    for (int l = 1; l < depth; l++) {
      TheoryLayer tl = layers.get(l - 1).restrict(idx);
      double[][] k = tl.kernel();
      double[][] th = tl.theta();
      double det = k[0][0] * k[1][1] - k[0][1] * k[1][0];
      if (!(det > 1e-12 * k[0][0] * k[1][1])) {
        // identical (or collinear) inputs: every component is the single-input value
        for (int[] c : comps()) {
          p[l][c[0]][c[1]][c[2]][c[3]] = one.p()[l][ia];
          q[l][c[0]][c[1]][c[2]][c[3]] = one.q()[l][ia];
        }
        continue;
      }
      double[][] kinv = {{k[1][1] / det, -k[0][1] / det}, {-k[1][0] / det, k[0][0] / det}};
      double[] m = quad.expect(k, 88, (z, out) -> integrands(act, z, out));
      Layer next = spec.layer(l + 1);
      double cw = next.cw();
      double lw = next.lambdaW();
      double rho = (double) spec.width(l) / spec.width(l - 1);
      // unpack
      double[][][][] i1 = new double[2][2][2][2];
      double[][][][] i6 = new double[2][2][2][2];
      double[][][][] i7 = new double[2][2][2][2];
      double[][][][] i8 = new double[2][2][2][2];
      double[][] i2 = new double[2][2];
      double[][] i3 = new double[2][2];
      double[][][] l4 = new double[2][2][2];
      double[][][] l5 = new double[2][2][2];
      for (int[] c : comps()) {
        int f = ((c[0] * 2 + c[1]) * 2 + c[2]) * 2 + c[3];
        i1[c[0]][c[1]][c[2]][c[3]] = m[f];
        i6[c[0]][c[1]][c[2]][c[3]] = m[16 + f];
        i7[c[0]][c[1]][c[2]][c[3]] = m[32 + f];
        i8[c[0]][c[1]][c[2]][c[3]] = m[48 + f];
      }
      for (int x = 0; x < 2; x++) {
        for (int y = 0; y < 2; y++) {
          i2[x][y] = m[64 + x * 2 + y];
          i3[x][y] = m[68 + x * 2 + y];
          for (int be = 0; be < 2; be++) {
            double s4 = 0;
            double s5 = 0;
            for (int g = 0; g < 2; g++) {
              s4 += m[72 + (x * 2 + y) * 2 + g] * kinv[g][be];
              s5 += m[80 + (x * 2 + y) * 2 + g] * kinv[g][be];
            }
            l4[x][y][be] = s4;
            l5[x][y][be] = s5;
          }
        }
      }
      double[][][][] b2 = new double[2][2][2][2];
      double[][][][] f2 = new double[2][2][2][2];
      for (int[] c : comps()) {
        int a1 = c[0];
        int a2 = c[1];
        int a3 = c[2];
        int a4 = c[3];
        b2[a1][a2][a3][a4] = cw * cw * (i7[a1][a2][a3][a4] * th[a1][a2] * th[a3][a4]
            + rho * i3[a1][a3] * i3[a2][a4] * bt[a1][a2][a3][a4]);
        double sf = 0;
        for (int b1 = 0; b1 < 2; b1++) {
          for (int bb = 0; bb < 2; bb++) {
            sf += ft[a1][a2][b1][bb] * l4[a1][a3][b1] * l4[a2][a4][bb];
          }
        }
        f2[a1][a2][a3][a4] = cw * cw * (th[a1][a2] * i8[a1][a2][a3][a4] + rho * sf);
      }
      for (int[] c : comps()) {
        int a0 = c[0];
        int a1 = c[1];
        int a2 = c[2];
        int a3 = c[3];
        double sp = 0;
        double sq = 0;
        for (int be = 0; be < 2; be++) {
          sp += p[l - 1][a0][a1][a2][be] * l4[a0][a3][be];
          sq += q[l - 1][a0][a1][a2][be] * l4[a2][a3][be];
        }
        double fa = 0;
        double fb = 0;
        for (int b1 = 0; b1 < 2; b1++) {
          for (int bb = 0; bb < 2; bb++) {
            fa += ft[a0][a2][b1][bb] * l4[a0][a1][b1] * l4[a2][a3][bb];
            fb += ft[a0][a2][b1][bb] * l5[a0][a1][b1] * l4[a2][a3][bb];
          }
        }
        p[l][a0][a1][a2][a3] = cw * cw * (th[a0][a1] * th[a0][a2] * i1[a0][a1][a2][a3]
            + rho * i2[a0][a3] * i3[a1][a2] * bt[a0][a1][a0][a2] + rho * i3[a1][a2] * sp);
        q[l][a0][a1][a2][a3] = lw * cw * (th[a0][a2] * i6[a0][a1][a2][a3] + rho * fa)
            + cw * cw * (th[a0][a1] * th[a0][a2] * i1[a0][a1][a2][a3] + rho * th[a0][a1] * fb)
            + rho * cw * cw * i3[a0][a1] * sq;
      }
      bt = b2;
      ft = f2;
    }
    return new double[][][][][][] {p, q};
  }

  /**
   * The problem on the m = idx.length ≥ 2 inputs idx (the pair recursions of {@link #full} with every
   * index over idx; B and F on idx carried alongside): {P, Q}[ℓ−1][i0][i1][i2][i3], i indexing idx.
   * One m-dimensional average per layer over z_idx ~ N(0, K_idx) (rule null: GaussQuadrature's default
   * for m). A singular K_idx leaves every component NaN from that layer on (identical inputs are merged
   * by {@link #full} before).
   */
  static double[][][][][][] subset(NetworkSpec spec, List<TheoryLayer> layers, int[] idx,
      GaussQuadrature.Rule rule) {
    int depth = layers.size();
    int m = idx.length;
    int m2 = m * m;
    int m3 = m2 * m;
    int m4 = m2 * m2;
    double[][][][][] p = new double[depth][m][m][m][m];
    double[][][][][] q = new double[depth][m][m][m][m];
    double[][][][] bt = new double[m][m][m][m];
    double[][][][] ft = new double[m][m][m][m];
    Activation act = spec.activation();
    GaussQuadrature quad = new GaussQuadrature(act.kinks());
    boolean dead = false;
    // integrands (flat ((a·m+b)·m+c)·m+d): [0,m⁴) σ″aσ′bσ′cσd, then σ′aσbσ′cσd, σ′aσ′bσ′cσ′d,
    // σ′aσ′bσcσd (m⁴ each), σ″aσb, σ′aσ′b (m² each), σ′aσb z_c, σ″aσ′b z_c (m³ each)
    int o6 = m4;
    int o7 = 2 * m4;
    int o8 = 3 * m4;
    int o2 = 4 * m4;
    int o3 = o2 + m2;
    int o4 = o3 + m2;
    int o5 = o4 + m3;
    int count = o5 + m3;
    for (int l = 1; l < depth; l++) {
      TheoryLayer tl = layers.get(l - 1).restrict(idx);
      double[][] k = tl.kernel();
      double[][] th = tl.theta();
      double[][] ki = dead ? null : NtkFluctuations.inverse(k);
      if (ki == null) {
        dead = true;
        for (int x = 0; x < m4; x++) {
          p[l][x / m3][x / m2 % m][x / m % m][x % m] = Double.NaN;
          q[l][x / m3][x / m2 % m][x / m % m][x % m] = Double.NaN;
        }
        continue;
      }
      GaussQuadrature.Integrand fn = (z, o) -> {
        double[] s = new double[m];
        double[] d = new double[m];
        double[] e = new double[m];
        for (int i = 0; i < m; i++) {
          s[i] = act.value(z[i]);
          d[i] = act.d1(z[i]);
          e[i] = act.d2(z[i]);
        }
        for (int a = 0; a < m; a++) {
          for (int b = 0; b < m; b++) {
            int ab = a * m + b;
            double edb = e[a] * d[b];
            double dsb = d[a] * s[b];
            double ddb = d[a] * d[b];
            o[o2 + ab] = e[a] * s[b];
            o[o3 + ab] = ddb;
            for (int c = 0; c < m; c++) {
              int abc = ab * m + c;
              o[o4 + abc] = dsb * z[c];
              o[o5 + abc] = edb * z[c];
              for (int x = 0; x < m; x++) {
                int f = abc * m + x;
                o[f] = edb * d[c] * s[x];
                o[o6 + f] = dsb * d[c] * s[x];
                o[o7 + f] = ddb * d[c] * d[x];
                o[o8 + f] = ddb * s[c] * s[x];
              }
            }
          }
        }
      };
      double[] mo = rule == null ? quad.expect(k, count, fn) : quad.expect(k, count, fn, rule);
      Layer next = spec.layer(l + 1);
      double cw = next.cw();
      double lw = next.lambdaW();
      double rho = (double) spec.width(l) / spec.width(l - 1);
      // L[σ′aσb]_β and L[σ″aσ′b]_β
      double[][][] l4 = new double[m][m][m];
      double[][][] l5 = new double[m][m][m];
      for (int ab = 0; ab < m2; ab++) {
        for (int be = 0; be < m; be++) {
          double s4 = 0;
          double s5 = 0;
          for (int g = 0; g < m; g++) {
            s4 += mo[o4 + ab * m + g] * ki[g][be];
            s5 += mo[o5 + ab * m + g] * ki[g][be];
          }
          l4[ab / m][ab % m][be] = s4;
          l5[ab / m][ab % m][be] = s5;
        }
      }
      double[][][][] b2 = new double[m][m][m][m];
      double[][][][] f2 = new double[m][m][m][m];
      for (int x = 0; x < m4; x++) {
        int a0 = x / m3;
        int a1 = x / m2 % m;
        int a2 = x / m % m;
        int a3 = x % m;
        // B', F' on (a0 a1; a2 a3)
        b2[a0][a1][a2][a3] = cw * cw * (mo[o7 + x] * th[a0][a1] * th[a2][a3]
            + rho * mo[o3 + a0 * m + a2] * mo[o3 + a1 * m + a3] * bt[a0][a1][a2][a3]);
        double sf = 0;
        for (int b1 = 0; b1 < m; b1++) {
          for (int bb = 0; bb < m; bb++) {
            sf += ft[a0][a1][b1][bb] * l4[a0][a2][b1] * l4[a1][a3][bb];
          }
        }
        f2[a0][a1][a2][a3] = cw * cw * (th[a0][a1] * mo[o8 + x] + rho * sf);
        // P', Q' on (a0 a1 a2 a3)
        double sp = 0;
        double sq = 0;
        for (int be = 0; be < m; be++) {
          sp += p[l - 1][a0][a1][a2][be] * l4[a0][a3][be];
          sq += q[l - 1][a0][a1][a2][be] * l4[a2][a3][be];
        }
        double fa = 0;
        double fb = 0;
        for (int b1 = 0; b1 < m; b1++) {
          for (int bb = 0; bb < m; bb++) {
            fa += ft[a0][a2][b1][bb] * l4[a0][a1][b1] * l4[a2][a3][bb];
            fb += ft[a0][a2][b1][bb] * l5[a0][a1][b1] * l4[a2][a3][bb];
          }
        }
        double i3a1a2 = mo[o3 + a1 * m + a2];
        p[l][a0][a1][a2][a3] = cw * cw * (th[a0][a1] * th[a0][a2] * mo[x]
            + rho * mo[o2 + a0 * m + a3] * i3a1a2 * bt[a0][a1][a0][a2] + rho * i3a1a2 * sp);
        q[l][a0][a1][a2][a3] = lw * cw * (th[a0][a2] * mo[o6 + x] + rho * fa)
            + cw * cw * (th[a0][a1] * th[a0][a2] * mo[x] + rho * th[a0][a1] * fb)
            + rho * cw * cw * mo[o3 + a0 * m + a1] * sq;
      }
      bt = b2;
      ft = f2;
    }
    return new double[][][][][][] {p, q};
  }

  private static int[][] comps() {
    int[][] c = new int[16][];
    for (int f = 0; f < 16; f++) {
      c[f] = new int[] {f >> 3 & 1, f >> 2 & 1, f >> 1 & 1, f & 1};
    }
    return c;
  }

  /**
   * At (z_0, z_1): [0,16) σ″0σ′1σ′2σ3, [16,32) σ′0σ1σ′2σ3, [32,48) σ′1σ′2σ′3σ′4, [48,64) σ′1σ′2σ3σ4 (flat
   * index ((a·2+b)·2+c)·2+d), [64,68) σ″aσb, [68,72) σ′aσ′b, [72,80) σ′aσb z_g, [80,88) σ″aσ′b z_g.
   */
  private static void integrands(Activation act, double[] z, double[] out) {
    double[] s = {act.value(z[0]), act.value(z[1])};
    double[] d = {act.d1(z[0]), act.d1(z[1])};
    double[] e = {act.d2(z[0]), act.d2(z[1])};
    for (int f = 0; f < 16; f++) {
      int a = f >> 3 & 1;
      int b = f >> 2 & 1;
      int c = f >> 1 & 1;
      int x = f & 1;
      out[f] = e[a] * d[b] * d[c] * s[x];
      out[16 + f] = d[a] * s[b] * d[c] * s[x];
      out[32 + f] = d[a] * d[b] * d[c] * d[x];
      out[48 + f] = d[a] * d[b] * s[c] * s[x];
    }
    for (int a = 0; a < 2; a++) {
      for (int b = 0; b < 2; b++) {
        out[64 + a * 2 + b] = e[a] * s[b];
        out[68 + a * 2 + b] = d[a] * d[b];
        for (int g = 0; g < 2; g++) {
          out[72 + (a * 2 + b) * 2 + g] = d[a] * s[b] * z[g];
          out[80 + (a * 2 + b) * 2 + g] = e[a] * d[b] * z[g];
        }
      }
    }
  }

  /**
   * ⟨σσ′²σ″⟩, ⟨σσ″⟩, ⟨σ′²⟩, ∂_K⟨σ²⟩ = ⟨σ²(z²−K)⟩/(2K²), ⟨zσ′σ″⟩/K, ⟨σ′²σ²⟩ at K.
   */
  static double[] averages(Activation act, GaussQuadrature quad, double k) {
    double[] m = quad.expect(new double[][] {{k}}, 6, (z, out) -> {
      double x = z[0];
      double s = act.value(x);
      double d = act.d1(x);
      double dd = act.d2(x);
      out[0] = s * d * d * dd;
      out[1] = s * dd;
      out[2] = d * d;
      out[3] = s * s * (x * x - k);
      out[4] = x * d * dd;
      out[5] = d * d * s * s;
    });
    m[3] /= 2 * k * k;
    m[4] /= k;
    return m;
  }
}

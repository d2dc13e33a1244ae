package org.rgflow.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.Predictions;

/**
 * The theory's single-input P and Q (docs/THEORY.md §16) against an independent implementation kept
 * here: its own K, Θ, B, F, P, Q recursions in the multi-input formulation reduced to one input
 * (linear-response factors ⟨σ′σz⟩/K instead of χ∥ and ω; ⟨σ″σ⟩⟨σ′²⟩ instead of χ∥ − χ⊥), with σ, σ′, σ″
 * written out by hand and Gaussian averages by composite Simpson on each half-line (exact across
 * relu's kink). Agreement to 1e-6 relative.
 */
class DntkTheoryTest {
  private static final double TOL = 1e-6;

  /** σ, σ′, σ″ written independently of the act package. */
  record Act(DoubleUnaryOperator s, DoubleUnaryOperator d, DoubleUnaryOperator dd) {}

  static final Act TANH = new Act(Math::tanh, z -> 1 - Math.tanh(z) * Math.tanh(z),
      z -> -2 * Math.tanh(z) * (1 - Math.tanh(z) * Math.tanh(z)));
  static final Act SIN = new Act(Math::sin, Math::cos, z -> -Math.sin(z));
  static final Act RELU = new Act(z -> z > 0 ? z : 0, z -> z > 0 ? 1 : 0, z -> 0);

  /** E f(z), z ~ N(0, k): Simpson on [−12√k, 0] and [0, 12√k]. */
  static double mean(double k, DoubleUnaryOperator f) {
    int n = 6000;
    double a = 12 * Math.sqrt(k);
    double h = a / n;
    double sum = 0;
    for (int side = -1; side <= 1; side += 2) {
      for (int i = 0; i <= n; i++) {
        double z = side * (i == 0 ? 1e-300 : i * h); // one-sided limit at the kink
        double w = i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2);
        sum += w * f.applyAsDouble(z) * Math.exp(-z * z / (2 * k));
      }
    }
    return sum * h / 3 / Math.sqrt(2 * Math.PI * k);
  }

  /** [ℓ−1][0: P, 1: Q] by the reference recursions. */
  static double[][] reference(Act act, double g, int[] w, int n0, double[] cb, double[] cw, double[] lb,
      double[] lw) {
    int depth = w.length;
    double[][] out = new double[depth][2];
    double k = cb[0] + cw[0] * g;
    double th = lb[0] + lw[0] * g;
    double b = 0;
    double f = 0;
    double p = 0;
    double q = 0;
    for (int l = 1; l < depth; l++) {
      double c = cw[l];
      double rho = (double) w[l - 1] / (l >= 2 ? w[l - 2] : n0);
      final double kk = k;
      DoubleUnaryOperator s = act.s();
      DoubleUnaryOperator d = act.d();
      DoubleUnaryOperator dd = act.dd();
      double ss = mean(k, z -> s.applyAsDouble(z) * s.applyAsDouble(z));
      double d2 = mean(k, z -> d.applyAsDouble(z) * d.applyAsDouble(z));
      double d4 = mean(k, z -> Math.pow(d.applyAsDouble(z), 4));
      double d2s2 = mean(k, z -> Math.pow(d.applyAsDouble(z) * s.applyAsDouble(z), 2));
      double lin = mean(k, z -> d.applyAsDouble(z) * s.applyAsDouble(z) * z) / kk; // L[σ′σ]
      double linD = mean(k, z -> dd.applyAsDouble(z) * d.applyAsDouble(z) * z) / kk; // L[σ″σ′]
      double s2dd = mean(k, z -> dd.applyAsDouble(z) * d.applyAsDouble(z) * d.applyAsDouble(z)
          * s.applyAsDouble(z));
      double sdd = mean(k, z -> dd.applyAsDouble(z) * s.applyAsDouble(z));
      double p2 = c * c * (th * th * s2dd + rho * sdd * d2 * b + rho * d2 * p * lin);
      double q2 = lw[l] * c * (th * d2s2 + rho * f * lin * lin)
          + c * c * (th * th * s2dd + rho * th * f * linD * lin) + rho * c * c * d2 * q * lin;
      double f2 = c * c * th * d2s2 + rho * c * c * lin * lin * f;
      double b2 = c * c * th * th * d4 + rho * c * c * d2 * d2 * b;
      double th2 = lb[l] + lw[l] * ss + c * d2 * th;
      k = cb[l] + c * ss;
      th = th2;
      b = b2;
      f = f2;
      p = p2;
      q = q2;
      out[l][0] = p;
      out[l][1] = q;
    }
    return out;
  }

  static void check(String actName, Act act, int[] w, double[] cb, double[] cw, double[] lb,
      double[] lw, double[] x) {
    int n0 = x.length;
    NetworkSpec spec = new NetworkSpec(n0, w, Activations.parse(actName), cb, cw, lb, lw);
    double g = 0;
    for (double v : x) {
      g += v * v;
    }
    g /= n0;
    double[][] ref = reference(act, g, w, n0, cb, cw, lb, lw);
    var layers = Predictions.compute(spec, new Inputs(new double[][] {x})).layers();
    for (int l = 1; l <= w.length; l++) {
      LayerValues lv = layers.get(l - 1);
      double p = lv.theory().get(Obs.P).get(0, 0, 0, 0);
      double q = lv.theory().get(Obs.Q).get(0, 0, 0, 0);
      double scale = Math.max(1e-300, Math.max(Math.abs(ref[l - 1][0]), Math.abs(ref[l - 1][1])));
      assertEquals(ref[l - 1][0], p, TOL * scale, actName + " P layer " + l);
      assertEquals(ref[l - 1][1], q, TOL * scale, actName + " Q layer " + l);
      if (l == 1) {
        assertEquals(0, p, 0);
        assertEquals(0, q, 0);
      }
    }
  }

  static double[] fill(int n, double v) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  @Test
  void genericTanhAgreesWithReference() {
    int l = 6;
    check("tanh", TANH, new int[] {8, 8, 8, 8, 8, 8}, fill(l, 0.2), fill(l, 1.5), fill(l, 0.5),
        fill(l, 1.0), new double[] {0.9, -0.4, 1.1});
    // not vacuous: P and Q are O(1) here
    NetworkSpec spec = NetworkSpec.uniform(3, 8, 3, Activations.parse("tanh"), 0.2, 1.5, 0.5, 1.0);
    var lv = Predictions.compute(spec, new Inputs(new double[][] {{0.9, -0.4, 1.1}})).layers().get(2);
    assertTrue(Math.abs(lv.theory().get(Obs.P).get(0, 0, 0, 0)) > 0.1);
    assertTrue(Math.abs(lv.theory().get(Obs.Q).get(0, 0, 0, 0)) > 0.05);
  }

  @Test
  void perLayerParametersAndUnequalWidths() {
    check("tanh", TANH, new int[] {8, 16, 12, 20, 10}, new double[] {0.2, 0.1, 0.3, 0.2, 0.25},
        new double[] {1.5, 1.2, 1.8, 1.5, 1.0}, new double[] {0.5, 0.4, 0.3, 0.6, 0.5},
        new double[] {1.0, 0.7, 1.3, 0.9, 1.1}, new double[] {0.8, 1.2});
    check("sin", SIN, new int[] {30, 10, 40, 20}, new double[] {0.1, 0.0, 0.2, 0.1},
        new double[] {1.0, 1.3, 0.8, 1.1}, new double[] {0.2, 0.5, 0.4, 0.3},
        new double[] {1.0, 0.5, 2.0, 1.0}, new double[] {0.7, -0.5});
  }

  @Test
  void criticalSinAgreesWithReference() {
    int l = 8;
    check("sin", SIN, fillInt(l, 16), fill(l, 0), fill(l, 1), fill(l, 0.5), fill(l, 1),
        new double[] {1.2, 0.3});
  }

  @Test
  void criticalReluAgreesWithReferenceAndClosedForm() {
    int l = 8;
    double[] x = {1.0, 0.6, -0.8};
    check("relu", RELU, fillInt(l, 16), fill(l, 0), fill(l, 2), fill(l, 0.5), fill(l, 1), x);
    // closed form: P = 0, Q = r κ θ0² (ℓ−1)ℓ(ℓ+1)/6 with κ = 2, θ0 = λ_b + λ_W K/2, r = λ_W K/(2 θ0)
    NetworkSpec spec = NetworkSpec.uniform(3, 16, l, Activations.parse("relu"), 0, 2, 0.5, 1);
    var layers = Predictions.compute(spec, new Inputs(new double[][] {x})).layers();
    double k = 2 * (1.0 + 0.36 + 0.64) / 3;
    double th0 = 0.5 + k / 2;
    double r = k / 2 / th0;
    for (int ell = 1; ell <= l; ell++) {
      LayerValues lv = layers.get(ell - 1);
      assertEquals(0, lv.theory().get(Obs.P).get(0, 0, 0, 0), 0, "relu P = 0");
      double q = r * 2 * th0 * th0 * (ell - 1) * ell * (ell + 1) / 6.0;
      assertEquals(q, lv.theory().get(Obs.Q).get(0, 0, 0, 0), 1e-9 * Math.max(1, q), "relu Q layer " + ell);
    }
  }

  static int[] fillInt(int n, int v) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  // --- two inputs: all 16 components of P and Q --------------------------------------------------

  /**
   * E f(z_0, z_1) over N(0, K) in polar coordinates of the whitened variables: z = L r (cos φ, sin φ),
   * Simpson in r on [0, 12] and in φ on the arcs between the angles where z_0 or z_1 changes sign
   * (exact across relu's kinks). f writes {@code m} values.
   */
  static double[] mean2(double[][] k, int m, java.util.function.BiConsumer<double[], double[]> f) {
    double l00 = Math.sqrt(k[0][0]);
    double l10 = k[1][0] / l00;
    double l11 = Math.sqrt(k[1][1] - l10 * l10);
    // z_0 = l00 r cos φ, z_1 = r (l10 cos φ + l11 sin φ)
    double[] cuts = {Math.PI / 2, 3 * Math.PI / 2, norm(Math.atan2(-l10, l11)),
        norm(Math.atan2(-l10, l11) + Math.PI)};
    java.util.Arrays.sort(cuts);
    double[] res = new double[m];
    double[] val = new double[m];
    double[] z = new double[2];
    int nr = 600;
    double hr = 12.0 / nr;
    int np = 160;
    for (int seg = 0; seg < 4; seg++) {
      double a = cuts[seg];
      double b = seg < 3 ? cuts[seg + 1] : cuts[0] + 2 * Math.PI;
      double hp = (b - a) / np;
      double scale = hp / 3 * hr / 3 / (2 * Math.PI);
      for (int ip = 0; ip <= np; ip++) {
        // just inside the arc at its ends (one-sided limit at a kink)
        double phi = ip == 0 ? a + 1e-12 : ip == np ? b - 1e-12 : a + ip * hp;
        double wp = ip == 0 || ip == np ? 1 : (ip % 2 == 1 ? 4 : 2);
        double c = Math.cos(phi);
        double sn = Math.sin(phi);
        for (int ir = 1; ir <= nr; ir++) { // the r = 0 end has weight r = 0
          double r = ir * hr;
          double wr = ir == nr ? 1 : (ir % 2 == 1 ? 4 : 2);
          z[0] = l00 * r * c;
          z[1] = r * (l10 * c + l11 * sn);
          f.accept(z, val);
          double wt = scale * wp * wr * r * Math.exp(-r * r / 2);
          for (int i = 0; i < m; i++) {
            res[i] += wt * val[i];
          }
        }
      }
    }
    return res;
  }

  static double norm(double x) {
    double t = x % (2 * Math.PI);
    return t < 0 ? t + 2 * Math.PI : t;
  }

  /** [ℓ−1][0: P, 1: Q][a0][a1][a2][a3] by the reference two-input recursions. */
  static double[][][][][][] reference2(Act act, double[][] g, int[] w, int n0, double[] cb, double[] cw,
      double[] lb, double[] lw) {
    int depth = w.length;
    double[][][][][][] out = new double[depth][2][2][2][2][2];
    double[][] k = new double[2][2];
    double[][] th = new double[2][2];
    for (int a = 0; a < 2; a++) {
      for (int b = 0; b < 2; b++) {
        k[a][b] = cb[0] + cw[0] * g[a][b];
        th[a][b] = lb[0] + lw[0] * g[a][b];
      }
    }
    double[][][][] bb = new double[2][2][2][2];
    double[][][][] ff = new double[2][2][2][2];
    double[][][][] pp = new double[2][2][2][2];
    double[][][][] qq = new double[2][2][2][2];
    for (int l = 1; l < depth; l++) {
      double c = cw[l];
      double rho = (double) w[l - 1] / (l >= 2 ? w[l - 2] : n0);
      // raw averages, named by what they hold
      double[] m = mean2(k, 2 * 4 + 4 * 16 + 4 * 8, (z, v) -> {
        double[] s = new double[2];
        double[] d = new double[2];
        double[] e = new double[2];
        for (int i = 0; i < 2; i++) {
          s[i] = act.s().applyAsDouble(z[i]);
          d[i] = act.d().applyAsDouble(z[i]);
          e[i] = act.dd().applyAsDouble(z[i]);
        }
        int o = 0;
        for (int a = 0; a < 2; a++) {
          for (int b = 0; b < 2; b++) {
            v[o++] = s[a] * s[b];
            v[o++] = d[a] * d[b];
          }
        }
        for (int a = 0; a < 2; a++) {
          for (int b = 0; b < 2; b++) {
            for (int x = 0; x < 2; x++) {
              for (int y = 0; y < 2; y++) {
                v[o++] = d[a] * d[b] * d[x] * d[y];
                v[o++] = d[a] * d[b] * s[x] * s[y];
                v[o++] = e[a] * d[b] * d[x] * s[y];
                v[o++] = d[a] * s[b] * d[x] * s[y];
              }
            }
          }
        }
        for (int a = 0; a < 2; a++) {
          for (int b = 0; b < 2; b++) {
            for (int x = 0; x < 2; x++) {
              v[o++] = d[a] * s[b] * z[x];
              v[o++] = e[a] * d[b] * z[x];
              v[o++] = e[a] * s[b];
              v[o++] = 0;
            }
          }
        }
      });
      double[][] ss = new double[2][2];
      double[][] dd = new double[2][2];
      double[][][][] d4 = new double[2][2][2][2];
      double[][][][] d2s2 = new double[2][2][2][2];
      double[][][][] edds = new double[2][2][2][2];
      double[][][][] dsds = new double[2][2][2][2];
      double[][][] dsz = new double[2][2][2];
      double[][][] edz = new double[2][2][2];
      double[][] es = new double[2][2];
      int o = 0;
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          ss[a][b] = m[o++];
          dd[a][b] = m[o++];
        }
      }
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          for (int x = 0; x < 2; x++) {
            for (int y = 0; y < 2; y++) {
              d4[a][b][x][y] = m[o++];
              d2s2[a][b][x][y] = m[o++];
              edds[a][b][x][y] = m[o++];
              dsds[a][b][x][y] = m[o++];
            }
          }
        }
      }
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          for (int x = 0; x < 2; x++) {
            dsz[a][b][x] = m[o++];
            edz[a][b][x] = m[o++];
            es[a][b] = m[o++];
            o++;
          }
        }
      }
      double det = k[0][0] * k[1][1] - k[0][1] * k[1][0];
      double[][] ki = {{k[1][1] / det, -k[0][1] / det}, {-k[1][0] / det, k[0][0] / det}};
      // linear responses
      double[][][] lin = new double[2][2][2];
      double[][][] linE = new double[2][2][2];
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          for (int be = 0; be < 2; be++) {
            for (int x = 0; x < 2; x++) {
              lin[a][b][be] += dsz[a][b][x] * ki[x][be];
              linE[a][b][be] += edz[a][b][x] * ki[x][be];
            }
          }
        }
      }
      double[][][][] b2 = new double[2][2][2][2];
      double[][][][] f2 = new double[2][2][2][2];
      double[][][][] p2 = new double[2][2][2][2];
      double[][][][] q2 = new double[2][2][2][2];
      for (int a0 = 0; a0 < 2; a0++) {
        for (int a1 = 0; a1 < 2; a1++) {
          for (int a2 = 0; a2 < 2; a2++) {
            for (int a3 = 0; a3 < 2; a3++) {
              b2[a0][a1][a2][a3] = c * c * d4[a0][a1][a2][a3] * th[a0][a1] * th[a2][a3]
                  + rho * c * c * dd[a0][a2] * dd[a1][a3] * bb[a0][a1][a2][a3];
              double fsum = 0;
              double qf1 = 0;
              double qf2 = 0;
              for (int x = 0; x < 2; x++) {
                for (int y = 0; y < 2; y++) {
                  fsum += ff[a0][a1][x][y] * lin[a0][a2][x] * lin[a1][a3][y];
                  qf1 += ff[a0][a2][x][y] * lin[a0][a1][x] * lin[a2][a3][y];
                  qf2 += ff[a0][a2][x][y] * linE[a0][a1][x] * lin[a2][a3][y];
                }
              }
              f2[a0][a1][a2][a3] = c * c * th[a0][a1] * d2s2[a0][a1][a2][a3] + rho * c * c * fsum;
              double psum = 0;
              double qsum = 0;
              for (int be = 0; be < 2; be++) {
                psum += pp[a0][a1][a2][be] * lin[a0][a3][be];
                qsum += qq[a0][a1][a2][be] * lin[a2][a3][be];
              }
              p2[a0][a1][a2][a3] = c * c * th[a0][a1] * th[a0][a2] * edds[a0][a1][a2][a3]
                  + rho * c * c * es[a0][a3] * dd[a1][a2] * bb[a0][a1][a0][a2]
                  + rho * c * c * dd[a1][a2] * psum;
              q2[a0][a1][a2][a3] = lw[l] * c * (th[a0][a2] * dsds[a0][a1][a2][a3] + rho * qf1)
                  + c * c * (th[a0][a1] * th[a0][a2] * edds[a0][a1][a2][a3] + rho * th[a0][a1] * qf2)
                  + rho * c * c * dd[a0][a1] * qsum;
            }
          }
        }
      }
      double[][] k2 = new double[2][2];
      double[][] t2 = new double[2][2];
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          k2[a][b] = cb[l] + c * ss[a][b];
          t2[a][b] = lb[l] + lw[l] * ss[a][b] + c * dd[a][b] * th[a][b];
        }
      }
      k = k2;
      th = t2;
      bb = b2;
      ff = f2;
      pp = p2;
      qq = q2;
      for (int a0 = 0; a0 < 2; a0++) {
        for (int a1 = 0; a1 < 2; a1++) {
          for (int a2 = 0; a2 < 2; a2++) {
            for (int a3 = 0; a3 < 2; a3++) {
              out[l][0][a0][a1][a2][a3] = pp[a0][a1][a2][a3];
              out[l][1][a0][a1][a2][a3] = qq[a0][a1][a2][a3];
            }
          }
        }
      }
    }
    return out;
  }

  static void check2(String actName, Act act, int[] w, double[] cb, double[] cw, double[] lb, double[] lw,
      double[][] g) {
    int n0 = 2;
    double x11 = Math.sqrt(g[0][0]);
    double x21 = g[0][1] / x11;
    double x22 = Math.sqrt(g[1][1] - x21 * x21);
    double r = Math.sqrt(n0);
    Inputs in = new Inputs(new double[][] {{r * x11, 0}, {r * x21, r * x22}});
    NetworkSpec spec = new NetworkSpec(n0, w, Activations.parse(actName), cb, cw, lb, lw);
    double[][][][][][] ref = reference2(act, g, w, n0, cb, cw, lb, lw);
    var layers = Predictions.compute(spec, in).layers();
    double mixed = 0;
    for (int l = 1; l <= w.length; l++) {
      LayerValues lv = layers.get(l - 1);
      double scale = 1e-300;
      for (int o = 0; o < 2; o++) {
        for (int f = 0; f < 16; f++) {
          scale = Math.max(scale, Math.abs(ref[l - 1][o][f >> 3 & 1][f >> 2 & 1][f >> 1 & 1][f & 1]));
        }
      }
      for (int o = 0; o < 2; o++) {
        Obs obs = o == 0 ? Obs.P : Obs.Q;
        for (int f = 0; f < 16; f++) {
          int[] c = {f >> 3 & 1, f >> 2 & 1, f >> 1 & 1, f & 1};
          double want = ref[l - 1][o][c[0]][c[1]][c[2]][c[3]];
          double got = lv.theory().get(obs).get(c);
          assertEquals(want, got, TOL * scale, actName + " " + obs + java.util.Arrays.toString(c) + " layer " + l);
          if (!(c[0] == c[1] && c[1] == c[2] && c[2] == c[3])) {
            mixed = Math.max(mixed, Math.abs(want));
          }
        }
      }
    }
    assertTrue(mixed > 0.05, actName + ": mixed components not vacuous (" + mixed + ")");
  }

  @Test
  void twoInputsAllComponentsAgreeWithReference() {
    double[][] g = {{0.6, 0.3}, {0.3, 0.5}};
    int l = 5;
    check2("tanh", TANH, fillInt(l, 10), fill(l, 0.2), fill(l, 1.5), fill(l, 0.5), fill(l, 1), g);
    check2("sin", SIN, fillInt(l, 10), fill(l, 0), fill(l, 1), fill(l, 0.5), fill(l, 1), g);
    check2("relu", RELU, fillInt(l, 10), fill(l, 0), fill(l, 2), fill(l, 0.5), fill(l, 1), g);
    check2("tanh", TANH, new int[] {8, 16, 12, 20, 10}, new double[] {0.2, 0.1, 0.3, 0.2, 0.25},
        new double[] {1.5, 1.2, 1.8, 1.5, 1.0}, new double[] {0.5, 0.4, 0.3, 0.6, 0.5},
        new double[] {1.0, 0.7, 1.3, 0.9, 1.1}, new double[][] {{1.1, -0.4}, {-0.4, 0.7}});
  }
}

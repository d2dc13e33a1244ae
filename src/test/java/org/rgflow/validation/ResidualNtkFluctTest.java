package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.core.Obs;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.ResidualNtkAD;
import org.rgflow.theory.ResidualNtkFluct;
import org.rgflow.theory.ResidualSeries;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryLayer;

/**
 * theory.ResidualNtkFluct, the history recursion for A, D, U (docs/THEORY.md §17.2): at γ = 0 it
 * equals the engine's MLP A, D and V to 1e-9 (U = 0); at γ ≠ 0 its T equals ResidualSeries' T to
 * 1e-9, its layer 2 equals ResidualNtkAD's closed form, U = 0 for tanh; it agrees with the
 * independent Monte Carlo quoted in docs/THEORY.md §17.2 (relu γ = 0.5, n = 128, 4000
 * nets, ℓ = 3..6) and with the CPU ensemble (n = 64, L = 3, ℓ/n = 0.047, E = 4000) within 3 SE.
 */
class ResidualNtkFluctTest {

  @ParameterizedTest(name = "{0} C_b={1} C_W={2} xi={3}")
  @CsvSource({"relu, 0, 2, 1", "tanh, 0.1, 1.3, 1", "relu, 0.2, 1.7, 0.8", "tanh, 0.1, 1.1, 1.2"})
  void gammaZeroIsTheEnginesMlp(String act, double cb, double cw, double xi) {
    int depth = 6;
    NetworkSpec spec = ResidualTheoryTest.spec(act, 64, depth, cb, cw, 0.5, 1, 0, xi);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {0.9}, new double[1][1]);
    TheoryEngine.Theory t = TheoryEngine.layers(spec, in);
    TheoryLayer first = t.layers().get(0);
    ResidualNtkFluct.Series s = ResidualNtkFluct.of(spec, first.kernel()[0][0], first.theta()[0][0]);
    for (int l = 1; l <= depth; l++) {
      TheoryLayer e = t.layers().get(l - 1);
      assertEquals(e.a()[0], s.a()[l - 1], 1e-9 * Math.abs(e.a()[0]) + 1e-12, "A layer " + l);
      assertEquals(e.d()[0], s.d()[l - 1], 1e-9 * Math.abs(e.d()[0]) + 1e-12, "D layer " + l);
      assertEquals(e.vDiag(0), s.v()[l - 1], 1e-9 * Math.abs(e.vDiag(0)) + 1e-12, "V layer " + l);
      assertEquals(0, s.u()[l - 1], 1e-12, "U layer " + l);
      double g = e.g1()[0][0];
      assertEquals(g, s.g1()[l - 1], 1e-9 * Math.abs(g) + 1e-12, "G1 layer " + l);
    }
  }

  @ParameterizedTest(name = "{0} gamma={1}")
  @CsvSource({"relu, 0.5", "relu, 0.9", "tanh, 0.5", "tanh, 0.9"})
  void tAndLayerTwoAndParity(String act, double gamma) {
    int depth = 6;
    double cw = (1 - gamma * gamma) * (act.equals("relu") ? 2 : 1);
    NetworkSpec spec = ResidualTheoryTest.spec(act, 64, depth, 0, cw, 0.5, 1, gamma, 1);
    ResidualNtkFluct.Series s = ResidualNtkFluct.of(spec, 1, 1);
    ResidualSeries.Series r = ResidualSeries.closure(spec, 1, true);
    double[] l2 = ResidualNtkAD.layer2(spec, 1, 1);
    assertEquals(l2[0], s.a()[1], 1e-9 * Math.abs(l2[0]), "A layer 2");
    assertEquals(l2[1], s.d()[1], 1e-9 * Math.abs(l2[1]), "D layer 2");
    assertEquals(l2[2], s.u()[1], 1e-9 * Math.abs(l2[2]) + 1e-12, "U layer 2");
    for (int l = 1; l <= depth; l++) {
      System.out.printf("[ResidualNtkFluctTest] %s gamma=%s layer %d: A %.6g D %.6g U %.6g;"
          + " V %.6g (single-time closure %.6g), T %.6g (%.6g)%n", act, gamma, l, s.a()[l - 1],
          s.d()[l - 1], s.u()[l - 1], s.v()[l - 1], r.v()[l - 1], s.t()[l - 1], r.t()[l - 1]);
      System.out.printf("[ResidualNtkFluctTest] %s gamma=%s layer %d: G1 history %.6g%n", act, gamma,
          l, s.g1()[l - 1]);
      assertEquals(r.t()[l - 1], s.t()[l - 1], 1e-9 * Math.abs(r.t()[l - 1]) + 1e-12, "T " + l);
      if (act.equals("tanh")) {
        assertEquals(0, s.u()[l - 1], 1e-12, "U = 0 for odd σ");
      }
    }
  }

  /**
   * The single-time closure of A, D, U (ResidualNtkFluct.closure, docs/THEORY.md §17.9) is the
   * comparison the history recursion is tested against, so it is pinned here: at γ = 0 it equals
   * the engine's MLP A, D, V to 1e-9 (U = 0); for γ ≠ 0 its V and T equal ResidualSeries.closure's
   * to 1e-9, its layer 2 the exact closed form, and its U and T the history's (the closure is exact
   * for the functionals of z itself).
   */
  @ParameterizedTest(name = "{0} gamma={1} C_b={2} xi={3}")
  @CsvSource({"relu, 0, 0, 1", "tanh, 0, 0.1, 1.2", "relu, 0.5, 0, 1", "relu, 0.9, 0, 1",
      "tanh, 0.5, 0, 1", "tanh, 0.9, 0.1, 0.8", "relu, 0.7, 0.2, 0.8"})
  void closureIsPinned(String act, double gamma, double cb, double xi) {
    int depth = 6;
    double cw = (1 - gamma * gamma) * (act.equals("relu") ? 2 : 1) / (xi * xi);
    NetworkSpec spec = ResidualTheoryTest.spec(act, 64, depth, cb, cw, 0.5, 1, gamma, xi);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {0.9}, new double[1][1]);
    TheoryEngine.Theory t = TheoryEngine.layers(spec, in);
    double k1 = t.layers().get(0).kernel()[0][0];
    double th1 = t.layers().get(0).theta()[0][0];
    ResidualNtkFluct.Series c = ResidualNtkFluct.closure(spec, k1, th1);
    ResidualNtkFluct.Series h = ResidualNtkFluct.of(spec, k1, th1);
    ResidualSeries.Series r = ResidualSeries.closure(spec, k1, true);
    for (int l = 1; l <= depth; l++) {
      String at = " layer " + l;
      if (gamma == 0) {
        TheoryLayer e = t.layers().get(l - 1);
        assertEquals(e.a()[0], c.a()[l - 1], 1e-9 * Math.abs(e.a()[0]) + 1e-12, "A" + at);
        assertEquals(e.d()[0], c.d()[l - 1], 1e-9 * Math.abs(e.d()[0]) + 1e-12, "D" + at);
        assertEquals(0, c.u()[l - 1], 1e-12, "U" + at);
      }
      assertEquals(r.v()[l - 1], c.v()[l - 1], 1e-9 * Math.abs(r.v()[l - 1]) + 1e-12, "V" + at);
      assertEquals(r.t()[l - 1], c.t()[l - 1], 1e-9 * Math.abs(r.t()[l - 1]) + 1e-12, "T" + at);
      assertEquals(h.u()[l - 1], c.u()[l - 1], 1e-9 * Math.abs(h.u()[l - 1]) + 1e-12, "U" + at);
      if (l <= 2) {
        assertEquals(h.a()[l - 1], c.a()[l - 1], 1e-9 * Math.abs(h.a()[l - 1]) + 1e-12, "A" + at);
        assertEquals(h.d()[l - 1], c.d()[l - 1], 1e-9 * Math.abs(h.d()[l - 1]) + 1e-12, "D" + at);
      }
    }
  }

  /** The independent Monte Carlo of docs/THEORY.md §17.2, relu γ = 0.5, n = 128 (4000 nets), layers 3..6 (ℓ/n ≤ 0.047). */
  @Test
  void agreesWithTheIndependentMonteCarlo() {
    NetworkSpec spec = ResidualTheoryTest.spec("relu", 128, 6, 0, 1.5, 0.5, 1, 0.5, 1);
    ResidualNtkFluct.Series s = ResidualNtkFluct.of(spec, 1, 1);
    double[][] a = {{15.12, 0.26}, {46.12, 1.0}, {105.8, 2.9}, {200.7, 5.2}};
    double[][] d = {{10.12, 0.22}, {23.1, 0.6}, {42.53, 1.4}, {66.53, 1.9}};
    double[][] u = {{2.102, 0.53}, {3.312, 0.76}, {2.916, 0.85}, {3.55, 1.2}};
    for (int l = 3; l <= 6; l++) {
      int i = l - 3;
      System.out.printf("[ResidualNtkFluctTest] relu gamma=0.5 layer %d: A %.4g vs MC %s +- %s,"
          + " D %.4g vs %s +- %s, U %.4g vs %s +- %s%n", l, s.a()[l - 1], a[i][0], a[i][1],
          s.d()[l - 1], d[i][0], d[i][1], s.u()[l - 1], u[i][0], u[i][1]);
      assertEquals(a[i][0], s.a()[l - 1], 3 * a[i][1], "A layer " + l);
      assertEquals(d[i][0], s.d()[l - 1], 3 * d[i][1], "D layer " + l);
      assertEquals(u[i][0], s.u()[l - 1], 3 * u[i][1], "U layer " + l);
    }
  }

  static double[][] measured(String act, double gamma, double lw, int n, int depth, long ensemble,
      long seed) {
    double cw = (1 - gamma * gamma) * (act.equals("relu") ? 2 : 1);
    NetworkSpec spec = ResidualTheoryTest.spec(act, n, depth, 0, cw, 0.5, lw, gamma, 1);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {1.0}, new double[1][1]);
    Agreement.Paired p = Agreement.run(new org.rgflow.ensemble.CpuEnsemble(), spec, in, ensemble,
        seed, true);
    double[][] out = new double[2][3];
    Obs[] obs = {Obs.A, Obs.D};
    for (int i = 0; i < 2; i++) {
      out[i][0] = p.m(depth).value().get(obs[i]).getFlat(0);
      out[i][1] = p.m(depth).err().get(obs[i]).getFlat(0);
      out[i][2] = p.t(depth).theory().get(obs[i]).getFlat(0);
    }
    return out;
  }

  /** λ_W = 0 for tanh, where σ² and σ′² nearly cancel in λ_Wσ² + C_WΘσ′² (A tiny at λ_W = 1). */
  @ParameterizedTest(name = "{0} gamma={1} lambda_W={2}")
  @CsvSource({"relu, 0.5, 1, 1501", "relu, 0.9, 1, 1502", "tanh, 0.5, 0, 1503",
      "tanh, 0.9, 0, 1504"})
  void ensembleAgreesAtLayerThree(String act, double gamma, double lw, long seed) {
    double[][] m = measured(act, gamma, lw, 64, 3, 4000, seed);
    String[] name = {"A", "D"};
    for (int i = 0; i < 2; i++) {
      System.out.printf("[ResidualNtkFluctTest] %s gamma=%s lambda_W=%s n=64 L=3 E=4000: %s %.5g +-"
          + " %.5g, theory %.5g (z %.2f)%n", act, gamma, lw, name[i], m[i][0], m[i][1], m[i][2],
          (m[i][0] - m[i][2]) / m[i][1]);
      assertEquals(m[i][2], m[i][0], 3 * m[i][1], name[i] + " " + act + " γ=" + gamma);
    }
  }

  /**
   * ReLU at γ = 0.9, L = 4 (slow): 2X(64) − X(32) (E = 12000, 20000) against the theory within
   * 3·√(4SE₆₄² + SE₃₂²), X = A, D; the extrapolation as in ResidualNtkBTest because A's and D's 1/n
   * corrections grow with depth.
   */
  @Tag("slow")
  @Test
  void reluExtrapolationAgrees() {
    double[][] a = measured("relu", 0.9, 1, 32, 4, 20000, 1632L);
    double[][] b = measured("relu", 0.9, 1, 64, 4, 12000, 1664L);
    String[] name = {"A", "D"};
    for (int i = 0; i < 2; i++) {
      double ex = 2 * b[i][0] - a[i][0];
      double se = Math.sqrt(4 * b[i][1] * b[i][1] + a[i][1] * a[i][1]);
      System.out.printf("[ResidualNtkFluctTest] relu gamma=0.9 L=4: %s(32) %.5g +- %.5g, %s(64) %.5g"
          + " +- %.5g, 2X(64) - X(32) %.5g +- %.5g, theory %.5g (z %.2f)%n", name[i], a[i][0],
          a[i][1], name[i], b[i][0], b[i][1], ex, se, b[i][2], (ex - b[i][2]) / se);
      assertEquals(b[i][2], ex, 3 * se, name[i]);
    }
  }

  /**
   * crossCovariance reproduces the recursion's V and T; it also gives 𝒞(He₃(z/√K), z²), which the
   * single-time closure (two-neuron law = Gaussian + the V and T Hermite components) puts at 0.
   */
  @Test
  void crossCovarianceIsConsistent() {
    for (int depth = 2; depth <= 4; depth++) {
      NetworkSpec spec = ResidualTheoryTest.spec("relu", 64, depth, 0, 0.38, 0.5, 1, 0.9, 1);
      ResidualNtkFluct.Series s = ResidualNtkFluct.of(spec, 1, 1);
      double v = ResidualNtkFluct.crossCovariance(spec, 1, 1, z -> z * z, z -> z * z);
      double t = ResidualNtkFluct.crossCovariance(spec, 1, 1, z -> z * z, z -> z);
      double kk = ResidualSeries.of(spec, 1, true).k()[depth - 1];
      double h3 = ResidualNtkFluct.crossCovariance(spec, 1, 1, z -> {
        double x = z / Math.sqrt(kk);
        return x * x * x - 3 * x;
      }, z -> z * z);
      System.out.printf("[ResidualNtkFluctTest] relu gamma=0.9 layer %d: V %.8g T %.8g C(He3, z^2)"
          + " %.6g (K %.6g)%n", depth, v, t, h3, kk);
      double sz = ResidualNtkFluct.crossCovariance(spec, 1, 1, z -> z > 0 ? z * z : 0, z -> z * z);
      System.out.printf("[ResidualNtkFluctTest] relu gamma=0.9 layer %d: C(relu^2, z^2) %.6g%n", depth,
          sz);
      assertEquals(s.v()[depth - 1], v, 1e-9 * Math.abs(v));
      assertEquals(s.t()[depth - 1], t, 1e-9 * Math.abs(t));
    }
  }

  /**
   * Network by network from the CPU reference (CpuEnsemble.network): U = n E[Θ̂_ii z_k] and
   * U′ = n E[Θ̂_ik z_k] (theory.ResidualNtkF) at layer L = 3 and the layer-2 statistic n Cov(He₃(z_i/√K), z_k²) (i ≠ k), relu, n = 64, E = 4000, SE from
   * 20 batch means; within 3 SE of the history theory, and the He₃ statistic more than 3 SE from the
   * single-time closure's 0.
   */
  @ParameterizedTest(name = "relu gamma={0}")
  @CsvSource({"0.5, 1701", "0.9, 1702"})
  void uAndHermiteThreeFromSampledNetworks(double gamma, long seed) {
    int n = 64;
    int ensemble = 4000;
    int batches = 20;
    double cw = 2 * (1 - gamma * gamma);
    NetworkSpec spec = ResidualTheoryTest.spec("relu", n, 3, 0, cw, 0.5, 1, gamma, 1);
    NetworkSpec spec2 = ResidualTheoryTest.spec("relu", n, 2, 0, cw, 0.5, 1, gamma, 1);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {1.0}, new double[1][1]);
    TheoryEngine.Theory t = TheoryEngine.layers(spec, in);
    double k1 = t.layers().get(0).kernel()[0][0];
    double th1 = t.layers().get(0).theta()[0][0];
    double k2 = t.layers().get(1).kernel()[0][0];
    double sk = Math.sqrt(k2);
    double uTh = ResidualNtkFluct.of(spec, k1, th1).u()[2];
    double hTh = ResidualNtkFluct.crossCovariance(spec2, k1, th1, z -> {
      double x = z / sk;
      return x * x * x - 3 * x;
    }, z -> z * z);
    // per batch: sums of pair means and single means
    double[][] acc = new double[batches][7];
    for (int e = 0; e < ensemble; e++) {
      org.rgflow.ensemble.NetworkSample net =
          org.rgflow.ensemble.CpuEnsemble.network(spec, in, seed, e, n);
      double[] a = acc[e % batches];
      int m = net.measured()[2];
      double st = 0;
      double sz = 0;
      double stz = 0;
      for (int i = 0; i < m; i++) {
        double ti = net.theta(3, i, i, 0, 0);
        double zi = net.z(3, 0, i);
        st += ti;
        sz += zi;
        stz += ti * zi;
      }
      a[0] += (st * sz - stz) / ((double) m * (m - 1));
      double off = 0;
      for (int i = 0; i < m; i++) {
        for (int k = 0; k < m; k++) {
          if (k != i) {
            off += net.theta(3, i, k, 0, 0) * net.z(3, 0, k);
          }
        }
      }
      a[6] += off / ((double) m * (m - 1));
      a[1] += st / m;
      a[2] += sz / m;
      double sh = 0;
      double sq = 0;
      double shq = 0;
      for (int i = 0; i < n; i++) {
        double z = net.z(2, 0, i);
        double x = z / sk;
        double h = x * x * x - 3 * x;
        sh += h;
        sq += z * z;
        shq += h * z * z;
      }
      a[3] += (sh * sq - shq) / ((double) n * (n - 1));
      a[4] += sh / n;
      a[5] += sq / n;
    }
    double[] u = new double[batches];
    double[] h = new double[batches];
    double[] up = new double[batches];
    double[] tot = new double[7];
    int per = ensemble / batches;
    for (int b = 0; b < batches; b++) {
      for (int c = 0; c < 7; c++) {
        acc[b][c] /= per;
        tot[c] += acc[b][c] / batches;
      }
      u[b] = n * (acc[b][0] - acc[b][1] * acc[b][2]);
      h[b] = n * (acc[b][3] - acc[b][4] * acc[b][5]);
      up[b] = n * acc[b][6];
    }
    double upM = n * tot[6];
    double upSe = se(up);
    double upTh = org.rgflow.theory.ResidualNtkF.of(spec, k1, th1).uPrime()[2];
    System.out.printf("[ResidualNtkFluctTest] relu gamma=%s n=%d E=%d: U'(L=3) %.4f +- %.4f, theory"
        + " %.4f (z %.2f)%n", gamma, n, ensemble, upM, upSe, upTh, (upM - upTh) / upSe);
    assertEquals(upTh, upM, 3 * upSe, "U'");
    double uM = n * (tot[0] - tot[1] * tot[2]);
    double hM = n * (tot[3] - tot[4] * tot[5]);
    double uSe = se(u);
    double hSe = se(h);
    System.out.printf("[ResidualNtkFluctTest] relu gamma=%s n=%d E=%d: U(L=3) %.4f +- %.4f, theory %.4f"
        + " (z %.2f); n Cov(He3, z^2) at layer 2 %.4f +- %.4f, theory %.4f (z %.2f), closure 0"
        + " (z %.2f)%n", gamma, n, ensemble, uM, uSe, uTh, (uM - uTh) / uSe, hM, hSe, hTh,
        (hM - hTh) / hSe, hM / hSe);
    assertEquals(uTh, uM, 3 * uSe, "U");
    assertEquals(hTh, hM, 3 * hSe, "He3");
    org.junit.jupiter.api.Assertions.assertTrue(Math.abs(hM) > 3 * hSe, "He3 resolved from 0");
  }

  private static double se(double[] x) {
    double m = 0;
    for (double v : x) {
      m += v / x.length;
    }
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return Math.sqrt(s / (x.length - 1) / x.length);
  }

  /**
   * The quantity through which the history terms change V at layer 3: 𝒞(σ², z²) at layer 2, relu
   * γ = 0.9, n = 64, E = 400000 networks (slow, about 20 s), from CpuEnsemble.network. The single-time closure
   * writes it as ½D2 V + D1 T (relu: D2 = 1, D1 = 2√K/√(2π)); the history recursion adds the
   * higher Hermite components. Measured within 3 SE of the history value and more than 3 SE from
   * the closure (seen with numpy at K = 1, 2·10⁵ nets: 0.6502 ± 0.0058 against 0.6467 and 0.6158).
   */
  @Tag("slow")
  @Test
  void layerTwoSigmaSquaredCovarianceResolvesTheHistoryTerms() {
    int n = 64;
    int ensemble = 400000;
    int batches = 50;
    double gamma = 0.9;
    double cw = 2 * (1 - gamma * gamma);
    NetworkSpec spec = ResidualTheoryTest.spec("relu", n, 2, 0, cw, 0.5, 1, gamma, 1);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {1.0}, new double[1][1]);
    TheoryEngine.Theory t = TheoryEngine.layers(spec, in);
    double k1 = t.layers().get(0).kernel()[0][0];
    double th1 = t.layers().get(0).theta()[0][0];
    double history = ResidualNtkFluct.crossCovariance(spec, k1, th1, z -> z > 0 ? z * z : 0,
        z -> z * z);
    ResidualSeries.Series r = ResidualSeries.closure(spec, k1, true);
    double k2 = r.k()[1];
    double closure = 0.5 * r.v()[1] + r.t()[1] * 2 * Math.sqrt(k2) / Math.sqrt(2 * Math.PI);
    double[][] acc = new double[batches][3];
    for (int e = 0; e < ensemble; e++) {
      org.rgflow.ensemble.NetworkSample net =
          org.rgflow.ensemble.CpuEnsemble.network(spec, in, 1801L, e, 0);
      double sh = 0;
      double sq = 0;
      double shq = 0;
      for (int i = 0; i < n; i++) {
        double z = net.z(2, 0, i);
        double h = z > 0 ? z * z : 0;
        sh += h;
        sq += z * z;
        shq += h * z * z;
      }
      double[] a = acc[e % batches];
      a[0] += (sh * sq - shq) / ((double) n * (n - 1));
      a[1] += sh / n;
      a[2] += sq / n;
    }
    double[] c = new double[batches];
    double[] tot = new double[3];
    for (int b = 0; b < batches; b++) {
      for (int j = 0; j < 3; j++) {
        acc[b][j] /= ensemble / batches;
        tot[j] += acc[b][j] / batches;
      }
      c[b] = n * (acc[b][0] - acc[b][1] * acc[b][2]);
    }
    double m = n * (tot[0] - tot[1] * tot[2]);
    double err = se(c);
    System.out.printf("[ResidualNtkFluctTest] relu gamma=0.9 n=%d E=%d layer 2: n Cov(sigma^2, z^2)"
        + " %.5f +- %.5f, history %.5f (z %.2f), single-time closure %.5f (z %.2f)%n", n, ensemble,
        m, err, history, (m - history) / err, closure, (m - closure) / err);
    assertEquals(history, m, 3 * err, "history");
    org.junit.jupiter.api.Assertions.assertTrue(Math.abs(m - closure) > 3 * err, "closure rejected");
  }
}

package org.rgflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.spec.NetworkSpec;

/**
 * Exact checks of {@link KernelPredictions} against linear algebra written independently here (Gauss–
 * Jordan inverse, determinant by elimination, the GD recursion iterated step by step). Tolerances are
 * 1e-9 relative: the matrices are 7 × 7 with condition numbers below 1e3. Run: mvn -Dtest=KernelPredictionsTest test
 */
class KernelPredictionsTest {
  private static final int NA = 4;
  private static final int N = 7;

  /** A seeded random PSD matrix A Aᵀ + c·1 (well conditioned). */
  static double[][] psd(Random r, int n, double c) {
    double[][] a = new double[n][n];
    for (double[] row : a) {
      for (int j = 0; j < n; j++) {
        row[j] = r.nextGaussian();
      }
    }
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          m[i][j] += a[i][k] * a[j][k] / n;
        }
        if (i == j) {
          m[i][j] += c;
        }
      }
    }
    return m;
  }

  static double[][] inverse(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
          p = r;
        }
      }
      double[] t = m[c];
      m[c] = m[p];
      m[p] = t;
      double d = m[c][c];
      for (int j = 0; j < 2 * n; j++) {
        m[c][j] /= d;
      }
      for (int r = 0; r < n; r++) {
        if (r != c) {
          double f = m[r][c];
          for (int j = 0; j < 2 * n; j++) {
            m[r][j] -= f * m[c][j];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], n, inv[i], 0, n);
    }
    return inv;
  }

  static double det(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = a[i].clone();
    }
    double d = 1;
    for (int c = 0; c < n; c++) {
      for (int r = c + 1; r < n; r++) {
        double f = m[r][c] / m[c][c];
        for (int j = c; j < n; j++) {
          m[r][j] -= f * m[c][j];
        }
      }
      d *= m[c][c];
    }
    return d;
  }

  static double[][] sub(double[][] a, int r0, int r1, int c0, int c1) {
    double[][] s = new double[r1 - r0][c1 - c0];
    for (int i = r0; i < r1; i++) {
      for (int j = c0; j < c1; j++) {
        s[i - r0][j - c0] = a[i][j];
      }
    }
    return s;
  }

  static double[][] mul(double[][] a, double[][] b) {
    double[][] c = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b[0].length; j++) {
        for (int k = 0; k < b.length; k++) {
          c[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return c;
  }

  static double[][] tr(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  static void close(double want, double got, double tol, String what) {
    assertEquals(want, got, tol * Math.max(1, Math.abs(want)), what + ": want " + want + ", got " + got);
  }

  private static double[] labels(Random r) {
    double[] y = new double[NA];
    for (int a = 0; a < NA; a++) {
      y[a] = r.nextGaussian();
    }
    return y;
  }

  @Test
  void nngpPosteriorIsExactGaussianConditioning() {
    Random r = new Random(11);
    double[][] k = psd(r, N, 0.3);
    double[][] th = psd(r, N, 0.5);
    double[] y = labels(r);
    double noise = 0.05;
    KernelPredictions kp = new KernelPredictions(k, th, NA, y);
    Gaussian g = kp.nngp(noise);
    double[][] ktt = sub(k, 0, NA, 0, NA);
    for (int a = 0; a < NA; a++) {
      ktt[a][a] += noise;
    }
    double[][] inv = inverse(ktt);
    double[][] kba = sub(k, NA, N, 0, NA);
    double[][] gain = mul(kba, inv);
    double[][] mean = mul(gain, tr(new double[][] {y}));
    double[][] cov = mul(gain, tr(kba));
    for (int i = 0; i < N - NA; i++) {
      close(mean[i][0], g.mean()[NA + i], 1e-9, "mean " + i);
      for (int j = 0; j < N - NA; j++) {
        close(k[NA + i][NA + j] - cov[i][j], g.cov()[NA + i][NA + j], 1e-9, "cov " + i + "," + j);
      }
    }
    double quad = mul(mul(new double[][] {y}, inv), tr(new double[][] {y}))[0][0];
    double ev = -0.5 * quad - 0.5 * Math.log(Math.pow(2 * Math.PI, NA) * det(ktt));
    close(ev, kp.logEvidence(noise), 1e-9, "log evidence");
  }

  @Test
  void ntkAtStepTMatchesIteratedLinearModel() {
    Random r = new Random(12);
    double[][] k = psd(r, N, 0.3);
    double[][] th = psd(r, N, 0.5);
    double[] y = labels(r);
    KernelPredictions kp = new KernelPredictions(k, th, NA, y);
    double eta = 0.7 * kp.maxStableEta();
    int steps = 9;
    // z(t) = Q_t z(0) + c_t for all N points; one step: z ← z − ηΘ_{·A}(z_A − y).
    double[][] q = new double[N][N];
    double[] c = new double[N];
    for (int i = 0; i < N; i++) {
      q[i][i] = 1;
    }
    for (int s = 0; s < steps; s++) {
      double[][] qn = new double[N][N];
      double[] cn = c.clone();
      for (int i = 0; i < N; i++) {
        qn[i] = q[i].clone();
        for (int a = 0; a < NA; a++) {
          double f = eta * th[i][a];
          cn[i] -= f * (c[a] - y[a]);
          for (int j = 0; j < N; j++) {
            qn[i][j] -= f * q[a][j];
          }
        }
      }
      q = qn;
      c = cn;
    }
    double[][] cov = mul(mul(q, k), tr(q));
    Gaussian g = kp.ntk(eta, steps);
    for (int i = 0; i < N; i++) {
      close(c[i], g.mean()[i], 1e-9, "mean " + i);
      for (int j = 0; j < N; j++) {
        close(cov[i][j], g.cov()[i][j], 1e-9, "cov " + i + "," + j);
      }
    }
  }

  @Test
  void convergedIsTheSection8FormulaAndTheLongTimeLimit() {
    Random r = new Random(13);
    double[][] k = psd(r, N, 0.3);
    double[][] th = psd(r, N, 0.5);
    double[] y = labels(r);
    KernelPredictions kp = new KernelPredictions(k, th, NA, y);
    double[][] inv = inverse(sub(th, 0, NA, 0, NA));
    double[][] tba = sub(th, NA, N, 0, NA);
    double[][] kba = sub(k, NA, N, 0, NA);
    double[][] ktt = sub(k, 0, NA, 0, NA);
    double[][] g = mul(tba, inv);
    double[][] m = mul(g, tr(new double[][] {y}));
    double[][] t2 = mul(g, tr(kba));
    double[][] t4 = mul(mul(g, ktt), tr(g));
    Gaussian conv = kp.ntkConverged();
    Gaussian late = kp.ntk(0.5 * kp.maxStableEta(), 200_000);
    for (int i = 0; i < N - NA; i++) {
      close(m[i][0], conv.mean()[NA + i], 1e-9, "mean " + i);
      close(conv.mean()[NA + i], late.mean()[NA + i], 1e-9, "late mean " + i);
      for (int j = 0; j < N - NA; j++) {
        double want = k[NA + i][NA + j] - t2[i][j] - t2[j][i] + t4[i][j];
        close(want, conv.cov()[NA + i][NA + j], 1e-9, "cov " + i + "," + j);
        close(want, late.cov()[NA + i][NA + j], 1e-9, "late cov " + i + "," + j);
      }
    }
    // Training points are fitted exactly with zero variance.
    for (int a = 0; a < NA; a++) {
      close(y[a], conv.mean()[a], 1e-9, "train mean " + a);
      assertEquals(0, conv.cov()[a][a], 1e-9);
    }
  }

  /** Reports the NNGP evidence as a function of C_W (criticality); asserts only that it is finite. */
  @Test
  void evidenceScanOverCw() {
    Dataset d = Dataset.builtin(2, 6);
    for (String act : new String[] {"relu", "tanh"}) {
      StringBuilder sb = new StringBuilder("log evidence vs C_W, " + act + ", depth 4:");
      double best = Double.NEGATIVE_INFINITY;
      double bestCw = 0;
      for (double cw = 0.5; cw <= 3.0001; cw += 0.25) {
        NetworkSpec spec = NetworkSpec.uniform(2, 64, 4, Activations.parse(act), 0.0, cw, 1, 1);
        double ev = Kernels.predictions(spec, d).logEvidence(1e-4);
        assertTrue(Double.isFinite(ev));
        sb.append(String.format(" %.2f:%.3f", cw, ev));
        if (ev > best) {
          best = ev;
          bestCw = cw;
        }
      }
      System.out.println(sb + "  (max at C_W = " + bestCw + ")");
    }
  }
}

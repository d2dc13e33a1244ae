package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One step of the Gram sweep against the per-neuron formula it replaces (the statistical kind):
 * for fixed (Γ, Y, z^{(ℓ−1)}, Ĝ), the new Gram Γ', dots Y' and the measured neurons' values drawn by
 * {@link GramSweep} (Bartlett and explicit groups) and by a brute-force reference that draws every
 * noise coordinate η_{k,j} and applies docs/EXACT_SAMPLER.md §2 literally: v_j = s_W(R η_j + S σ_j),
 * S = s_W G⁻(Y − R Aᵀη), g'_j = σ′(z_j) ⊙ v_j. E = 20000 draws each (independent generators); every
 * mean and variance of the 45 entries and the 15 covariances of Γ''s diagonal agree within k = 4
 * combined SE (about 100 statistics: family-wise false-failure probability below 1%; fixed seeds).
 * Group sizes 18/10/3/5 with rank(Γ) = 5 put two groups through Bartlett and the others through the
 * explicit matrix (asserted). A chi-squared degree off by one (n_g − k_g − k + 1) fails at |z| ≈ 7.
 */
class GramSweepTest {
  private static final int ND = 2;
  private static final int N = 40;
  private static final int MPREV = 2;
  private static final int M = 6;
  private static final int E = 20000;
  private static final double K = 4;

  @Test
  void reluStepMatchesPerNeuronDraws() {
    check("relu", new double[] {1, 0});
  }

  @Test
  void leakyReluStepMatchesPerNeuronDraws() {
    check("leaky relu 0.3", new double[] {1, 0.3});
  }

  private static void check(String what, double[] slopes) {
    Random fix = new Random(12);
    double[][] z = new double[ND][N];
    for (int j = 0; j < N; j++) {
      // signs: j < 20 both +, < 30 only input 0 +, < 33 only input 1 +, else both −
      double s0 = j < 30 ? 1 : j < 33 ? -1 : -1;
      double s1 = j < 20 ? 1 : j < 30 ? -1 : j < 33 ? 1 : -1;
      z[0][j] = s0 * (0.2 + Math.abs(fix.nextGaussian()));
      z[1][j] = s1 * (0.2 + Math.abs(fix.nextGaussian()));
    }
    double[][] sig = new double[ND][N];
    double[][] dsig = new double[ND][N];
    for (int al = 0; al < ND; al++) {
      for (int j = 0; j < N; j++) {
        dsig[al][j] = z[al][j] >= 0 ? slopes[0] : slopes[1];
        sig[al][j] = dsig[al][j] * z[al][j];
      }
    }
    double s = Math.sqrt(2.0 / N);
    double sb = 0.3;
    double[][] gHat = new double[ND][ND];
    for (int a = 0; a < ND; a++) {
      for (int b = 0; b < ND; b++) {
        double t = 0;
        for (int j = 0; j < N; j++) {
          t += sig[a][j] * sig[b][j];
        }
        gHat[a][b] = sb * sb + s * s * t;
      }
    }
    double[][] gf = new double[ND][ND];
    Psd.cholesky(gHat, gf, ND);
    double[][] v = new double[M][5];
    for (double[] row : v) {
      for (int k = 0; k < 5; k++) {
        row[k] = fix.nextGaussian();
      }
    }
    double[][] gram0 = new double[M][M];
    double[][] y0 = new double[M][ND];
    for (int a = 0; a < M; a++) {
      for (int b = 0; b < M; b++) {
        for (int k = 0; k < 5; k++) {
          gram0[a][b] += v[a][k] * v[b][k];
        }
      }
      for (int al = 0; al < ND; al++) {
        y0[a][al] = fix.nextGaussian();
      }
    }

    GramSweep sweep = new GramSweep(ND, slopes, 99L, M, N, MPREV);
    double[][] gram = new double[M][M];
    double[][] ydot = new double[M][ND];
    double[][] unit = new double[MPREV][M];
    int[] blocks = {M, 0};
    int stats = M * (M + 1) / 2 + M * ND + MPREV * M;
    double[][] fast = new double[E][stats];
    for (int e = 0; e < E; e++) {
      for (int a = 0; a < M; a++) {
        System.arraycopy(gram0[a], 0, gram[a], 0, M);
        System.arraycopy(y0[a], 0, ydot[a], 0, ND);
      }
      sweep.propagate(e, 3, M, N, MPREV, s, sb, gf, z, sig, gram, ydot, unit, blocks, 1, false);
      pack(gram, ydot, unit, fast[e]);
    }
    assertTrue(sweep.bartlettGroups > 0 && sweep.explicitGroups > 0,
        "both branches: " + sweep.bartlettGroups + " Bartlett, " + sweep.explicitGroups + " explicit");

    double[][] l = new double[M][M];
    Psd.cholesky(gram0, l, M);
    Random rng = new Random(2024);
    double[][] ref = new double[E][stats];
    double[][] h = new double[M][N];
    double[] hb = new double[M];
    double[][] g = new double[M][N];
    double[][] aEta = new double[M][ND];
    double[] rhs = new double[ND];
    for (int e = 0; e < E; e++) {
      for (int k = 0; k < M; k++) {
        for (int j = 0; j < N; j++) {
          h[k][j] = rng.nextGaussian();
        }
        hb[k] = rng.nextGaussian();
        for (int al = 0; al < ND; al++) {
          double t = 0;
          for (int j = 0; j < N; j++) {
            t += h[k][j] * sig[al][j];
          }
          aEta[k][al] = s * t + sb * hb[k];
        }
      }
      for (int a = 0; a < M; a++) {
        for (int al = 0; al < ND; al++) {
          double t = 0;
          for (int k = 0; k < M; k++) {
            t += l[a][k] * aEta[k][al];
          }
          rhs[al] = y0[a][al] - t;
        }
        Psd.solve(gf, ND, rhs, rhs);
        for (int j = 0; j < N; j++) {
          double t = 0;
          for (int k = 0; k < M; k++) {
            t += l[a][k] * h[k][j];
          }
          for (int al = 0; al < ND; al++) {
            t += s * rhs[al] * sig[al][j];
          }
          g[a][j] = dsig[a % ND][j] * s * t;
        }
      }
      for (int a = 0; a < M; a++) {
        for (int b = 0; b <= a; b++) {
          double t = 0;
          for (int j = 0; j < N; j++) {
            t += g[a][j] * g[b][j];
          }
          gram[a][b] = t;
        }
        for (int be = 0; be < ND; be++) {
          double t = 0;
          for (int j = 0; j < N; j++) {
            t += g[a][j] * z[be][j];
          }
          ydot[a][be] = t;
        }
        for (int j = 0; j < MPREV; j++) {
          unit[j][a] = g[a][j];
        }
      }
      pack(gram, ydot, unit, ref[e]);
    }

    List<String> bad = new ArrayList<>();
    double maxZ = 0;
    int count = 0;
    for (int q = 0; q < stats; q++) {
      double[] zs = compareMoments(fast, ref, q, q);
      for (double zz : zs) {
        maxZ = Math.max(maxZ, Math.abs(zz));
        count++;
        if (Math.abs(zz) > K) {
          bad.add(String.format(Locale.ROOT, "stat %d: |z| = %.2f", q, zz));
        }
      }
    }
    int[] diag = new int[M];
    for (int a = 0; a < M; a++) {
      diag[a] = a * (a + 1) / 2 + a;
    }
    for (int a = 0; a < M; a++) {
      for (int b = 0; b < a; b++) {
        double zz = compareMoments(fast, ref, diag[a], diag[b])[1];
        maxZ = Math.max(maxZ, Math.abs(zz));
        count++;
        if (Math.abs(zz) > K) {
          bad.add(String.format(Locale.ROOT, "cov(Γ'_%d%d, Γ'_%d%d): |z| = %.2f", a, a, b, b, zz));
        }
      }
    }
    System.out.printf(Locale.ROOT, "[gram sweep step] %s: %d statistics, E = %d each, max |z| = %.2f%n",
        what, count, E, maxZ);
    assertTrue(bad.isEmpty(), what + ": " + bad);
  }

  private static void pack(double[][] gram, double[][] ydot, double[][] unit, double[] out) {
    int t = 0;
    for (int a = 0; a < M; a++) {
      for (int b = 0; b <= a; b++) {
        out[t++] = gram[a][b];
      }
    }
    for (int a = 0; a < M; a++) {
      for (int be = 0; be < ND; be++) {
        out[t++] = ydot[a][be];
      }
    }
    for (int j = 0; j < MPREV; j++) {
      for (int a = 0; a < M; a++) {
        out[t++] = unit[j][a];
      }
    }
  }

  /**
   * z-scores of the difference of two samples' means of x_p (when p = q) and of their covariances
   * of (x_p, x_q) (the variance when p = q). Returns {z_mean (NaN unless p = q), z_cov}.
   */
  private static double[] compareMoments(double[][] x, double[][] y, int p, int q) {
    double[] a = moments(x, p, q);
    double[] b = moments(y, p, q);
    double zMean = p == q ? (a[0] - b[0]) / Math.hypot(a[1], b[1]) : Double.NaN;
    double zCov = (a[2] - b[2]) / Math.hypot(a[3], b[3]);
    return p == q ? new double[] {zMean, zCov} : new double[] {0, zCov};
  }

  /** {mean_p, SE of mean_p, cov(p, q), SE of cov}. */
  private static double[] moments(double[][] x, int p, int q) {
    int n = x.length;
    double mp = 0;
    double mq = 0;
    for (double[] r : x) {
      mp += r[p];
      mq += r[q];
    }
    mp /= n;
    mq /= n;
    double c = 0;
    double vp = 0;
    for (double[] r : x) {
      c += (r[p] - mp) * (r[q] - mq);
      vp += (r[p] - mp) * (r[p] - mp);
    }
    c /= n;
    vp /= n;
    double vc = 0;
    for (double[] r : x) {
      double d = (r[p] - mp) * (r[q] - mq) - c;
      vc += d * d;
    }
    vc /= n;
    return new double[] {mp, Math.sqrt(vp / n), c, Math.sqrt(vc / n)};
  }
}

package org.rgflow.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;

/**
 * The power-sum estimators of {@link LayerStats#compute} against brute-force loops over distinct
 * neuron pairs and triples, and the observables of {@link LayerStats#fill} against their
 * definitions from the accumulated means. Tolerance 1e-12 relative: power sums cancel at most a
 * factor ~n in magnitude here (n ≤ 9, O(1) data). Run: {@code mvn -q test -Dtest=LayerStatsTest}.
 */
class LayerStatsTest {
  private static final double TOL = 1e-12;

  @Test
  void powerSumsEqualBruteForce() {
    SplittableRandom rnd = new SplittableRandom(3);
    int nd = 3;
    int n = 9;
    int m = 4;
    double[][] z = new double[nd][n];
    for (double[] row : z) {
      for (int i = 0; i < n; i++) {
        row[i] = rnd.nextGaussian();
      }
    }
    double[][] th = new double[m * nd][m * nd];
    for (int a = 0; a < m * nd; a++) {
      for (int b = a; b < m * nd; b++) {
        th[a][b] = th[b][a] = rnd.nextGaussian() + (a == b ? 3 : 0);
      }
    }
    LayerStats st = new LayerStats(nd, true);
    double[] x = new double[st.dim()];
    st.compute(z, n, th, m, x);
    int checked = 0;
    for (int a = 0; a < nd; a++) {
      for (int b = a; b < nd; b++) {
        int p = st.pair(a, b);
        double k = 0;
        for (int i = 0; i < n; i++) {
          k += z[a][i] * z[b][i] / n;
        }
        assertEquals(k, x[st.kIndex(p)], TOL);
        for (int c = 0; c < nd; c++) {
          for (int d = c; d < nd; d++) {
            int q = st.pair(c, d);
            double mm = 0;
            for (int i = 0; i < n; i++) {
              for (int kk = 0; kk < n; kk++) {
                if (i != kk) {
                  mm += z[a][i] * z[b][i] * z[c][kk] * z[d][kk];
                }
              }
            }
            assertEquals(mm / (n * (n - 1.0)), x[st.mIndex(p, q)], TOL, "m_" + p + q);
            checked++;
          }
        }
      }
    }
    assertEquals(36, checked);
    for (int a = 0; a < nd; a++) {
      double s6 = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          for (int k = 0; k < n; k++) {
            if (i != j && j != k && i != k) {
              s6 += z[a][i] * z[a][i] * z[a][j] * z[a][j] * z[a][k] * z[a][k];
            }
          }
        }
      }
      assertEquals(s6 / (n * (n - 1.0) * (n - 2.0)), x[offset(st, "s6") + a], TOL * 10);
      double diagSum = 0;
      double aa = 0;
      double bb = 0;
      double dd = 0;
      double ff = 0;
      double sumZ2 = 0;
      for (int i = 0; i < n; i++) {
        sumZ2 += z[a][i] * z[a][i];
      }
      for (int i = 0; i < m; i++) {
        double tii = th[i * nd + a][i * nd + a];
        diagSum += tii;
        dd += tii * (sumZ2 - z[a][i] * z[a][i]) / (n - 1.0) / m;
        for (int k = 0; k < m; k++) {
          if (k != i) {
            double tik = th[i * nd + a][k * nd + a];
            aa += tii * th[k * nd + a][k * nd + a];
            bb += tik * tik;
            ff += tik * z[a][i] * z[a][k];
          }
        }
      }
      double pairs = m * (m - 1.0);
      assertEquals(aa / pairs, x[offset(st, "a") + a], TOL);
      assertEquals(bb / pairs, x[offset(st, "b") + a], TOL);
      assertEquals(dd, x[offset(st, "d") + a], TOL);
      assertEquals(ff / pairs, x[offset(st, "f") + a], TOL);
      double th0 = 0;
      for (int i = 0; i < m; i++) {
        th0 += th[i * nd + a][i * nd + a] / m;
      }
      assertEquals(th0, x[offset(st, "th") + st.pair(a, a)], TOL);
      assertEquals(diagSum / m, th0, TOL);
    }
  }

  /** Offsets in the documented layout order: k, m, q4, s6, th, a, b, d, f. */
  private static int offset(LayerStats st, String what) {
    int nd = st.inputs();
    int p = nd * (nd + 1) / 2;
    int s6 = p + p * (p + 1) / 2 + nd;
    switch (what) {
      case "s6": return s6;
      case "th": return s6 + nd;
      case "a": return s6 + nd + p;
      case "b": return s6 + nd + p + nd;
      case "d": return s6 + nd + p + 2 * nd;
      default: return s6 + nd + p + 3 * nd;
    }
  }

  @Test
  void observablesFromMeans() {
    LayerStats st = new LayerStats(1, true);
    MomentAccumulator acc = new MomentAccumulator(st.dim());
    // layout for N_D = 1: k, m, q4, s6, th, a, b, d, f
    acc.add(new double[] {2.0, 4.5, 13.0, 9.5, 3.0, 9.5, 0.2, 6.5, 0.4});
    acc.add(new double[] {2.2, 5.1, 14.0, 11.0, 3.2, 10.5, 0.3, 7.5, 0.5});
    LayerValues lv = new LayerValues(2);
    int nPrev = 8;
    st.fill(lv, acc, nPrev);
    double k = 2.1;
    double th = 3.1;
    assertEquals(k, lv.value().get(Obs.K).scalar(), TOL);
    assertEquals((4.8 - k * k) / (k * k), lv.value().get(Obs.V_over_nK2).scalar(), TOL);
    assertEquals(13.5 / (k * k) - 3, lv.value().get(Obs.kurtosis).scalar(), TOL);
    assertEquals(4.8, lv.value().get(Obs.G4).scalar(), TOL);
    assertEquals(10.25, lv.value().get(Obs.G6).scalar(), TOL);
    assertEquals(th, lv.value().get(Obs.Theta).scalar(), TOL);
    assertEquals(nPrev * (10.0 - th * th), lv.value().get(Obs.A).scalar(), 1e-11);
    assertEquals(nPrev * 0.25, lv.value().get(Obs.B).scalar(), TOL);
    assertEquals(nPrev * (7.0 - th * k), lv.value().get(Obs.D).scalar(), 1e-11);
    assertEquals(nPrev * 0.45, lv.value().get(Obs.F).scalar(), TOL);
    // Linear observable: SE = sd/√N = |x1 − x2|/2 for N = 2.
    assertEquals(0.1, lv.err().get(Obs.K).scalar(), TOL);
    assertEquals(nPrev * 0.05, lv.err().get(Obs.B).scalar(), TOL);
  }
}

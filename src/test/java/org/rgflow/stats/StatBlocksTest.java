package org.rgflow.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;

/**
 * The blocks' power-sum statistics against brute-force loops over distinct neuron pairs and
 * triples, and their estimates against the definitions from the accumulated means. Tolerance 1e-12
 * relative: power sums cancel at most a factor ~n in magnitude here (n ≤ 9, O(1) data).
 * Run: {@code mvn -q test -Dtest=StatBlocksTest}.
 */
class StatBlocksTest {
  private static final double TOL = 1e-12;

  @Test
  void statisticsEqualBruteForce() {
    SplittableRandom rnd = new SplittableRandom(3);
    int nd = 3;
    int n = 9;
    int m = 4;
    double[][] z = new double[nd][n];
    for (double[] row : z) {
      for (int i = 0; i < n; i++) {
        row[i] = rnd.nextGaussian() + 0.3;
      }
    }
    double[][] th = new double[m * nd][m * nd];
    for (int a = 0; a < m * nd; a++) {
      for (int b = a; b < m * nd; b++) {
        th[a][b] = th[b][a] = rnd.nextGaussian() + (a == b ? 3 : 0);
      }
    }
    StatSet st = StatSet.standard(nd, true);
    assertEquals(List.of(KernelBlock.INSTANCE, MomentsBlock.INSTANCE, NtkBlock.INSTANCE,
        ThreePointBlock.INSTANCE), st.blocks());
    double[] x = new double[st.dim()];
    st.compute(new LayerData(nd).fromZ(z, n, th, m, st.needs()), x);
    Pairs pairs = st.pairs();
    int k0 = st.offset(KernelBlock.INSTANCE);
    int checked = 0;
    for (int a = 0; a < nd; a++) {
      for (int b = a; b < nd; b++) {
        int p = pairs.pair(a, b);
        double k = 0;
        for (int i = 0; i < n; i++) {
          k += z[a][i] * z[b][i] / n;
        }
        assertEquals(k, x[k0 + p], TOL);
        for (int c = 0; c < nd; c++) {
          for (int d = c; d < nd; d++) {
            int q = pairs.pair(c, d);
            double mm = 0;
            for (int i = 0; i < n; i++) {
              for (int kk = 0; kk < n; kk++) {
                if (i != kk) {
                  mm += z[a][i] * z[b][i] * z[c][kk] * z[d][kk];
                }
              }
            }
            assertEquals(mm / (n * (n - 1.0)), x[k0 + KernelBlock.m(pairs, p, q)], TOL, "m_" + p + q);
            checked++;
          }
        }
      }
    }
    assertEquals(36, checked);
    int s6 = st.offset(MomentsBlock.INSTANCE);
    int ntk = st.offset(NtkBlock.INSTANCE);
    int np = pairs.count();
    int t3 = st.offset(ThreePointBlock.INSTANCE);
    for (int a = 0; a < nd; a++) {
      double q4 = 0;
      double cube = 0;
      double t21 = 0;
      for (int i = 0; i < n; i++) {
        q4 += Math.pow(z[a][i], 4) / n;
        cube += Math.pow(z[a][i], 3) / n;
        for (int j = 0; j < n; j++) {
          if (i != j) {
            t21 += z[a][i] * z[a][i] * z[a][j] / (n * (n - 1.0));
          }
        }
      }
      assertEquals(q4, x[k0 + KernelBlock.q4(pairs, a)], TOL);
      assertEquals(cube, x[t3 + a], TOL);
      assertEquals(t21, x[t3 + nd + a], TOL);
      double six = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          for (int k = 0; k < n; k++) {
            if (i != j && j != k && i != k) {
              six += z[a][i] * z[a][i] * z[a][j] * z[a][j] * z[a][k] * z[a][k];
            }
          }
        }
      }
      assertEquals(six / (n * (n - 1.0) * (n - 2.0)), x[s6 + a], TOL * 10);
      double aa = 0;
      double bb = 0;
      double dd = 0;
      double ff = 0;
      double sumZ2 = 0;
      for (int i = 0; i < n; i++) {
        sumZ2 += z[a][i] * z[a][i];
      }
      double th0 = 0;
      for (int i = 0; i < m; i++) {
        double tii = th[i * nd + a][i * nd + a];
        th0 += tii / m;
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
      double pm = m * (m - 1.0);
      assertEquals(th0, x[ntk + pairs.pair(a, a)], TOL);
      assertEquals(aa / pm, x[ntk + np + a], TOL);
      assertEquals(bb / pm, x[ntk + np + nd + a], TOL);
      assertEquals(dd, x[ntk + np + 2 * nd + a], TOL);
      assertEquals(ff / pm, x[ntk + np + 3 * nd + a], TOL);
    }
    assertEquals(st.dim(), t3 + 2 * nd);
  }

  @Test
  void observablesFromMeans() {
    StatSet st = StatSet.standard(1, true);
    MomentAccumulator acc = new MomentAccumulator(st.dim());
    // layout for N_D = 1: k, m, q4 | s6 | th, a, b, d, f | t3, t21
    acc.add(new double[] {2.0, 4.5, 13.0, 9.5, 3.0, 9.5, 0.2, 6.5, 0.4, 0.1, -0.3});
    acc.add(new double[] {2.2, 5.1, 14.0, 11.0, 3.2, 10.5, 0.3, 7.5, 0.5, 0.3, -0.1});
    int nPrev = 8;
    LayerValues lv = st.estimate(2, acc, nPrev);
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
    assertEquals(nPrev * 0.2 / 3, lv.value().get(Obs.T3).scalar(), TOL);
    assertEquals(nPrev * -0.2, lv.value().get(Obs.T21).scalar(), TOL);
    // Linear observable: SE = sd/√N = |x1 − x2|/2 for N = 2.
    assertEquals(0.1, lv.err().get(Obs.K).scalar(), TOL);
    assertEquals(nPrev * 0.05, lv.err().get(Obs.B).scalar(), TOL);
    assertEquals(nPrev * 0.1 / 3, lv.err().get(Obs.T3).scalar(), TOL);
    assertEquals(nPrev * 0.1, lv.err().get(Obs.T21).scalar(), TOL);
  }

  @Test
  void aBlockNeedsWhatItRequiresBeforeIt() {
    assertThrows(IllegalArgumentException.class, () -> StatSet.of(2, List.of(NtkBlock.INSTANCE)));
    StatSet noKernel = StatSet.standard(2, true).without(KernelBlock.INSTANCE);
    assertEquals(List.of(ThreePointBlock.INSTANCE), noKernel.blocks());
  }
}

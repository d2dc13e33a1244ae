package org.rgflow.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link LayerStats#fromPowerSums} (the device backends' path: only power sums, Θ̂ and the first m
 * pre-activations leave the device) against {@link LayerStats#compute} (the reference's path from
 * all pre-activations). The power sums are accumulated here in the order {@code compute} uses, so
 * the two vectors must be identical bit for bit, NaNs included (n &lt; 2, n &lt; 3, m &lt; 2).
 *
 * <p>Run: {@code mvn test -Dtest=LayerStatsPowerSumsTest} (well under a second).
 */
class LayerStatsPowerSumsTest {

  /** The device's power-sum layout, accumulated in neuron order like compute(). */
  static double[] powerSums(LayerStats st, double[][] z, int n) {
    int nd = st.inputs();
    int pairs = nd * (nd + 1) / 2;
    int[] pa = new int[pairs];
    int[] pb = new int[pairs];
    for (int a = 0, p = 0; a < nd; a++) {
      for (int b = a; b < nd; b++, p++) {
        pa[p] = a;
        pb[p] = b;
      }
    }
    double[] out = new double[st.powerSums()];
    double[] ap = new double[pairs];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < pairs; p++) {
        ap[p] = z[pa[p]][i] * z[pb[p]][i];
        out[p] += ap[p];
      }
      int r = pairs;
      for (int p = 0; p < pairs; p++) {
        for (int q = p; q < pairs; q++) {
          out[r++] += ap[p] * ap[q];
        }
      }
      for (int a = 0; a < nd; a++) {
        double y = ap[st.pair(a, a)];
        out[r + a] += y * y * y;
      }
    }
    return out;
  }

  @ParameterizedTest(name = "nd={0} n={1} m={2} ntk={3}")
  @CsvSource({"1,1,1,true", "1,2,1,true", "2,3,2,true", "3,13,4,true", "2,7,7,false", "4,5,3,true",
      "6,9,2,false"})
  void powerSumsGiveTheSameVector(int nd, int n, int m, boolean ntk) {
    Random rnd = new Random(1234L + 31 * nd + n);
    double[][] z = new double[nd][n];
    for (double[] row : z) {
      for (int i = 0; i < n; i++) {
        row[i] = rnd.nextGaussian();
      }
    }
    double[][] theta = null;
    double[][] head = null;
    if (ntk) {
      theta = new double[m * nd][m * nd];
      for (int a = 0; a < m * nd; a++) {
        for (int b = a; b < m * nd; b++) {
          theta[a][b] = theta[b][a] = rnd.nextGaussian();
        }
      }
      head = new double[nd][m];
      for (int a = 0; a < nd; a++) {
        System.arraycopy(z[a], 0, head[a], 0, m);
      }
    }
    LayerStats st = new LayerStats(nd, ntk);
    double[] ref = new double[st.dim()];
    st.compute(z, n, theta, m, ref);
    double[] sums = powerSums(st, z, n);
    double[] padded = new double[sums.length + 5];
    System.arraycopy(sums, 0, padded, 5, sums.length);
    double[] got = new double[st.dim()];
    st.fromPowerSums(padded, 5, n, theta, head, m, got);
    for (int k = 0; k < ref.length; k++) {
      assertEquals(ref[k], got[k], 0.0, "entry " + k + " of " + ref.length);
    }
    assertEquals(nd * (nd + 1) / 2 + nd * (nd + 1) / 2 * (nd * (nd + 1) / 2 + 1) / 2 + nd,
        st.powerSums());
  }
}

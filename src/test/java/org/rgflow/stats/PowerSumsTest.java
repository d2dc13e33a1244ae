package org.rgflow.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A layer given by a device's power sums ({@link LayerData#fromSums}, what CUDA hands over) against
 * the same layer given by all its pre-activations ({@link LayerData#fromZ}, the reference): with the
 * sums accumulated in the reference's order the statistic vectors are identical bit for bit, NaNs
 * included (n &lt; 2, n &lt; 3, m &lt; 2). Run: {@code mvn test -Dtest=PowerSumsTest} (well under a second).
 */
class PowerSumsTest {

  /** The device layout, written out here from its documentation and accumulated in neuron order. */
  static double[] deviceSums(int nd, double[][] z, int n, boolean odd) {
    int pairs = nd * (nd + 1) / 2;
    int[] pa = new int[pairs];
    int[] pb = new int[pairs];
    for (int a = 0, p = 0; a < nd; a++) {
      for (int b = a; b < nd; b++, p++) {
        pa[p] = a;
        pb[p] = b;
      }
    }
    double[] out = new double[pairs + pairs * (pairs + 1) / 2 + nd + (odd ? 2 * nd : 0)];
    double[] ap = new double[pairs];
    int r = pairs;
    int c = r + pairs * (pairs + 1) / 2;
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < pairs; p++) {
        ap[p] = z[pa[p]][i] * z[pb[p]][i];
        out[p] += ap[p];
      }
      int rr = r;
      for (int p = 0; p < pairs; p++) {
        for (int q = p; q < pairs; q++) {
          out[rr++] += ap[p] * ap[q];
        }
      }
      for (int a = 0; a < nd; a++) {
        double y = z[a][i] * z[a][i];
        out[c + a] += y * y * y;
      }
    }
    if (odd) {
      for (int a = 0; a < nd; a++) {
        for (int i = 0; i < n; i++) {
          out[c + nd + a] += z[a][i];
          out[c + 2 * nd + a] += z[a][i] * z[a][i] * z[a][i];
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "nd={0} n={1} m={2} ntk={3} odd={4}")
  @CsvSource({"1,1,1,true,true", "1,2,1,true,false", "2,3,2,true,true", "3,13,4,true,true",
      "2,7,7,false,true", "4,5,3,true,false", "6,9,2,false,true"})
  void deviceSumsGiveTheSameVector(int nd, int n, int m, boolean ntk, boolean odd) {
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
    StatSet st = StatSet.standard(nd, ntk);
    if (!odd) {
      st = st.without(ThreePointBlock.INSTANCE);
    }
    LayerData ref = new LayerData(nd).fromZ(z, n, theta, m, st.needs());
    double[] want = new double[st.dim()];
    st.compute(ref, want);
    double[] sums = deviceSums(nd, z, n, odd);
    double[] padded = new double[sums.length + 5];
    System.arraycopy(sums, 0, padded, 5, sums.length);
    double[] back = new double[sums.length + 5];
    ref.sums().toDevice(back, 5);
    for (int k = 0; k < sums.length; k++) {
      assertEquals(sums[k], back[5 + k], 0.0, "device layout entry " + k);
    }
    double[] got = new double[st.dim()];
    st.compute(new LayerData(nd).fromSums(padded, 5, odd, n, theta, head, m), got);
    for (int k = 0; k < want.length; k++) {
      assertEquals(want[k], got[k], 0.0, "entry " + k + " of " + want.length);
    }
    int p = nd * (nd + 1) / 2;
    assertEquals(p + p * (p + 1) / 2 + nd + (odd ? 2 * nd : 0), PowerSums.deviceLength(nd, odd));
  }
}

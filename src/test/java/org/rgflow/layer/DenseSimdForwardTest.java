package org.rgflow.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rgflow.core.Sums;
import org.rgflow.rng.InitRng;

/**
 * Dense.forward (SIMD rows where the Vector API is present, the scalar rows for the rest) against
 * the scalar definition z_i = √C_b b_i + √(C_W/n) Σ_j g_ij σ_j with InitRng rows and Sums.dot, bit
 * for bit, for widths that are and are not multiples of the vector length.
 */
class DenseSimdForwardTest {
  @Test
  void forwardEqualsScalarDefinitionBitForBit() throws InterruptedException {
    assertTrue(org.rgflow.rng.Simd.awaitReady(120_000),
        "tests run with jdk.incubator.vector (pom.xml argLine) and the SIMD path warms up");
    assertTrue(Weights.simdRows() > 0);
    SplittableRandom rnd = new SplittableRandom(11);
    int[][] shapes = {{1, 1}, {3, 7}, {8, 8}, {13, 5}, {17, 33}, {64, 256}, {256, 257}, {9, 1026}};
    for (int[] shape : shapes) {
      int nOut = shape[0];
      int nIn = shape[1];
      for (double cb : new double[] {0.0, 0.3}) {
        int nd = 1 + rnd.nextInt(3);
        double[][] sIn = new double[nd][nIn];
        for (double[] v : sIn) {
          for (int j = 0; j < nIn; j++) {
            v[j] = Math.max(0, rnd.nextGaussian());
          }
        }
        Dense d = new Dense(nOut, cb, 2.0, 1.0, 1.0);
        Weights w = new Weights(0x0123456789abcdefL, 1 + rnd.nextInt(1000), 1 + rnd.nextInt(16));
        double[][] out = new double[nd][nOut];
        d.forward(w, sIn, null, nIn, out, nd, new Scratch(Math.max(nIn, nOut), false));
        double[] row = new double[nIn];
        double[] bias = new double[nOut];
        InitRng.biases(w.seed(), w.network(), w.layer(), nOut, bias);
        double s = Math.sqrt(2.0 / nIn);
        for (int i = 0; i < nOut; i++) {
          InitRng.weightRow(w.seed(), w.network(), w.layer(), i, nIn, row);
          double b = cb != 0 ? Math.sqrt(cb) * bias[i] : 0.0;
          for (int a = 0; a < nd; a++) {
            double want = b + s * Sums.dot(row, sIn[a], nIn);
            int ii = i;
            int aa = a;
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(out[a][i]),
                () -> nOut + "x" + nIn + " row " + ii + " input " + aa);
          }
        }
      }
    }
  }
}

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

  /**
   * Dense.backward (SIMD rows into the tiles where eight consecutive rows are active) against the
   * scalar algorithm written out here (tiles of Scratch.TILE active rows, rows from InitRng, four
   * rows per pass): the same bits, with inactive rows scattered so that both paths mix in a tile.
   */
  @Test
  void backwardEqualsScalarTilesBitForBit() throws InterruptedException {
    assertTrue(org.rgflow.rng.Simd.awaitReady(120_000));
    SplittableRandom rnd = new SplittableRandom(5);
    int[][] shapes = {{8, 8}, {40, 13}, {64, 256}, {37, 70}};
    for (int[] shape : shapes) {
      int width = shape[0];
      int nIn = shape[1];
      int count = 1 + rnd.nextInt(5);
      double[][] g = new double[count][width];
      for (int k = 0; k < width; k++) {
        boolean dead = width != 64 && rnd.nextInt(5) == 0; // a row no vector reaches (64: none)
        for (int v = 0; v < count; v++) {
          g[v][k] = dead || rnd.nextInt(3) == 0 ? 0.0 : rnd.nextGaussian();
        }
      }
      int[] alpha = new int[count];
      double[][] ds = new double[2][nIn];
      for (double[] d : ds) {
        for (int j = 0; j < nIn; j++) {
          d[j] = rnd.nextInt(2);
        }
      }
      for (int v = 0; v < count; v++) {
        alpha[v] = rnd.nextInt(2);
      }
      Dense d = new Dense(width, 0.0, 2.0, 1.0, 1.0);
      Weights w = new Weights(42, rnd.nextInt(100), 1 + rnd.nextInt(9));
      double[][] out = new double[count][nIn];
      d.backward(w, g, out, alpha, count, nIn, ds, new Scratch(Math.max(width, nIn), true));
      double[][] want = scalarBackward(w, width, nIn, g, count, alpha, ds);
      for (int v = 0; v < count; v++) {
        for (int j = 0; j < nIn; j++) {
          int vv = v;
          int jj = j;
          assertEquals(Double.doubleToRawLongBits(want[v][j]), Double.doubleToRawLongBits(out[v][j]),
              () -> width + "x" + nIn + " vector " + vv + " column " + jj);
        }
      }
    }
  }

  private static double[][] scalarBackward(Weights w, int width, int nIn, double[][] g, int count,
      int[] alpha, double[][] ds) {
    double s = Math.sqrt(2.0 / nIn);
    double[][] out = new double[count][nIn];
    double[][] tile = new double[Scratch.TILE][nIn];
    int[] rowsOf = new int[Scratch.TILE];
    double[] row = new double[nIn];
    int k = 0;
    while (k < width) {
      int rows = 0;
      for (; k < width && rows < Scratch.TILE; k++) {
        boolean active = false;
        for (int v = 0; v < count; v++) {
          active |= g[v][k] != 0;
        }
        if (active) {
          InitRng.weightRow(w.seed(), w.network(), w.layer(), k, nIn, row);
          for (int j = 0; j < nIn; j++) {
            tile[rows][j] = s * row[j];
          }
          rowsOf[rows++] = k;
        }
      }
      for (int v = 0; v < count; v++) {
        double[] o = out[v];
        int r = 0;
        for (; r + 3 < rows; r += 4) {
          double c0 = g[v][rowsOf[r]];
          double c1 = g[v][rowsOf[r + 1]];
          double c2 = g[v][rowsOf[r + 2]];
          double c3 = g[v][rowsOf[r + 3]];
          if (c0 == 0 && c1 == 0 && c2 == 0 && c3 == 0) {
            continue;
          }
          for (int j = 0; j < nIn; j++) {
            o[j] += (c0 * tile[r][j] + c1 * tile[r + 1][j]) + (c2 * tile[r + 2][j] + c3 * tile[r + 3][j]);
          }
        }
        for (; r < rows; r++) {
          double c = g[v][rowsOf[r]];
          if (c != 0) {
            for (int j = 0; j < nIn; j++) {
              o[j] += c * tile[r][j];
            }
          }
        }
      }
    }
    for (int v = 0; v < count; v++) {
      for (int j = 0; j < nIn; j++) {
        out[v][j] *= ds[alpha[v]][j];
      }
    }
    return out;
  }
}

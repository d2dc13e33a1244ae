package org.rgflow.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Dense4}: the vector kernels (the default suite adds jdk.incubator.vector, so
 * {@link Dense4#VECTOR} is on) give bit for bit the scalar order of {@link Dense4#dot}, for row
 * counts 1–9, every interval alignment and tail length, and values of mixed signs and magnitudes;
 * and that order is a correct dot product (within 4·len·2^-53 of Σ|x y|, against an exact sum).
 */
class Dense4Test {
  private static double[][] rows(Random r, int m, int n) {
    double[][] x = new double[m][n];
    for (double[] v : x) {
      for (int j = 0; j < n; j++) {
        v[j] = r.nextGaussian() * Math.exp(3 * r.nextGaussian());
      }
    }
    return x;
  }

  @Test
  void vectorPathIsOn() {
    assertTrue(Dense4.VECTOR, "the test JVM has jdk.incubator.vector: the vector path must be tested");
  }

  @Test
  void crossAndGramEqualTheScalarOrderBitForBit() {
    Random r = new Random(5);
    int checked = 0;
    for (int trial = 0; trial < 400; trial++) {
      int n = 1 + r.nextInt(70);
      int m = 1 + r.nextInt(9);
      int q = 1 + r.nextInt(9);
      int from = r.nextInt(n);
      int to = from + r.nextInt(n - from + 1);
      double[][] x = rows(r, m, n);
      double[][] y = rows(r, q, n);
      double[][] c = new double[m][q];
      Dense4.cross(x, m, y, q, from, to, c);
      double[][] g = new double[m][m];
      Dense4.gramLower(x, m, from, to, g);
      for (int a = 0; a < m; a++) {
        for (int k = 0; k < q; k++) {
          assertEquals(Double.doubleToRawLongBits(Dense4.dot(x[a], y[k], from, to)),
              Double.doubleToRawLongBits(c[a][k]), "cross " + trial + " " + a + "," + k);
          checked++;
        }
        for (int b = 0; b <= a; b++) {
          assertEquals(Double.doubleToRawLongBits(Dense4.dot(x[a], x[b], from, to)),
              Double.doubleToRawLongBits(g[a][b]), "gram " + trial + " " + a + "," + b);
          checked++;
        }
      }
    }
    assertTrue(checked > 10000, "entries " + checked);
  }

  @Test
  void theOrderIsADotProduct() {
    Random r = new Random(6);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(200);
      double[][] x = rows(r, 2, n);
      java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
      double abs = 0;
      for (int j = 0; j < n; j++) {
        exact = exact.add(new java.math.BigDecimal(x[0][j]).multiply(new java.math.BigDecimal(x[1][j])));
        abs += Math.abs(x[0][j] * x[1][j]);
      }
      double d = Dense4.dot(x[0], x[1], 0, n);
      assertTrue(Math.abs(d - exact.doubleValue()) <= 4.0 * n * 0x1p-53 * abs + Double.MIN_NORMAL,
          "trial " + trial + ": " + d + " vs " + exact.doubleValue());
    }
  }
}

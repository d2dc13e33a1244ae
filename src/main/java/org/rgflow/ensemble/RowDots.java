package org.rgflow.ensemble;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.rgflow.core.Sums;

/**
 * out_v[i0 + r] = s · Sums.dot(tile_r, x_v) for a tile of weight rows and many vectors, vectorised
 * along the row: a 4-lane vector over j, j+1, j+2, j+3 holds exactly {@link Sums#dot}'s four partial
 * sums (the same multiply-then-add roundings, no fused multiply-add), which are then combined as
 * (s0 + s1) + (s2 + s3) and followed by the scalar tail in order, so each result is bit for bit the
 * scalar one. Unlike {@link TileDots} the tile is read as the generator wrote it (no transpose) and
 * there is no broadcast per multiply; blocks of 4 rows × 2 vectors share every load. Loaded only where
 * {@link org.rgflow.rng.Simd#lanes} &gt; 0 (the Vector API module is present).
 */
final class RowDots {
  private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_256;

  private RowDots() {}

  /** For rows r &lt; rows of {@code tile} and vectors v &lt; count: out[v][i0 + r] = s · dot(tile[r], x[v]). */
  static void dots(double[][] tile, int rows, double[][] x, double[][] out, int count, int i0, int nIn,
      double s) {
    int nBody = nIn & ~3;
    int v = 0;
    for (; v + 1 < count; v += 2) {
      double[] xa = x[v];
      double[] xb = x[v + 1];
      double[] oa = out[v];
      double[] ob = out[v + 1];
      int r = 0;
      for (; r + 3 < rows; r += 4) {
        double[] t0 = tile[r];
        double[] t1 = tile[r + 1];
        double[] t2 = tile[r + 2];
        double[] t3 = tile[r + 3];
        DoubleVector a0 = DoubleVector.zero(DS);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        DoubleVector b0 = a0;
        DoubleVector b1 = a0;
        DoubleVector b2 = a0;
        DoubleVector b3 = a0;
        for (int j = 0; j < nBody; j += 4) {
          DoubleVector va = DoubleVector.fromArray(DS, xa, j);
          DoubleVector vb = DoubleVector.fromArray(DS, xb, j);
          DoubleVector w0 = DoubleVector.fromArray(DS, t0, j);
          a0 = a0.add(w0.mul(va));
          b0 = b0.add(w0.mul(vb));
          DoubleVector w1 = DoubleVector.fromArray(DS, t1, j);
          a1 = a1.add(w1.mul(va));
          b1 = b1.add(w1.mul(vb));
          DoubleVector w2 = DoubleVector.fromArray(DS, t2, j);
          a2 = a2.add(w2.mul(va));
          b2 = b2.add(w2.mul(vb));
          DoubleVector w3 = DoubleVector.fromArray(DS, t3, j);
          a3 = a3.add(w3.mul(va));
          b3 = b3.add(w3.mul(vb));
        }
        oa[i0 + r] = s * finish(a0, t0, xa, nBody, nIn);
        ob[i0 + r] = s * finish(b0, t0, xb, nBody, nIn);
        oa[i0 + r + 1] = s * finish(a1, t1, xa, nBody, nIn);
        ob[i0 + r + 1] = s * finish(b1, t1, xb, nBody, nIn);
        oa[i0 + r + 2] = s * finish(a2, t2, xa, nBody, nIn);
        ob[i0 + r + 2] = s * finish(b2, t2, xb, nBody, nIn);
        oa[i0 + r + 3] = s * finish(a3, t3, xa, nBody, nIn);
        ob[i0 + r + 3] = s * finish(b3, t3, xb, nBody, nIn);
      }
      for (; r < rows; r++) {
        oa[i0 + r] = s * Sums.dot(tile[r], xa, nIn);
        ob[i0 + r] = s * Sums.dot(tile[r], xb, nIn);
      }
    }
    for (; v < count; v++) {
      for (int r = 0; r < rows; r++) {
        out[v][i0 + r] = s * Sums.dot(tile[r], x[v], nIn);
      }
    }
  }

  /** (s0 + s1) + (s2 + s3) of the four partial sums, then the scalar tail j ≥ nBody in order. */
  private static double finish(DoubleVector acc, double[] t, double[] x, int nBody, int nIn) {
    double sum = (acc.lane(0) + acc.lane(1)) + (acc.lane(2) + acc.lane(3));
    for (int j = nBody; j < nIn; j++) {
      sum += t[j] * x[j];
    }
    return sum;
  }
}

package org.rgflow.ensemble;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.rgflow.core.Sums;

/**
 * out_v[i0 + r] = s · Sums.dot(row_r, x_v) for a tile of weight rows and many vectors, vectorised
 * across rows: the tile is stored transposed (column j of `lanes` consecutive rows is one vector),
 * so each lane runs exactly the scalar {@link Sums#dot} sequence (four partial sums, the same
 * multiply-then-add roundings, the same tail) and the result is bit for bit the scalar one. Loaded
 * only where {@link org.rgflow.rng.Simd#lanes} &gt; 0 (the Vector API module is present).
 */
final class TileDots {
  private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

  private TileDots() {}

  /** Lanes of the species: rows per vector. */
  static int lanes() {
    return DS.length();
  }

  /** tt[j·stride + r] = tile[r][j] for r &lt; rows, j &lt; nIn. */
  static void transpose(double[][] tile, int rows, int nIn, double[] tt, int stride) {
    for (int r = 0; r < rows; r++) {
      double[] t = tile[r];
      for (int j = 0; j < nIn; j++) {
        tt[j * stride + r] = t[j];
      }
    }
  }

  /**
   * For rows r0..r0+lanes−1 of the transposed tile (row stride {@code stride}) and vectors v &lt; count:
   * out[v][i0 + r] = s · Sums.dot(row_r, x[v], nIn).
   */
  static void dots(double[] tt, int stride, int r0, double[][] x, double[][] out, int count, int i0,
      int nIn, double s) {
    int lanes = DS.length();
    int nBody = nIn & ~3;
    double[] buf = new double[lanes];
    int v = 0;
    for (; v + 3 < count; v += 4) {
      double[] xa = x[v];
      double[] xb = x[v + 1];
      double[] xc = x[v + 2];
      double[] xd = x[v + 3];
      DoubleVector a0 = DoubleVector.zero(DS);
      DoubleVector a1 = a0;
      DoubleVector a2 = a0;
      DoubleVector a3 = a0;
      DoubleVector b0 = a0;
      DoubleVector b1 = a0;
      DoubleVector b2 = a0;
      DoubleVector b3 = a0;
      DoubleVector c0 = a0;
      DoubleVector c1 = a0;
      DoubleVector c2 = a0;
      DoubleVector c3 = a0;
      DoubleVector d0 = a0;
      DoubleVector d1 = a0;
      DoubleVector d2 = a0;
      DoubleVector d3 = a0;
      for (int j = 0; j < nBody; j += 4) {
        int o = j * stride + r0;
        DoubleVector t0 = DoubleVector.fromArray(DS, tt, o);
        a0 = a0.add(t0.mul(xa[j]));
        b0 = b0.add(t0.mul(xb[j]));
        c0 = c0.add(t0.mul(xc[j]));
        d0 = d0.add(t0.mul(xd[j]));
        DoubleVector t1 = DoubleVector.fromArray(DS, tt, o + stride);
        a1 = a1.add(t1.mul(xa[j + 1]));
        b1 = b1.add(t1.mul(xb[j + 1]));
        c1 = c1.add(t1.mul(xc[j + 1]));
        d1 = d1.add(t1.mul(xd[j + 1]));
        DoubleVector t2 = DoubleVector.fromArray(DS, tt, o + 2 * stride);
        a2 = a2.add(t2.mul(xa[j + 2]));
        b2 = b2.add(t2.mul(xb[j + 2]));
        c2 = c2.add(t2.mul(xc[j + 2]));
        d2 = d2.add(t2.mul(xd[j + 2]));
        DoubleVector t3 = DoubleVector.fromArray(DS, tt, o + 3 * stride);
        a3 = a3.add(t3.mul(xa[j + 3]));
        b3 = b3.add(t3.mul(xb[j + 3]));
        c3 = c3.add(t3.mul(xc[j + 3]));
        d3 = d3.add(t3.mul(xd[j + 3]));
      }
      finish(a0.add(a1).add(a2.add(a3)), tt, stride, r0, xa, nBody, nIn, s, buf, out[v], i0);
      finish(b0.add(b1).add(b2.add(b3)), tt, stride, r0, xb, nBody, nIn, s, buf, out[v + 1], i0);
      finish(c0.add(c1).add(c2.add(c3)), tt, stride, r0, xc, nBody, nIn, s, buf, out[v + 2], i0);
      finish(d0.add(d1).add(d2.add(d3)), tt, stride, r0, xd, nBody, nIn, s, buf, out[v + 3], i0);
    }
    for (; v + 1 < count; v += 2) {
      double[] xa = x[v];
      double[] xb = x[v + 1];
      DoubleVector a0 = DoubleVector.zero(DS);
      DoubleVector a1 = a0;
      DoubleVector a2 = a0;
      DoubleVector a3 = a0;
      DoubleVector b0 = a0;
      DoubleVector b1 = a0;
      DoubleVector b2 = a0;
      DoubleVector b3 = a0;
      for (int j = 0; j < nBody; j += 4) {
        int o = j * stride + r0;
        DoubleVector t0 = DoubleVector.fromArray(DS, tt, o);
        DoubleVector t1 = DoubleVector.fromArray(DS, tt, o + stride);
        DoubleVector t2 = DoubleVector.fromArray(DS, tt, o + 2 * stride);
        DoubleVector t3 = DoubleVector.fromArray(DS, tt, o + 3 * stride);
        a0 = a0.add(t0.mul(xa[j]));
        a1 = a1.add(t1.mul(xa[j + 1]));
        a2 = a2.add(t2.mul(xa[j + 2]));
        a3 = a3.add(t3.mul(xa[j + 3]));
        b0 = b0.add(t0.mul(xb[j]));
        b1 = b1.add(t1.mul(xb[j + 1]));
        b2 = b2.add(t2.mul(xb[j + 2]));
        b3 = b3.add(t3.mul(xb[j + 3]));
      }
      finish(a0.add(a1).add(a2.add(a3)), tt, stride, r0, xa, nBody, nIn, s, buf, out[v], i0);
      finish(b0.add(b1).add(b2.add(b3)), tt, stride, r0, xb, nBody, nIn, s, buf, out[v + 1], i0);
    }
    for (; v < count; v++) {
      double[] xv = x[v];
      DoubleVector a0 = DoubleVector.zero(DS);
      DoubleVector a1 = a0;
      DoubleVector a2 = a0;
      DoubleVector a3 = a0;
      for (int j = 0; j < nBody; j += 4) {
        int o = j * stride + r0;
        a0 = a0.add(DoubleVector.fromArray(DS, tt, o).mul(xv[j]));
        a1 = a1.add(DoubleVector.fromArray(DS, tt, o + stride).mul(xv[j + 1]));
        a2 = a2.add(DoubleVector.fromArray(DS, tt, o + 2 * stride).mul(xv[j + 2]));
        a3 = a3.add(DoubleVector.fromArray(DS, tt, o + 3 * stride).mul(xv[j + 3]));
      }
      finish(a0.add(a1).add(a2.add(a3)), tt, stride, r0, xv, nBody, nIn, s, buf, out[v], i0);
    }
  }

  /** The scalar tail (j ≥ nBody, in order), then out[i0 + r] = s · lane r. */
  private static void finish(DoubleVector acc, double[] tt, int stride, int r0, double[] xv, int nBody,
      int nIn, double s, double[] buf, double[] out, int i0) {
    for (int j = nBody; j < nIn; j++) {
      acc = acc.add(DoubleVector.fromArray(DS, tt, j * stride + r0).mul(xv[j]));
    }
    acc.mul(s).intoArray(buf, 0);
    System.arraycopy(buf, 0, out, i0, buf.length);
  }
}

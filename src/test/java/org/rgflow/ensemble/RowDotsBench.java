package org.rgflow.ensemble;

import java.util.Random;

/** Scratch microbenchmark: RowDots vs TileDots (transpose + dots) on one 16-row tile. Not a test. */
public final class RowDotsBench {
  public static void main(String[] a) {
    int nIn = Integer.parseInt(a[0]);
    int count = Integer.parseInt(a[1]);
    int rows = 16;
    Random rnd = new Random(1);
    double[][] tile = new double[rows][nIn];
    double[][] x = new double[count][nIn];
    for (double[] t : tile) for (int j = 0; j < nIn; j++) t[j] = rnd.nextGaussian();
    for (double[] t : x) for (int j = 0; j < nIn; j++) t[j] = rnd.nextGaussian();
    double[][] o1 = new double[count][rows];
    double[][] o2 = new double[count][rows];
    double[] tt = new double[rows * nIn];
    int lanes = TileDots.lanes();
    for (int rep = 0; rep < Integer.parseInt(a[2]); rep++) {
      long t0 = System.nanoTime();
      for (int it = 0; it < 20; it++) {
        TileDots.transpose(tile, rows, nIn, tt, rows);
        for (int r = 0; r + lanes <= rows; r += lanes) TileDots.dots(tt, rows, r, x, o1, count, r, nIn, 0.5);
      }
      long t1 = System.nanoTime();
      for (int it = 0; it < 20; it++) RowDots.dots(tile, rows, x, o2, count, 0, nIn, 0.5);
      long t2 = System.nanoTime();
      boolean same = true;
      for (int v = 0; v < count; v++) for (int r = 0; r < rows; r++) same &= Double.doubleToRawLongBits(o1[v][r]) == Double.doubleToRawLongBits(o2[v][r]);
      double macs = 20.0 * rows * nIn * count;
      System.out.printf("tile %.2f GMAC/s  row %.2f GMAC/s  same=%b%n", macs / (t1 - t0), macs / (t2 - t1), same);
    }
  }
}

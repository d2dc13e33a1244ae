package org.rgflow.layer;

/**
 * The theory's state at one layer ℓ over N distinct inputs (docs/THEORY.md §2, §3, §6): the
 * infinite-width kernel K, the 1/n kernel correction G1 (E[z_α z_β] = K + G1/n_{ℓ−1}), the four-point
 * vertex V, the NTK mean Θ and the single-input NTK fluctuations A, B, D, F (the NTK quantities are
 * meaningless when σ′ is singular, as for step; the reports leave them out).
 */
public final class KernelState {
  public final int layer;
  public final double[][] k;
  public final double[][] g1;
  public final double[][][][] v;
  public final double[][] theta;
  public final double[] fa;
  public final double[] fb;
  public final double[] fd;
  public final double[] ff;
  /**
   * The three-point function T_{(α1α2)α3} = n_{ℓ−1} E[z_{i;α1} z_{i;α2} z_{k;α3}] (i ≠ k) at leading
   * order, or null where it vanishes (every MLP layer, by the sign-flip symmetry; docs/THEORY.md §17).
   */
  public double[][][] t3;

  public KernelState(int layer, double[][] k, double[][] g1, double[][][][] v, double[][] theta,
      double[] fa, double[] fb, double[] fd, double[] ff) {
    this.layer = layer;
    this.k = k;
    this.g1 = g1;
    this.v = v;
    this.theta = theta;
    this.fa = fa;
    this.fb = fb;
    this.fd = fd;
    this.ff = ff;
  }

  /**
   * A read-only n×n×n×n tensor whose every entry is {@code value}, in O(n) memory (one row shared by
   * all index triples): V where it is not computed (kernels only, NaN) or identically 0 (layer 1 on
   * many inputs). Never write into it.
   */
  public static double[][][][] constantVertex(int n, double value) {
    double[] row = new double[n];
    java.util.Arrays.fill(row, value);
    double[][] l2 = new double[n][];
    java.util.Arrays.fill(l2, row);
    double[][][] l3 = new double[n][][];
    java.util.Arrays.fill(l3, l2);
    double[][][][] l4 = new double[n][][][];
    java.util.Arrays.fill(l4, l3);
    return l4;
  }

  /** Beyond this many inputs layer 1's zero V is a {@link #constantVertex} (n⁴ doubles otherwise). */
  public static final int DENSE_VERTEX_MAX = 64;

  /** Number of distinct inputs. */
  public int inputs() {
    return k.length;
  }
}

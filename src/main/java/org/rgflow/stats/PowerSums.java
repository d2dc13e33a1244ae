package org.rgflow.stats;

import java.util.Arrays;

/**
 * One layer's power sums over its n neurons — everything the forward statistic blocks need, and what
 * a device reduces so that only O(N_D⁴) numbers per network and layer leave it. With a_ip = z_iα z_iβ
 * for the pair p = (α ≤ β) ({@link Pairs}):
 * <ul>
 *   <li>even: s_p = Σ_i a_ip (P), t_pq = Σ_i a_ip a_iq for p ≤ q (P(P+1)/2), c_α = Σ_i z_iα⁶ (N_D);
 *   <li>odd: s1_α = Σ_i z_iα and s3_α = Σ_i z_iα³ (N_D each).
 * </ul>
 * The device layout of one layer is these in that order: s, t (row-major upper triangle), c, then,
 * where the device reduces them, s1 and s3 ({@link #deviceLength}).
 *
 * <p>{@link #fromZ} accumulates in neuron order, pair by pair, in exactly this arithmetic, so a
 * source that hands over the same sums gets bit-identical statistics.
 */
public final class PowerSums {
  private final Pairs pairs;
  final double[] s;
  /** P × P, row-major; only p ≤ q is filled. */
  final double[] t;
  final double[] cube;
  final double[] s1;
  final double[] s3;
  private final double[] a;
  private boolean even;
  private boolean odd;

  public PowerSums(Pairs pairs) {
    this.pairs = pairs;
    int p = pairs.pairs;
    int nd = pairs.nd;
    s = new double[p];
    t = new double[p * p];
    cube = new double[nd];
    s1 = new double[nd];
    s3 = new double[nd];
    a = new double[p];
  }

  /** Doubles per layer in the device layout: the even sums, plus the odd ones when {@code odd}. */
  public static int deviceLength(int nd, boolean odd) {
    Pairs p = Pairs.of(nd);
    return p.pairs + p.pairsOfPairs() + nd + (odd ? 2 * nd : 0);
  }

  public Pairs pairs() {
    return pairs;
  }

  /**
   * The sums of z[α][i], i &lt; n (rows may be longer than n).
   *
   * @param withOdd also Σz and Σz³
   */
  public void fromZ(double[][] z, int n, boolean withOdd) {
    int np = pairs.pairs;
    int nd = pairs.nd;
    int[] pa = pairs.pa;
    int[] pb = pairs.pb;
    int[][] idx = pairs.index;
    Arrays.fill(s, 0);
    Arrays.fill(t, 0);
    Arrays.fill(cube, 0);
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < np; p++) {
        a[p] = z[pa[p]][i] * z[pb[p]][i];
        s[p] += a[p];
      }
      for (int p = 0; p < np; p++) {
        double ap = a[p];
        int row = p * np;
        for (int q = p; q < np; q++) {
          t[row + q] += ap * a[q];
        }
      }
      for (int al = 0; al < nd; al++) {
        double y = a[idx[al][al]];
        cube[al] += y * y * y;
      }
    }
    even = true;
    odd = withOdd;
    if (withOdd) {
      for (int al = 0; al < nd; al++) {
        double[] za = z[al];
        double m1 = 0;
        double m3 = 0;
        for (int i = 0; i < n; i++) {
          double zi = za[i];
          m1 += zi;
          m3 += zi * zi * zi;
        }
        s1[al] = m1;
        s3[al] = m3;
      }
    }
  }

  /**
   * The sums as a device wrote them at {@code sums[off..]} in the device layout.
   *
   * @param withOdd whether the device reduced s1 and s3 too
   */
  public void fromDevice(double[] sums, int off, boolean withOdd) {
    int np = pairs.pairs;
    int nd = pairs.nd;
    System.arraycopy(sums, off, s, 0, np);
    int r = off + np;
    for (int p = 0; p < np; p++) {
      for (int q = p; q < np; q++) {
        t[p * np + q] = sums[r++];
      }
    }
    System.arraycopy(sums, r, cube, 0, nd);
    r += nd;
    even = true;
    odd = withOdd;
    if (withOdd) {
      System.arraycopy(sums, r, s1, 0, nd);
      System.arraycopy(sums, r + nd, s3, 0, nd);
    }
  }

  /** Writes the sums into {@code out[off..]} in the device layout (the reference for device tests). */
  public void toDevice(double[] out, int off) {
    int np = pairs.pairs;
    int nd = pairs.nd;
    System.arraycopy(s, 0, out, off, np);
    int r = off + np;
    for (int p = 0; p < np; p++) {
      for (int q = p; q < np; q++) {
        out[r++] = t[p * np + q];
      }
    }
    System.arraycopy(cube, 0, out, r, nd);
    r += nd;
    if (odd) {
      System.arraycopy(s1, 0, out, r, nd);
      System.arraycopy(s3, 0, out, r + nd, nd);
    }
  }

  boolean hasEven() {
    return even;
  }

  boolean hasOdd() {
    return odd;
  }

  /** s_p. */
  public double s(int p) {
    return s[p];
  }

  /** t_pq for p ≤ q. */
  public double t(int p, int q) {
    return t[p * pairs.pairs + q];
  }
}

package org.rgflow.core;

import java.util.Arrays;

/**
 * A dense tensor over input indices: rank r, each index in 0..N_D−1, stored row-major in a flat
 * array of length N_D^r. Rank 0 is a scalar. Components that were not computed are NaN.
 */
public final class Tensor {
  private final int nd;
  private final int rank;
  private final double[] data;

  public Tensor(int nd, int rank) {
    this.nd = nd;
    this.rank = rank;
    int size = 1;
    for (int i = 0; i < rank; i++) {
      size *= nd;
    }
    this.data = new double[size];
    Arrays.fill(data, Double.NaN);
  }

  public static Tensor of(int nd, Obs obs) {
    return new Tensor(nd, obs.rank());
  }

  public int nd() {
    return nd;
  }

  public int rank() {
    return rank;
  }

  public int size() {
    return data.length;
  }

  /** Flat index of a component; {@code idx.length} must equal the rank. */
  public int flat(int... idx) {
    int f = 0;
    for (int i : idx) {
      f = f * nd + i;
    }
    return f;
  }

  public double get(int... idx) {
    return data[flat(idx)];
  }

  public void set(double v, int... idx) {
    data[flat(idx)] = v;
  }

  public double getFlat(int f) {
    return data[f];
  }

  public void setFlat(int f, double v) {
    data[f] = v;
  }

  /** The component indices of flat index f. */
  public int[] unflat(int f) {
    int[] idx = new int[rank];
    for (int i = rank - 1; i >= 0; i--) {
      idx[i] = f % nd;
      f /= nd;
    }
    return idx;
  }

  /** The one component of a scalar-valued (N_D = 1 or rank 0) tensor. */
  public double scalar() {
    return data[0];
  }

  public double[] raw() {
    return data;
  }

  @Override
  public String toString() {
    return "Tensor(nd=" + nd + ", rank=" + rank + ", " + Arrays.toString(data) + ")";
  }
}

package org.rgflow.stats;

import java.util.Arrays;

/**
 * Storeless mean vector and co-moment matrix of d-dimensional observations — one per network — with
 * Welford's one-at-a-time update and the pairwise merge of Chan, Golub and LeVeque (1979):
 * <pre>
 *   δ = x̄_B − x̄_A,  N = N_A + N_B,  x̄ = x̄_A + δ N_B/N,  M = M_A + M_B + δδᵀ N_A N_B / N
 * </pre>
 * where M = Σ (x − x̄)(x − x̄)ᵀ. Covariance = M/(N − 1). Adding one observation is the merge with
 * N_B = 1. NaN components (estimators undefined for a width) stay NaN in their own row and column
 * only. Memory: d + d² doubles. Not thread-safe; the ensemble merges partials in a fixed order so
 * results are bit-identical for every thread count.
 */
public final class MomentAccumulator {
  private final int dim;
  private long count;
  private final double[] mean;
  private final double[] m2; // dim × dim, row-major, symmetric (both halves kept)
  private final double[] delta;

  public MomentAccumulator(int dim) {
    this.dim = dim;
    this.mean = new double[dim];
    this.m2 = new double[dim * dim];
    this.delta = new double[dim];
  }

  public int dim() {
    return dim;
  }

  public long count() {
    return count;
  }

  /** Adds one observation x (length dim). */
  public void add(double[] x) {
    count++;
    double inv = 1.0 / count;
    for (int i = 0; i < dim; i++) {
      delta[i] = x[i] - mean[i];
      mean[i] += delta[i] * inv;
    }
    double w = (count - 1) * inv;
    for (int i = 0; i < dim; i++) {
      double di = delta[i] * w;
      int row = i * dim;
      for (int j = 0; j < dim; j++) {
        m2[row + j] += di * delta[j];
      }
    }
  }

  /** Merges {@code other} into this (this = this ∪ other); {@code other} is unchanged. */
  public void merge(MomentAccumulator other) {
    if (other.dim != dim) {
      throw new IllegalArgumentException("dimension " + other.dim + " != " + dim);
    }
    if (other.count == 0) {
      return;
    }
    if (count == 0) {
      count = other.count;
      System.arraycopy(other.mean, 0, mean, 0, dim);
      System.arraycopy(other.m2, 0, m2, 0, dim * dim);
      return;
    }
    double na = count;
    double nb = other.count;
    double n = na + nb;
    for (int i = 0; i < dim; i++) {
      delta[i] = other.mean[i] - mean[i];
      mean[i] += delta[i] * (nb / n);
    }
    double w = na * nb / n;
    for (int i = 0; i < dim; i++) {
      double di = delta[i] * w;
      int row = i * dim;
      for (int j = 0; j < dim; j++) {
        m2[row + j] += other.m2[row + j] + di * delta[j];
      }
    }
    count += other.count;
  }

  /** Mean of component i. */
  public double mean(int i) {
    return mean[i];
  }

  /** A copy of the mean vector. */
  public double[] means() {
    return mean.clone();
  }

  /** Sample covariance M_ij/(N − 1); NaN when N &lt; 2. */
  public double covariance(int i, int j) {
    return count < 2 ? Double.NaN : m2[i * dim + j] / (count - 1);
  }

  /**
   * Delta-method standard error of g(mean) from its gradient: √(∇gᵀ Σ ∇g / N). Zero gradient
   * entries are skipped (so undefined, NaN components do not leak into other observables). NaN when
   * N &lt; 2.
   */
  public double standardError(double[] grad) {
    if (count < 2) {
      return Double.NaN;
    }
    double q = 0;
    for (int i = 0; i < dim; i++) {
      if (grad[i] == 0) {
        continue;
      }
      int row = i * dim;
      for (int j = 0; j < dim; j++) {
        if (grad[j] != 0) {
          q += grad[i] * m2[row + j] * grad[j];
        }
      }
    }
    q /= (count - 1);
    return Math.sqrt(Math.max(q, 0) / count);
  }

  /**
   * Writes dim, count, mean and co-moments exactly (raw IEEE bits), for moving a partial state to
   * another process ({@link #readFrom}); merging the copy gives the same bits as merging this.
   */
  public void writeTo(java.io.DataOutput out) throws java.io.IOException {
    out.writeInt(dim);
    out.writeLong(count);
    for (double v : mean) {
      out.writeLong(Double.doubleToRawLongBits(v));
    }
    for (double v : m2) {
      out.writeLong(Double.doubleToRawLongBits(v));
    }
  }

  /** The state {@link #writeTo} wrote. */
  public static MomentAccumulator readFrom(java.io.DataInput in) throws java.io.IOException {
    MomentAccumulator a = new MomentAccumulator(in.readInt());
    a.count = in.readLong();
    for (int i = 0; i < a.dim; i++) {
      a.mean[i] = Double.longBitsToDouble(in.readLong());
    }
    for (int i = 0; i < a.m2.length; i++) {
      a.m2[i] = Double.longBitsToDouble(in.readLong());
    }
    return a;
  }

  /** Bitwise equality of count, mean and co-moments (for determinism tests). */
  public boolean sameBits(MomentAccumulator o) {
    return count == o.count && Arrays.equals(mean, o.mean) && Arrays.equals(m2, o.m2);
  }
}

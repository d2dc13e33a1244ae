package org.rgflow.stats;

import java.util.Arrays;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;

/**
 * What a block's estimator sees of one layer's accumulated statistics: the ensemble means, the
 * delta-method standard error of any smooth function of them (from its gradient,
 * {@link MomentAccumulator#standardError}), the offsets of every block in the vector, N_D and
 * n = n_{ℓ−1}.
 */
public final class Estimator {
  private final StatSet set;
  private final MomentAccumulator acc;
  private final double[] mu;
  private final double[] grad;
  private final int nPrev;

  Estimator(StatSet set, MomentAccumulator acc, int nPrev) {
    this.set = set;
    this.acc = acc;
    this.mu = acc.means();
    this.grad = new double[acc.dim()];
    this.nPrev = nPrev;
  }

  /** The ensemble mean of statistic i. */
  public double mean(int i) {
    return mu[i];
  }

  /** Where a block's statistics start. */
  public int offset(StatBlock b) {
    return set.offset(b);
  }

  public Pairs pairs() {
    return set.pairs();
  }

  public int inputs() {
    return set.inputs();
  }

  /** n_{ℓ−1}, the previous layer's width (n₀ for layer 1). */
  public int nPrev() {
    return nPrev;
  }

  /** A zeroed gradient vector to fill for {@link #standardError()}. */
  public double[] gradient() {
    Arrays.fill(grad, 0);
    return grad;
  }

  /** The standard error of g(mean) whose gradient was filled into {@link #gradient()}. */
  public double standardError() {
    return acc.standardError(grad);
  }

  /** The standard error of scale·(mean of statistic i). */
  public double linearError(int i, double scale) {
    gradient()[i] = scale;
    return acc.standardError(grad);
  }

  /** Records a measured observable with its errors. */
  public static void put(LayerValues lv, Obs obs, Tensor value, Tensor err) {
    lv.value().put(obs, value);
    lv.err().put(obs, err);
  }
}

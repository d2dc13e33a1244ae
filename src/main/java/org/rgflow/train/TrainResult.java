package org.rgflow.train;

import org.rgflow.stats.MomentAccumulator;

/**
 * A trained ensemble's statistics, all from one storeless {@link MomentAccumulator} over per-network
 * vectors (so nothing grows with E). Standard errors are delta-method SEs of functions of means:
 * the mean of z_β has SE √(Var z_β / E); the covariance Cov(z_β1, z_β2) = E[z_β1 z_β2] − E z_β1 E z_β2
 * (times E/(E−1), unbiased) has the SE of that function of the means of (z_β1, z_β2, z_β1 z_β2).
 */
public final class TrainResult {
  private final CpuTrainer.Layout lay;
  private final MomentAccumulator acc;
  private final double seconds;

  TrainResult(CpuTrainer.Layout lay, MomentAccumulator acc, double seconds) {
    this.lay = lay;
    this.acc = acc;
    this.seconds = seconds;
  }

  public long ensemble() {
    return acc.count();
  }

  public double seconds() {
    return seconds;
  }

  public int testCount() {
    return lay.b;
  }

  public int trainCount() {
    return lay.a;
  }

  /** Mean over the ensemble of the trained output at test point β. */
  public double mean(int beta) {
    return acc.mean(lay.zT + beta);
  }

  public double meanErr(int beta) {
    return se(lay.zT + beta);
  }

  /** Mean of the initial output at test point β (≈ 0; a sanity check of the initialisation). */
  public double initialMean(int beta) {
    return acc.mean(lay.z0 + beta);
  }

  public double initialMeanErr(int beta) {
    return se(lay.z0 + beta);
  }

  /** Covariance of the trained outputs at test points β1, β2 (unbiased). */
  public double cov(int b1, int b2) {
    double e = acc.count();
    double m = acc.mean(lay.prod + CpuTrainer.Layout.tri(b1, b2, lay.b)) - mean(b1) * mean(b2);
    return m * e / (e - 1);
  }

  public double covErr(int b1, int b2) {
    double[] g = new double[lay.dim];
    g[lay.prod + CpuTrainer.Layout.tri(b1, b2, lay.b)] = 1;
    g[lay.zT + b1] -= mean(b2);
    g[lay.zT + b2] -= mean(b1);
    return acc.standardError(g);
  }

  /**
   * Mean departure of the trained output at β from the infinite-width kernel map applied to the same
   * network's initial outputs, z_β(T) − [z_β(0) − P(z_A(0) − y)]. Its expectation is exactly
   * (measured mean − NTK mean), but its variance is only the finite-width part, so it resolves the
   * O(1/n) departure far better than the raw mean.
   */
  public double departure(int beta) {
    return acc.mean(lay.dep + beta);
  }

  public double departureErr(int beta) {
    return se(lay.dep + beta);
  }

  /** Ensemble variance of the per-network departure (a finite-width fluctuation, O(1/n)). */
  public double departureVar(int beta) {
    return acc.covariance(lay.dep + beta, lay.dep + beta);
  }

  /** Mean empirical NTK Θ̂_{α1α2} on the training points at the first step. */
  public double ntkInitial(int a1, int a2) {
    return acc.mean(lay.ntk0 + CpuTrainer.Layout.tri(a1, a2, lay.a));
  }

  public double ntkInitialErr(int a1, int a2) {
    return se(lay.ntk0 + CpuTrainer.Layout.tri(a1, a2, lay.a));
  }

  /** Mean empirical NTK on the training points at the last step. */
  public double ntkFinal(int a1, int a2) {
    return acc.mean(lay.ntkT + CpuTrainer.Layout.tri(a1, a2, lay.a));
  }

  public double ntkFinalErr(int a1, int a2) {
    return se(lay.ntkT + CpuTrainer.Layout.tri(a1, a2, lay.a));
  }

  /** Mean of ‖Θ̂_T − Θ̂_0‖_F / ‖Θ̂_0‖_F (per network, on the training points). */
  public double ntkRelativeChange() {
    return acc.mean(lay.rel);
  }

  public double ntkRelativeChangeErr() {
    return se(lay.rel);
  }

  /** Mean final training loss ½Σ(z − y)². */
  public double loss() {
    return acc.mean(lay.loss);
  }

  public double lossErr() {
    return se(lay.loss);
  }

  /**
   * Mean fraction of (hidden neuron, training input) pairs whose pre-activation changed sign during
   * training: for ReLU the units that crossed the kink.
   */
  public double signFlips() {
    return acc.mean(lay.flip);
  }

  public double signFlipsErr() {
    return se(lay.flip);
  }

  /** Number of trajectory checkpoints (TrainSettings.checkpoints). */
  public int checkpointCount() {
    return lay.k;
  }

  /** Mean trained output at test point β after checkpoint c's step. */
  public double meanAt(int c, int beta) {
    return acc.mean(lay.ck + c * lay.b + beta);
  }

  public double meanAtErr(int c, int beta) {
    return se(lay.ck + c * lay.b + beta);
  }

  /** Variance (unbiased) of the output at test point β after checkpoint c's step. */
  public double varAt(int c, int beta) {
    double e = acc.count();
    double m = meanAt(c, beta);
    return (acc.mean(lay.ck2 + c * lay.b + beta) - m * m) * e / (e - 1);
  }

  /** Delta-method SE of {@link #varAt} (from the means of z and z²). */
  public double varAtErr(int c, int beta) {
    double[] g = new double[lay.dim];
    g[lay.ck2 + c * lay.b + beta] = 1;
    g[lay.ck + c * lay.b + beta] = -2 * meanAt(c, beta);
    return acc.standardError(g);
  }

  /** Mean number of GD steps taken. */
  public double steps() {
    return acc.mean(lay.steps);
  }

  private double se(int idx) {
    double[] g = new double[lay.dim];
    g[idx] = 1;
    return acc.standardError(g);
  }
}

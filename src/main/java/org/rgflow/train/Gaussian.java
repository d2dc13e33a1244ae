package org.rgflow.train;

/**
 * A Gaussian over N points: mean vector and covariance matrix (both copied neither in nor out; treat
 * as read-only).
 */
public record Gaussian(double[] mean, double[][] cov) {
  /** The marginal over points {@code from..from+count−1}. */
  public Gaussian block(int from, int count) {
    double[] m = new double[count];
    double[][] c = new double[count][count];
    for (int i = 0; i < count; i++) {
      m[i] = mean[from + i];
      for (int j = 0; j < count; j++) {
        c[i][j] = cov[from + i][from + j];
      }
    }
    return new Gaussian(m, c);
  }
}

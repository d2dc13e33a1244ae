package org.rgflow.train;

/**
 * Weighted least-squares fit of |D(n)| = A·n^p (a straight line in log|D| against log n) from values
 * D_k ± σ_k at widths n_k; each point is weighted by (|D_k|/σ_k)², the inverse variance of log|D_k|
 * to first order. A slope p = −1 is "the departure shrinks as 1/n". The error of p is the usual
 * √((XᵀWX)⁻¹)_pp, scaled by √(χ²/dof) when χ²/dof &gt; 1 (so scatter beyond the SEs widens it).
 *
 * @param slope p
 * @param slopeErr its standard error
 * @param amplitude A (the fitted |D| at n = 1)
 * @param chi2 χ² of the fit, with k − 2 degrees of freedom
 * @param points k
 */
public record PowerFit(double slope, double slopeErr, double amplitude, double chi2, int points) {
  /** Fits |D| = A n^p; needs ≥ 3 widths with D ≠ 0. */
  public static PowerFit fit(double[] n, double[] d, double[] se) {
    int k = checkedWidths(n, d, se);
    double sw = 0;
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    double[] x = new double[k];
    double[] y = new double[k];
    double[] w = new double[k];
    for (int i = 0; i < k; i++) {
      x[i] = Math.log(n[i]);
      y[i] = Math.log(Math.abs(d[i]));
      double s = se[i] / Math.abs(d[i]);
      w[i] = 1 / (s * s);
      sw += w[i];
      sx += w[i] * x[i];
      sy += w[i] * y[i];
      sxx += w[i] * x[i] * x[i];
      sxy += w[i] * x[i] * y[i];
    }
    double det = sw * sxx - sx * sx;
    double p = (sw * sxy - sx * sy) / det;
    double c = (sxx * sy - sx * sxy) / det;
    double chi2 = 0;
    for (int i = 0; i < k; i++) {
      double r = y[i] - c - p * x[i];
      chi2 += w[i] * r * r;
    }
    double var = sw / det;
    double red = k > 2 ? chi2 / (k - 2) : 0;
    if (red > 1) {
      var *= red;
    }
    return new PowerFit(p, Math.sqrt(var), Math.exp(c), chi2, k);
  }

  /** The number of widths k, after checking k ≥ 3 and that values and errors have k entries. */
  static int checkedWidths(double[] n, double[] d, double[] se) {
    int k = n.length;
    if (k < 3 || d.length != k || se.length != k) {
      throw new IllegalArgumentException("need at least 3 widths with values and errors, got " + k);
    }
    return k;
  }
}

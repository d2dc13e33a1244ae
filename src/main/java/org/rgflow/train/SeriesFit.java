package org.rgflow.train;

import org.hipparchus.distribution.continuous.ChiSquaredDistribution;

/**
 * Weighted least-squares fit of D(n) = a·n^{p1} + b·n^{p2} to values D_k ± σ_k at widths n_k, with
 * fixed exponents: the finite-width expansion's a/n + b/n² (p1 = −1, p2 = −2), or a/√n + b/n for an
 * expansion that starts at n^{−1/2} (ReLU's kink, docs/TRAINING.md). Unlike {@link PowerFit} it
 * allows the departure to change sign across widths. The p-value P(χ²_{k−2} ≥ χ²) says whether the
 * model is compatible with the data at their standard errors.
 *
 * @param p1 first exponent
 * @param p2 second exponent
 * @param a coefficient of n^{p1}
 * @param aErr its standard error (not rescaled by χ²)
 * @param b coefficient of n^{p2}
 * @param bErr its standard error
 * @param chi2 χ² at the optimum
 * @param dof k − 2
 * @param pValue P(χ²_dof ≥ chi2)
 */
public record SeriesFit(double p1, double p2, double a, double aErr, double b, double bErr, double chi2, int dof,
    double pValue) {

  /** Fits D = a n^{p1} + b n^{p2}; needs ≥ 3 widths and positive errors. */
  public static SeriesFit fit(double[] n, double[] d, double[] se, double p1, double p2) {
    int k = PowerFit.checkedWidths(n, d, se);
    double s11 = 0;
    double s12 = 0;
    double s22 = 0;
    double t1 = 0;
    double t2 = 0;
    for (int i = 0; i < k; i++) {
      if (!(se[i] > 0)) {
        throw new IllegalArgumentException("standard error must be positive, got " + se[i]);
      }
      double w = 1 / (se[i] * se[i]);
      double f1 = Math.pow(n[i], p1);
      double f2 = Math.pow(n[i], p2);
      s11 += w * f1 * f1;
      s12 += w * f1 * f2;
      s22 += w * f2 * f2;
      t1 += w * f1 * d[i];
      t2 += w * f2 * d[i];
    }
    double det = s11 * s22 - s12 * s12;
    double a = (s22 * t1 - s12 * t2) / det;
    double b = (s11 * t2 - s12 * t1) / det;
    double chi2 = 0;
    for (int i = 0; i < k; i++) {
      double r = (d[i] - a * Math.pow(n[i], p1) - b * Math.pow(n[i], p2)) / se[i];
      chi2 += r * r;
    }
    int dof = k - 2;
    double p = dof > 0 ? 1 - new ChiSquaredDistribution(dof).cumulativeProbability(chi2) : Double.NaN;
    return new SeriesFit(p1, p2, a, Math.sqrt(s22 / det), b, Math.sqrt(s11 / det), chi2, dof, p);
  }

  /** "a/n + b/n^2" style label. */
  public String label() {
    return term(p1, "a") + " + " + term(p2, "b");
  }

  private static String term(double p, String c) {
    if (p == -1) {
      return c + "/n";
    }
    if (p == -0.5) {
      return c + "/sqrt(n)";
    }
    if (p == -2) {
      return c + "/n^2";
    }
    return c + "·n^" + p;
  }
}

package org.rgflow.core;

/** Fixed-order sums shared by the CPU samplers, so their results depend on nothing but the data. */
public final class Sums {
  private Sums() {}

  /**
   * Σ_j x_j y_j over j &lt; n with four partial sums (fixed order: ((s0+s1)+(s2+s3)) + tail): the one
   * dot product of the CPU samplers, so their results depend on nothing but the data.
   */
  public static double dot(double[] x, double[] y, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      s0 += x[j] * y[j];
      s1 += x[j + 1] * y[j + 1];
      s2 += x[j + 2] * y[j + 2];
      s3 += x[j + 3] * y[j + 3];
    }
    double s = (s0 + s1) + (s2 + s3);
    for (; j < n; j++) {
      s += x[j] * y[j];
    }
    return s;
  }

}

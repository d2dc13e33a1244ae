package org.rgflow.spec;

/**
 * The N_D input vectors x_{α} (α = 0..N_D−1), each of dimension n₀.
 *
 * <p>Only the Gram matrix (1/n₀) Σ_j x_{j;α} x_{j;β} enters the theory; the samplers use the vectors
 * themselves.
 */
public final class Inputs {
  private final double[][] x;

  /** @param x N_D rows of n₀ finite numbers each (copied). */
  public Inputs(double[][] x) {
    if (x == null || x.length == 0) {
      throw new SpecException("--inputs", "at least one input vector is needed");
    }
    int n0 = x[0].length;
    if (n0 == 0) {
      throw new SpecException("--inputs", "input vectors must have at least one component");
    }
    this.x = new double[x.length][];
    for (int a = 0; a < x.length; a++) {
      if (x[a].length != n0) {
        throw new SpecException("--inputs", "input " + a + " has " + x[a].length
            + " components, input 0 has " + n0);
      }
      for (double v : x[a]) {
        if (!Double.isFinite(v)) {
          throw new SpecException("--inputs", "input " + a + " has a non-finite component " + v);
        }
      }
      this.x[a] = x[a].clone();
    }
  }

  /**
   * Inputs with prescribed root-mean-square norms q_α (so (1/n₀)|x_α|² = q_α²) and pairwise angles
   * (radians; {@code angles[a][b]} for a &lt; b is used). The vectors are the rows of the Cholesky
   * factor of the Gram matrix, scaled by √n₀ and padded with zeros; n₀ must be ≥ N_D.
   */
  public static Inputs fromNormsAndAngles(int n0, double[] q, double[][] angles) {
    int nd = q.length;
    if (nd == 0) {
      throw new SpecException("--inputs", "at least one norm is needed");
    }
    if (n0 < nd) {
      throw new SpecException("--n0", "input dimension " + n0 + " is smaller than the number of inputs "
          + nd);
    }
    double[][] g = new double[nd][nd];
    for (int a = 0; a < nd; a++) {
      if (!(q[a] > 0) || !Double.isFinite(q[a])) {
        throw new SpecException("--inputs", "input norms must be positive and finite, got " + q[a]);
      }
      for (int b = 0; b < nd; b++) {
        double ang = a == b ? 0 : angles[Math.min(a, b)][Math.max(a, b)];
        if (!Double.isFinite(ang)) {
          throw new SpecException("--inputs", "angles must be finite, got " + ang);
        }
        g[a][b] = q[a] * q[b] * Math.cos(ang);
      }
    }
    double[][] l = new double[nd][nd];
    for (int i = 0; i < nd; i++) {
      for (int j = 0; j <= i; j++) {
        double s = g[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (s < -1e-12 * g[i][i]) {
            throw new SpecException("--inputs", "the angles do not form a valid Gram matrix");
          }
          l[i][i] = Math.sqrt(Math.max(s, 0));
        } else {
          l[i][j] = l[j][j] > 0 ? s / l[j][j] : 0;
        }
      }
    }
    double[][] x = new double[nd][n0];
    double scale = Math.sqrt(n0);
    for (int a = 0; a < nd; a++) {
      for (int k = 0; k <= a; k++) {
        x[a][k] = l[a][k] * scale;
      }
    }
    return new Inputs(x);
  }

  /** Number of inputs N_D. */
  public int count() {
    return x.length;
  }

  /** Input dimension n₀. */
  public int dim() {
    return x[0].length;
  }

  /** Component j of input α. */
  public double get(int alpha, int j) {
    return x[alpha][j];
  }

  /** Input α (a copy). */
  public double[] vector(int alpha) {
    return x[alpha].clone();
  }

  /** (1/n₀) Σ_j x_{j;α} x_{j;β}, the N_D × N_D Gram matrix that enters K^{(1)}. */
  public double[][] gram() {
    int nd = x.length;
    int n0 = x[0].length;
    double[][] g = new double[nd][nd];
    for (int a = 0; a < nd; a++) {
      for (int b = 0; b <= a; b++) {
        double s = 0;
        for (int j = 0; j < n0; j++) {
          s += x[a][j] * x[b][j];
        }
        g[a][b] = g[b][a] = s / n0;
      }
    }
    return g;
  }
}

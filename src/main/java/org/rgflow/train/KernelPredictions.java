package org.rgflow.train;

import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.EigenDecompositionSymmetric;
import org.hipparchus.linear.RealMatrix;
import org.rgflow.spec.SpecException;

/**
 * Infinite-width predictions for one output component (docs/THEORY.md §8; PDLT ch. 6 and 10), over
 * N = N_A + N_B points ordered train first (α̃ = 0..N_A−1), then test.
 *
 * <p>Gradient descent (NTK). At infinite width the network is linear in its parameters, so after t
 * full-batch steps of size η on L = ½ Σ_α̃ (z_α̃ − y_α̃)²
 * <pre>
 *   z(t) = z(0) − P_t (z_A(0) − y),   P_t = Θ_{·,A} M_t,   M_t = Θ̃⁻¹ [1 − (1 − ηΘ̃)^t]
 * </pre>
 * for every point (train or test). M_t comes from the eigendecomposition Θ̃ = U diag(θ_k) Uᵀ as
 * U diag((1 − (1 − ηθ_k)^t)/θ_k) Uᵀ (written with expm1/log1p, so θ_k → 0 gives ηt). With z(0) ~ N(0, K)
 * and Q = 1 − P_t S (S selects the train rows): mean P_t y, covariance Q K Qᵀ. At convergence
 * (t → ∞, needs 0 &lt; ηθ_k &lt; 2) M = Θ̃⁻¹ and the formulas reduce to §8's m and Σ.
 *
 * <p>Bayesian posterior (NNGP): mean K_{·A}(K̃ + σ_ε²)⁻¹y, covariance K − K_{·A}(K̃ + σ_ε²)⁻¹K_{A·}, and the
 * log evidence −½ yᵀ(K̃ + σ_ε²)⁻¹y − ½ log det(2π(K̃ + σ_ε²)), by Cholesky.
 */
public final class KernelPredictions {
  private final int n;
  private final int nTrain;
  private final double[][] k;
  private final double[][] theta;
  private final double[] y;
  private final double[] eig;
  private final double[][] u;

  /**
   * @param k N × N NNGP kernel K^{(L)} over train ∪ test (train first)
   * @param theta N × N frozen NTK Θ^{(L)}, same order
   * @param nTrain N_A ≥ 1
   * @param y the N_A training labels of this output component
   */
  public KernelPredictions(double[][] k, double[][] theta, int nTrain, double[] y) {
    this.n = k.length;
    if (theta.length != n || nTrain < 1 || nTrain > n || y.length != nTrain) {
      throw new IllegalArgumentException("kernel sizes: K " + n + ", Θ " + theta.length + ", train "
          + nTrain + ", labels " + y.length);
    }
    this.nTrain = nTrain;
    this.k = copy(k);
    this.theta = copy(theta);
    this.y = y.clone();
    double[][] tt = new double[nTrain][nTrain];
    for (int a = 0; a < nTrain; a++) {
      for (int b = 0; b < nTrain; b++) {
        tt[a][b] = 0.5 * (theta[a][b] + theta[b][a]);
      }
    }
    EigenDecompositionSymmetric ed = new EigenDecompositionSymmetric(new Array2DRowRealMatrix(tt, false));
    eig = ed.getEigenvalues();
    u = ed.getV().getData();
  }

  public int points() {
    return n;
  }

  public int trainPoints() {
    return nTrain;
  }

  /** The frozen NTK Θ_{ij} (i, j over train ∪ test). */
  public double theta(int i, int j) {
    return theta[i][j];
  }

  /** The NNGP kernel K_{ij}. */
  public double kernel(int i, int j) {
    return k[i][j];
  }

  /** Eigenvalues of the train–train NTK block Θ̃ (largest first). */
  public double[] ntkEigenvalues() {
    return eig.clone();
  }

  /** The largest step η for which GD converges at infinite width: 2/θ_max. */
  public double maxStableEta() {
    double mx = 0;
    for (double e : eig) {
      mx = Math.max(mx, e);
    }
    return 2 / mx;
  }

  /**
   * The linear map P_t (N × N_A): z(t) = z(0) − P_t (z_A(0) − y) for every point. {@code steps} &lt; 0
   * means convergence.
   *
   * @throws SpecException (--eta) when GD diverges (ηθ_k ∉ (0, 2)) and steps &lt; 0, or Θ̃ is singular at convergence
   */
  public double[][] map(double eta, long steps) {
    double[] f = new double[nTrain];
    for (int q = 0; q < nTrain; q++) {
      double th = eig[q];
      double x = eta * th;
      if (steps < 0) {
        if (!(x > 0 && x < 2)) {
          throw new SpecException("--eta", "gradient descent does not converge at infinite width: eta*theta = "
              + x + " for an eigenvalue theta = " + th + " of the train NTK (need 0 < eta*theta < 2)");
        }
        f[q] = 1 / th;
      } else if (th == 0) {
        f[q] = eta * steps;
      } else if (x < 1) {
        f[q] = -Math.expm1(steps * Math.log1p(-x)) / th;
      } else {
        f[q] = (1 - Math.pow(1 - x, steps)) / th;
      }
    }
    double[][] m = new double[nTrain][nTrain];
    for (int a = 0; a < nTrain; a++) {
      for (int b = 0; b < nTrain; b++) {
        double s = 0;
        for (int q = 0; q < nTrain; q++) {
          s += u[a][q] * f[q] * u[b][q];
        }
        m[a][b] = s;
      }
    }
    double[][] p = new double[n][nTrain];
    for (int i = 0; i < n; i++) {
      for (int b = 0; b < nTrain; b++) {
        double s = 0;
        for (int a = 0; a < nTrain; a++) {
          s += theta[i][a] * m[a][b];
        }
        p[i][b] = s;
      }
    }
    return p;
  }

  /** The NTK-trained ensemble after {@code steps} steps of size η (steps &lt; 0: at convergence). */
  public Gaussian ntk(double eta, long steps) {
    double[][] p = map(eta, steps);
    double[] mean = new double[n];
    double[][] q = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < nTrain; a++) {
        mean[i] += p[i][a] * y[a];
      }
      q[i][i] = 1;
      for (int a = 0; a < nTrain; a++) {
        q[i][a] -= p[i][a];
      }
    }
    return new Gaussian(mean, sandwich(q, k));
  }

  /** The NTK-trained ensemble at convergence (independent of η and of the algorithm). */
  public Gaussian ntkConverged() {
    double mx = 0;
    for (double e : eig) {
      mx = Math.max(mx, e);
    }
    return ntk(1 / mx, -1);
  }

  /** The NNGP Bayesian posterior over all N points given the training labels (noise σ_ε² ≥ 0). */
  public Gaussian nngp(double noise) {
    CholeskyDecomposition ch = cholesky(noise);
    double[][] kta = new double[nTrain][n]; // K̃⁻¹ K_{A·}
    RealMatrix rhs = new Array2DRowRealMatrix(nTrain, n);
    for (int a = 0; a < nTrain; a++) {
      for (int i = 0; i < n; i++) {
        rhs.setEntry(a, i, k[a][i]);
      }
    }
    RealMatrix sol = ch.getSolver().solve(rhs);
    double[] alpha = ch.getSolver().solve(new org.hipparchus.linear.ArrayRealVector(y)).toArray();
    for (int a = 0; a < nTrain; a++) {
      kta[a] = sol.getRow(a);
    }
    double[] mean = new double[n];
    double[][] cov = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < nTrain; a++) {
        mean[i] += k[i][a] * alpha[a];
      }
      for (int j = 0; j < n; j++) {
        double s = k[i][j];
        for (int a = 0; a < nTrain; a++) {
          s -= k[i][a] * kta[a][j];
        }
        cov[i][j] = s;
      }
    }
    return new Gaussian(mean, cov);
  }

  /** log p(y) = −½ yᵀ(K̃ + σ_ε²)⁻¹y − ½ log det(2π(K̃ + σ_ε²)) for this output component. */
  public double logEvidence(double noise) {
    CholeskyDecomposition ch = cholesky(noise);
    double[] alpha = ch.getSolver().solve(new org.hipparchus.linear.ArrayRealVector(y)).toArray();
    double quad = 0;
    for (int a = 0; a < nTrain; a++) {
      quad += y[a] * alpha[a];
    }
    RealMatrix l = ch.getL();
    double logDet = 0;
    for (int a = 0; a < nTrain; a++) {
      logDet += 2 * Math.log(l.getEntry(a, a));
    }
    return -0.5 * quad - 0.5 * (logDet + nTrain * Math.log(2 * Math.PI));
  }

  private CholeskyDecomposition cholesky(double noise) {
    double[][] kt = new double[nTrain][nTrain];
    for (int a = 0; a < nTrain; a++) {
      for (int b = 0; b < nTrain; b++) {
        kt[a][b] = 0.5 * (k[a][b] + k[b][a]) + (a == b ? noise : 0);
      }
    }
    try {
      return new CholeskyDecomposition(new Array2DRowRealMatrix(kt, false), 1e-12, 1e-14);
    } catch (org.hipparchus.exception.MathIllegalArgumentException e) {
      throw new SpecException("--noise", "the train-train NNGP kernel is singular or not positive definite"
          + " (duplicate training inputs?); " + e.getMessage());
    }
  }

  /** Q A Qᵀ. */
  static double[][] sandwich(double[][] q, double[][] a) {
    int r = q.length;
    int c = a.length;
    double[][] qa = new double[r][c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        double s = 0;
        for (int m = 0; m < c; m++) {
          s += q[i][m] * a[m][j];
        }
        qa[i][j] = s;
      }
    }
    double[][] out = new double[r][r];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < r; j++) {
        double s = 0;
        for (int m = 0; m < c; m++) {
          s += qa[i][m] * q[j][m];
        }
        out[i][j] = s;
      }
    }
    return out;
  }

  private static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }
}

package org.rgflow.report;

import java.util.ArrayList;
import java.util.List;
import org.rgflow.app.TrainRecord;
import org.rgflow.app.TrainScan;

/**
 * Hand-made {@code rgflow train} records with realistic numbers (modelled on a real relu run, one
 * hidden layer, the built-in circle task with 3 test points): a single run, optionally with a
 * trajectory, and a width scan. Built as records; {@link org.rgflow.io.TrainJson} gives their JSON.
 * Public for the browser test in {@code org.rgflow.cli}.
 */
public final class TrainRecords {
  /** Means, variances and predictions of the 3 test points at convergence. */
  static final double[] NTK_MEAN = {0.6667, 0.5967, -0.8405};
  static final double[] NNGP_MEAN = {0.7321, 0.5675, -0.8419};
  static final double[] NTK_VAR = {0.04065, 0.01419, 0.01354};
  static final double[] NNGP_VAR = {0.03336, 0.01132, 0.01079};
  /** Departure at n = 128 and its SE, per test point; point 2 changes sign across the scan. */
  static final double[] DEP128 = {0.0040, 0.0031, 0.0010};
  static final double[] SLOPE = {-0.95, -0.71};

  private TrainRecords() {}

  /** One run of width n with E networks. */
  public static TrainRecord single(int n, int ensemble, boolean trajectory) {
    TrainRecord.Spec sp = new TrainRecord.Spec("relu", 2, new int[] {n, 1}, new double[] {0.1, 0.1},
        new double[] {2.0, 2.0}, new double[] {1.0, 1.0}, new double[] {1.0, 1.0}, ensemble, 3,
        0.07669843274804883, 60, 0.0, 0.0, "builtin(circle, n0=2, train=6, test=3)", 6, 3);
    double se = 0.17 / Math.sqrt(ensemble);
    double[][] x = {{1.2411, 0.6780}, {-0.4572, 1.3383}, {-0.9244, -1.0703}};
    double[] pull = {0.4, -1.1, 2.1};
    List<TrainRecord.Point> pts = new ArrayList<>();
    double[][] cov = new double[3][3];
    double[][] covErr = new double[3][3];
    double[][] ntkCov = new double[3][3];
    double[][] nngpCov = new double[3][3];
    for (int b = 0; b < 3; b++) {
      double dep = departure(b, n);
      double mean = NTK_MEAN[b] + dep + 0.3 * pull[b] * se;
      double var = NTK_VAR[b] * (1 + 0.05 * pull[b]);
      double varErr = NTK_VAR[b] * Math.sqrt(2.0 / ensemble);
      pts.add(new TrainRecord.Point(b, x[b], new TrainRecord.Stat(mean, se), new TrainRecord.Stat(var, varErr),
          new TrainRecord.Stat(dep, 0.0006 * Math.sqrt(2000.0 / ensemble)), (mean - NTK_MEAN[b]) / se,
          new TrainRecord.Prediction(NTK_MEAN[b], NTK_VAR[b]),
          new TrainRecord.Prediction(NTK_MEAN[b] + 1e-5, NTK_VAR[b] - 1e-5),
          new TrainRecord.Prediction(NNGP_MEAN[b], NNGP_VAR[b])));
      cov[b][b] = var;
      covErr[b][b] = varErr;
      ntkCov[b][b] = NTK_VAR[b];
      nngpCov[b][b] = NNGP_VAR[b];
    }
    double[][] theta = {{4.1}};
    return new TrainRecord("0.1.0-SNAPSHOT", sp, "cpu", "Intel(R) Xeon(R) Processor", pts,
        new TrainRecord.Covariance(cov, covErr, ntkCov, nngpCov),
        new TrainRecord.NtkChange(new TrainRecord.Stat(3.9 / n, 0.25 / n), theta, new double[][] {{0.07}},
            theta, new double[][] {{0.07}}, new double[][] {{4.05}}),
        new TrainRecord.Training(new TrainRecord.Stat(1.3e-4, 2.7e-5), 60.0,
            new TrainRecord.Stat(0.02, 0.001)),
        -6.0848, new TrainRecord.Timing(0.12 * n / 64.0 * ensemble / 50.0, 400.0 * 64 / n),
        List.of("eta = 1/theta_max = 0.0766984 (train NTK eigenvalues 13.04 .. 0.3416)",
            "NTK prediction after exactly 60 steps of the same eta"),
        trajectory ? trajectory(se, ensemble) : null, null);
  }

  /** Departure of test point b at width n: A n^slope for points 0 and 1, a sign change for point 2. */
  static double departure(int b, int n) {
    if (b < 2) {
      return DEP128[b] * Math.pow(n / 128.0, SLOPE[b]);
    }
    return n <= 128 ? DEP128[2] : n <= 256 ? -0.0004 : 0.00015;
  }

  /** Checkpoints 0, 1, 2, 5, 10, 20, 50, 60 and a dense NTK curve; one measured mean is NaN. */
  static TrainRecord.Trajectory trajectory(double se, int ensemble) {
    long[] steps = {0, 1, 2, 5, 10, 20, 50, 60};
    int k0 = steps.length;
    double[][] m = new double[k0][3];
    double[][] me = new double[k0][3];
    double[][] v = new double[k0][3];
    double[][] ve = new double[k0][3];
    double[][] pm = new double[k0][3];
    double[][] pv = new double[k0][3];
    for (int k = 0; k < k0; k++) {
      for (int b = 0; b < 3; b++) {
        double wiggle = 0.5 * Math.sin(1.7 * k + b) * se;
        m[k][b] = k == 3 && b == 1 ? Double.NaN : curveMean(b, steps[k]) + wiggle;
        me[k][b] = se;
        double var = curveVar(b, steps[k]);
        v[k][b] = var * (1 + 0.03 * Math.cos(k + b));
        ve[k][b] = var * Math.sqrt(2.0 / ensemble);
        pm[k][b] = curveMean(b, steps[k]);
        pv[k][b] = var;
      }
    }
    long[] ts = new long[61];
    double[][] nm = new double[61][3];
    double[][] nv = new double[61][3];
    for (int i = 0; i <= 60; i++) {
      ts[i] = i;
      for (int b = 0; b < 3; b++) {
        nm[i][b] = curveMean(b, i);
        nv[i][b] = curveVar(b, i);
      }
    }
    return new TrainRecord.Trajectory(steps, m, me, v, ve, pm, pv, ts, nm, nv);
  }

  private static double curveMean(int b, double s) {
    return NTK_MEAN[b] * (1 - Math.exp(-s / (4.0 + 3 * b)));
  }

  private static double curveVar(int b, double s) {
    double f = Math.exp(-s / (4.0 + 3 * b));
    return 1.9 * f * f + NTK_VAR[b] * (1 - f * f);
  }

  /** A scan over widths 128, 256, 512; the widest run has a trajectory; point 2 has no fit. */
  public static TrainScan scan() {
    int[] widths = {128, 256, 512};
    List<TrainRecord> runs = new ArrayList<>();
    for (int n : widths) {
      runs.add(single(n, 2000, n == 512));
    }
    List<TrainScan.PowerLaw> fits = new ArrayList<>();
    double[] err = {0.08, 0.16};
    double[] chi2 = {0.3, 0.28};
    for (int b = 0; b < 2; b++) {
      fits.add(new TrainScan.PowerLaw(b, SLOPE[b], err[b], DEP128[b] * Math.pow(128, -SLOPE[b]), chi2[b], 3));
    }
    fits.add(null);
    List<List<TrainScan.Series>> series = List.of(List.of(), List.of(), List.of());
    return new TrainScan("0.1.0-SNAPSHOT", widths, runs, fits, series);
  }
}

package org.rgflow.app;

import java.util.List;

/**
 * The record of one trained ensemble ({@code rgflow train}): the setup, the trained outputs on the
 * test points with their standard errors beside the infinite-width predictions, the NTK's change,
 * the training's own numbers, and optionally the trajectory and the evidence scan
 * (docs/TRAINING.md). Written and read by {@link org.rgflow.io.TrainJson}; missing numbers are NaN.
 *
 * @param trajectory null without checkpoints
 * @param evidenceVsCw null unless the evidence scan was asked for
 */
public record TrainRecord(String version, Spec spec, String backend, String device, List<Point> points,
    Covariance covariance, NtkChange ntkChange, Training training, double logEvidence, Timing timing,
    List<String> notes, Trajectory trajectory, EvidenceScan evidenceVsCw) implements TrainOutput {

  public TrainRecord {
    points = List.copyOf(points);
    notes = List.copyOf(notes);
  }

  /** This record with the evidence scan attached. */
  public TrainRecord withEvidence(EvidenceScan e) {
    return new TrainRecord(version, spec, backend, device, points, covariance, ntkChange, training,
        logEvidence, timing, notes, trajectory, e);
  }

  /** The hidden width n₁. */
  public int width() {
    return spec.widths().length > 0 ? spec.widths()[0] : 0;
  }

  /** A measured number and its standard error. */
  public record Stat(double value, double err) {}

  /** A predicted mean and variance. */
  public record Prediction(double mean, double var) {}

  /**
   * The setup of the run.
   *
   * @param eta the gradient-descent step
   * @param tol loss at which each network stops (0: exactly {@code steps} steps)
   * @param noise the NNGP's observation noise σ_ε²
   * @param data the dataset's name
   */
  public record Spec(String activation, int n0, int[] widths, double[] cb, double[] cw, double[] lambdaB,
      double[] lambdaW, long ensemble, long seed, double eta, long steps, double tol, double noise,
      String data, int trainPoints, int testPoints) {}

  /**
   * One test point.
   *
   * @param departure trained output minus the kernel map of the same network's initial output
   * @param zMean (mean − NTK mean)/SE
   * @param ntkConverged the NTK prediction at convergence; null when η is too large for it
   */
  public record Point(int testPoint, double[] x, Stat mean, Stat var, Stat departure, double zMean,
      Prediction ntk, Prediction ntkConverged, Prediction nngp) {}

  /** The test points' covariance: measured ± SE, NTK and NNGP. */
  public record Covariance(double[][] measured, double[][] measuredErr, double[][] ntk, double[][] nngp) {}

  /** The NTK on the training points at initialisation and after training, beside the theory. */
  public record NtkChange(Stat relativeChange, double[][] initial, double[][] initialErr,
      double[][] finalValue, double[][] finalErr, double[][] theory) {}

  /** The training's own numbers: final loss, mean steps taken, fraction of sign flips. */
  public record Training(Stat loss, double stepsMean, Stat signFlips) {}

  /** Wall-clock time of the training. */
  public record Timing(double seconds, double networksPerSecond) {}

  /**
   * Mean and variance at the checkpoints, [checkpoint][test point], beside the NTK prediction there,
   * and the NTK prediction on a dense grid of steps.
   */
  public record Trajectory(long[] steps, double[][] mean, double[][] meanErr, double[][] var,
      double[][] varErr, double[][] ntkMeanAtSteps, double[][] ntkVarAtSteps, long[] theorySteps,
      double[][] ntkMean, double[][] ntkVar) {}

  /** The NNGP log evidence of the training data against C_W (every layer); NaN where singular. */
  public record EvidenceScan(double[] cw, double[] logEvidence, double noise) {}
}

package org.rgflow.app;

import java.util.ArrayList;
import java.util.List;

/**
 * A width scan of {@code rgflow train}: one {@link TrainRecord} per hidden width and, per test point,
 * the departure's power-law fit and its two-term fits (docs/TRAINING.md).
 *
 * @param departureFit index = test point; null where no fit was possible (a sign change)
 * @param departureSeriesFit index = test point; the a/n + b/n² and a/√n + b/n fits (empty where the
 *     errors did not allow them)
 */
public record TrainScan(String version, int[] widths, List<TrainRecord> runs, List<PowerLaw> departureFit,
    List<List<Series>> departureSeriesFit) implements TrainOutput {

  public TrainScan {
    runs = List.copyOf(runs);
    departureFit = java.util.Collections.unmodifiableList(new ArrayList<>(departureFit));
    departureSeriesFit = List.copyOf(departureSeriesFit);
  }

  /** |D| = A·n^slope. */
  public record PowerLaw(int testPoint, double slope, double slopeErr, double amplitude, double chi2,
      int points) {}

  /** D = a·n^p1 + b·n^p2, named by {@code model} (e.g. "a/n + b/n^2"). */
  public record Series(String model, double a, double aErr, double b, double bErr, double chi2, int dof,
      double pValue) {}
}

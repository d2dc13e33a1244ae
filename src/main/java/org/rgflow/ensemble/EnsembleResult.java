package org.rgflow.ensemble;

import java.util.List;
import org.rgflow.core.LayerValues;

/**
 * Measured statistics per layer ({@code layers().get(ℓ−1).value()} and {@code .err()} filled), and
 * the run's timing. {@code weights} counts the weights and biases generated per network times E for
 * the forward pass only.
 */
public record EnsembleResult(String backend, List<LayerValues> layers, long networks, double seconds,
    double weightsPerNetwork, List<String> notes) {

  public double networksPerSecond() {
    return networks / seconds;
  }

  public double weightsPerSecond() {
    return networks * weightsPerNetwork / seconds;
  }
}

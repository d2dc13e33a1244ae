package org.rgflow.ensemble;

import java.util.List;
import org.rgflow.core.LayerValues;

/**
 * Measured statistics per layer ({@code layers().get(ℓ−1).value()} and {@code .err()} filled), where
 * they came from and the run's timing. {@code weightsPerNetwork} counts the weights and biases a
 * direct sampler draws per network (the exact sampler's weights/s is its direct equivalent).
 *
 * @param sampler "direct" or "exact"
 * @param backend the device kind: "cpu", "opencl" or "cuda"
 * @param device the device's name (the CPU's model, the OpenCL device, the GPU); null if unknown
 * @param detail the source's own record of the run ({@link NetworkSource.Report#detail()}); may be
 *     null
 */
public record EnsembleResult(String sampler, String backend, String device, List<LayerValues> layers,
    long networks, double seconds, double weightsPerNetwork, List<String> notes, Object detail) {

  public double networksPerSecond() {
    return networks / seconds;
  }

  public double weightsPerSecond() {
    return networks * weightsPerNetwork / seconds;
  }
}

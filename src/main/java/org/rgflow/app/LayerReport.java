package org.rgflow.app;

import java.util.List;
import org.rgflow.core.LayerValues;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.io.InputsParser;
import org.rgflow.spec.NetworkSpec;

/**
 * The record of a {@code sample} or {@code theory} run, layer by layer: what every output format
 * writes ({@link org.rgflow.io.JsonReport}, {@link org.rgflow.io.TableReport}).
 *
 * @param version rgflow version
 * @param command "theory" or "sample"
 * @param spec the network
 * @param inputs the inputs and how they were given
 * @param run ensemble settings; null for theory-only results
 * @param sampler "direct" or "exact"; null for theory-only results
 * @param backend the device kind that measured ("cpu", "opencl", "cuda"); null for theory-only results
 * @param device the device it ran on, e.g. the CPU's model or the OpenCL device (null when unknown)
 * @param layers one entry per layer 1..L (measured values/errors and theory side by side)
 * @param timing null for theory-only results
 * @param notes free-text remarks from the theory, the source and the options
 */
public record LayerReport(String version, String command, NetworkSpec spec, InputsParser.Parsed inputs,
    RunSettings run, String sampler, String backend, String device, List<LayerValues> layers,
    Timing timing, List<String> notes) {

  /** Wall-clock figures of an ensemble run. */
  public record Timing(double seconds, double networksPerSecond, double weightsPerSecond) {}

  /** True when the layers carry measurements. */
  public boolean measured() {
    return run != null;
  }
}

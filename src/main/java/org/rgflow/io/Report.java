package org.rgflow.io;

import java.util.List;
import org.rgflow.core.LayerValues;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.NetworkSpec;

/**
 * One result, written by every output format ({@link JsonReport}, {@link TableReport}).
 *
 * @param version rgflow version
 * @param command "theory" or "sample"
 * @param spec the network
 * @param inputs the inputs and how they were given
 * @param run ensemble settings; null for theory-only results
 * @param backend the backend that measured (null for theory-only results)
 * @param device the device it ran on, e.g. the CPU's model or the OpenCL device (null when unknown)
 * @param layers one entry per layer 1..L (measured values/errors and theory side by side)
 * @param timing null for theory-only results
 * @param notes free-text remarks from the theory, the backend and the command line
 */
public record Report(String version, String command, NetworkSpec spec, InputsParser.Parsed inputs,
    RunSettings run, String backend, String device, List<LayerValues> layers, Timing timing, List<String> notes) {

  /** Wall-clock figures of an ensemble run. */
  public record Timing(double seconds, double networksPerSecond, double weightsPerSecond) {}

  /** True when the layers carry measurements. */
  public boolean measured() {
    return run != null;
  }
}

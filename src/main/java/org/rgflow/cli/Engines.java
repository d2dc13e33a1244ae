package org.rgflow.cli;

import java.util.List;
import java.util.Map;
import org.rgflow.act.Activation;
import org.rgflow.device.BackendChoice;
import org.rgflow.device.Backends;
import org.rgflow.device.Capability;
import org.rgflow.device.Devices;
import org.rgflow.ensemble.EnsembleBackend;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.TheoryResult;

/**
 * Everything the command line needs from the engines, in one place: the commands call nothing else.
 * {@link #defaults()} wires the real implementations; tests pass fakes.
 */
public interface Engines {

  /** The activation named {@code name}; SpecException("--act") when unknown. */
  Activation activation(String name);

  /** The theory's predictions per layer. */
  TheoryResult theory(NetworkSpec spec, Inputs inputs);

  /** The ensemble backend for {@code --backend}: {@code auto}, {@code cpu}, {@code opencl}, {@code cuda}. */
  EnsembleBackend backend(String name);

  /**
   * The backend for {@code --backend} with why it was chosen and, after the run, its device (see
   * {@link Backends#choose}). The default wraps {@link #backend} with nothing to explain.
   */
  default BackendChoice chooseBackend(String name) {
    return BackendChoice.fixed(backend(name));
  }

  /**
   * The exact conditional sampler ({@code --sampler exact}, org.rgflow.exact), with the device it
   * runs on; null when these engines have none (then {@code auto} runs the direct sampler).
   */
  default BackendChoice exactSampler() {
    return null;
  }

  /** The capability report of {@code rgflow devices}: the real probes (they are safe anywhere). */
  default List<Capability> devices() {
    return Devices.probe();
  }

  /** The criticality analysis of one activation as ordered {field: value} (JSON-ready). */
  Map<String, Object> criticality(Activation activation);

  /** The real engines. */
  static Engines defaults() {
    return new DefaultEngines();
  }
}

package org.rgflow.cli;

import java.util.Map;
import org.rgflow.act.Activation;
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

  /** The ensemble backend for {@code --backend} ({@code cpu}; {@code auto} maps to cpu). */
  EnsembleBackend backend(String name);

  /** The criticality analysis of one activation as ordered {field: value} (JSON-ready). */
  Map<String, Object> criticality(Activation activation);

  /** The real engines. */
  static Engines defaults() {
    return new DefaultEngines();
  }
}

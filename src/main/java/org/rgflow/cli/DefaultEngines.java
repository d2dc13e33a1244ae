package org.rgflow.cli;

import java.util.Locale;
import java.util.Map;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleBackend;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryResult;

/** The production wiring of {@link Engines}. New backends are one more case in {@link #backend}. */
final class DefaultEngines implements Engines {

  @Override
  public Activation activation(String name) {
    return Activations.parse(name);
  }

  @Override
  public TheoryResult theory(NetworkSpec spec, Inputs inputs) {
    return TheoryEngine.compute(spec, inputs);
  }

  @Override
  public EnsembleBackend backend(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "cpu", "auto":
        return new CpuEnsemble();
      default:
        throw new SpecException("--backend", "unknown or unavailable backend '" + name
            + "' (available: cpu, auto)");
    }
  }

  @Override
  public Map<String, Object> criticality(Activation activation) {
    return Records.toMap(CriticalityAdapter.analyze(activation));
  }
}

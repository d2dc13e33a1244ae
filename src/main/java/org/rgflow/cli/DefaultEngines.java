package org.rgflow.cli;

import java.util.Map;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.device.BackendChoice;
import org.rgflow.device.Backends;
import org.rgflow.ensemble.EnsembleBackend;
import org.rgflow.exact.ExactEnsemble;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.Predictions;
import org.rgflow.theory.TheoryResult;

/** The production wiring of {@link Engines}. Backends are chosen in {@link Backends#choose}. */
final class DefaultEngines implements Engines {

  @Override
  public Activation activation(String name) {
    return Activations.parse(name);
  }

  @Override
  public TheoryResult theory(NetworkSpec spec, Inputs inputs) {
    return Predictions.compute(spec, inputs);
  }

  @Override
  public EnsembleBackend backend(String name) {
    return chooseBackend(name).backend();
  }

  @Override
  public BackendChoice chooseBackend(String name) {
    return Backends.choose(name);
  }

  /** The exact sampler runs on the CPU (SampleCommand records the CPU's model as the device). */
  @Override
  public BackendChoice exactSampler() {
    return BackendChoice.fixed(new ExactEnsemble());
  }

  @Override
  public Map<String, Object> criticality(Activation activation) {
    return Records.toMap(CriticalityAdapter.analyze(activation));
  }
}

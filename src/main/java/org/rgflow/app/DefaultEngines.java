package org.rgflow.app;

import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.device.Backends;
import org.rgflow.device.SamplerCost;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.Predictions;
import org.rgflow.theory.Criticality;
import org.rgflow.theory.TheoryResult;

/** The production wiring of {@link Engines}. */
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
  public TheoryResult theory(NetworkSpec spec, Inputs inputs, java.util.List<org.rgflow.stats.StatBlock> blocks) {
    return Predictions.compute(spec, inputs, blocks);
  }

  @Override
  public TheoryResult theory(NetworkSpec spec, Inputs inputs, org.rgflow.theory.TheoryEngine.Options options) {
    return Predictions.compute(spec, inputs, org.rgflow.stats.StatSet.ALL, options);
  }

  @Override
  public Backends.Choice source(String sampler, String backend, NetworkSpec spec) {
    return Backends.choose(sampler, backend, spec);
  }

  @Override
  public Backends.Choice source(String sampler, String backend, NetworkSpec spec, int inputs,
      boolean ntk, int ntkNeurons) {
    return Backends.choose(sampler, backend, spec,
        SamplerCost.estimate(spec, inputs, ntk, ntkNeurons));
  }

  @Override
  public Criticality.Report criticality(Activation activation) {
    return Criticality.analyze(activation);
  }
}

package org.rgflow.app;

import java.util.List;
import org.rgflow.act.Activation;
import org.rgflow.device.Backends;
import org.rgflow.device.Capability;
import org.rgflow.device.Devices;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.StatBlock;
import org.rgflow.stats.StatSet;
import org.rgflow.theory.Criticality;
import org.rgflow.theory.TheoryResult;

/**
 * Everything the runs need from the engines, in one place: {@link SampleRun}, {@link TheoryRun} and
 * {@link CriticalityRun} call nothing else. {@link #defaults()} wires the real implementations;
 * tests pass stand-ins.
 */
public interface Engines {

  /** The activation named {@code name}; SpecException("--act") when unknown. */
  Activation activation(String name);

  /** The theory's predictions per layer. */
  TheoryResult theory(NetworkSpec spec, Inputs inputs);

  /** The predictions of the given blocks only (a sample run's, {@link StatSet#predicted}). */
  default TheoryResult theory(NetworkSpec spec, Inputs inputs, List<StatBlock> blocks) {
    return theory(spec, inputs);
  }

  /** The same, run with the given options (threads, kernels only, progress); stand-ins may ignore them. */
  default TheoryResult theory(NetworkSpec spec, Inputs inputs, org.rgflow.theory.TheoryEngine.Options options) {
    return theory(spec, inputs);
  }

  /**
   * The source for {@code --sampler} and {@code --backend}, with why ({@link Backends#choose}).
   *
   * @param spec the network to sample, or null when not known yet
   */
  Backends.Choice source(String sampler, String backend, NetworkSpec spec);

  /**
   * As {@link #source(String, String, NetworkSpec)}, where {@code auto} may weigh the estimated
   * cost of the run ({@link org.rgflow.device.SamplerCost}); stand-ins need not.
   */
  default Backends.Choice source(String sampler, String backend, NetworkSpec spec, int inputs,
      boolean ntk, int ntkNeurons) {
    return source(sampler, backend, spec);
  }

  /** The capability report of {@code rgflow devices}: the real probes (they are safe anywhere). */
  default List<Capability> devices() {
    return Devices.probe();
  }

  /** The criticality analysis of one activation. */
  Criticality.Report criticality(Activation activation);

  /** The real engines. */
  static Engines defaults() {
    return new DefaultEngines();
  }
}

package org.rgflow.app;

import java.util.ArrayList;
import org.rgflow.io.Combine;
import org.rgflow.theory.TheoryResult;

/** {@code rgflow theory} as a call: the book's predictions per layer, as a record. */
public final class TheoryRun {
  private TheoryRun() {}

  /** The predictions for the network and inputs of {@code network}. */
  public static LayerReport run(Flags.Network network, Engines engines) {
    return run(network, engines, org.rgflow.theory.TheoryEngine.Options.defaults());
  }

  /** The same, the recursions run with {@code options} (threads, kernels only, progress). */
  public static LayerReport run(Flags.Network network, Engines engines,
      org.rgflow.theory.TheoryEngine.Options options) {
    TheoryResult th = engines.theory(network.spec(), network.inputs().inputs(), options);
    return new LayerReport(Version.current(), "theory", network.spec(), network.inputs(), null, null,
        null, null, Combine.combine(network.spec(), th, null), null, new ArrayList<>(th.notes()));
  }
}

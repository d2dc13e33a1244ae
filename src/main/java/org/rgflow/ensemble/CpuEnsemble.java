package org.rgflow.ensemble;

import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/** The CPU reference ensemble. STUB: replaced by the ensemble implementation. */
public final class CpuEnsemble implements EnsembleBackend {
  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public EnsembleResult run(NetworkSpec spec, Inputs inputs, RunSettings settings,
      ProgressListener progress) {
    throw new UnsupportedOperationException("cpu ensemble not implemented yet");
  }
}

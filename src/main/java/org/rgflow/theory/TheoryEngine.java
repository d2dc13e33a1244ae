package org.rgflow.theory;

import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/** Entry point of the theory side. STUB: replaced by the theory implementation. */
public final class TheoryEngine {
  private TheoryEngine() {}

  /** The book's layer-to-layer predictions for {@code spec} on {@code inputs}. */
  public static TheoryResult compute(NetworkSpec spec, Inputs inputs) {
    throw new UnsupportedOperationException("theory not implemented yet");
  }
}

package org.rgflow.act;

import org.rgflow.spec.SpecException;

/** Registry of named activations. STUB: replaced by the activation implementation. */
public final class Activations {
  private Activations() {}

  /** Parses e.g. {@code relu}, {@code leaky_relu(0.1)}, {@code monomial(3)}; SpecException(--act) otherwise. */
  public static Activation parse(String name) {
    throw new SpecException("--act", "unknown activation '" + name + "'");
  }
}

package org.rgflow.app;

import org.rgflow.act.Activation;
import org.rgflow.theory.Criticality;

/**
 * {@code rgflow criticality} as a call: critical point, K*, universality class and large-depth
 * behaviour of an activation (PDLT ch. 5), as a record.
 *
 * @see Criticality#analyze
 */
public final class CriticalityRun {
  private CriticalityRun() {}

  /**
   * @param version rgflow version
   * @param activation the activation analysed
   * @param report the analysis
   */
  public record Result(String version, Activation activation, Criticality.Report report) {}

  /** The analysis of the activation called {@code act}. */
  public static Result run(String act, Engines engines) {
    Activation a = engines.activation(act);
    return new Result(Version.current(), a, engines.criticality(a));
  }
}

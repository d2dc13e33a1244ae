package org.rgflow.exact;

import java.util.Locale;
import org.rgflow.spec.SpecException;

/**
 * {@code --sampler exact|direct|auto}: which law-equivalent sampler runs (docs/EXACT_SAMPLER.md §4).
 *
 * <ul>
 *   <li>{@code direct}: draws every weight (the randomness contract, docs/RANDOMNESS.md) on the
 *       backend {@code --backend} chose; network e is the same network on every backend.
 *   <li>{@code exact}: the exact conditional sampler on the CPU; same law of every measured
 *       statistic, no weights drawn.
 *   <li>{@code auto}: exact where valid — everything {@code sample} measures is a function of the
 *       pre-activations and the NTK, so always, unless a requested quantity needs the explicit
 *       weights, or {@code --backend} names a device backend (cuda, opencl), on which only the
 *       direct sampler exists so far.
 * </ul>
 * A request for the exact sampler that it cannot serve falls back to direct; the reason travels
 * as a note with the result. Pure; tested by SamplersTest.
 */
public final class Samplers {
  public static final String NAMES = "auto, exact or direct";

  private Samplers() {}

  /**
   * The sampler that runs and why.
   *
   * @param sampler "exact" or "direct"
   * @param reason one line, recorded in the result's notes
   */
  public record Choice(String sampler, String reason) {
    public boolean exact() {
      return ExactEnsemble.SAMPLER.equals(sampler);
    }

    /** "sampler auto → exact: reason". */
    public String note(String requested) {
      return "sampler " + requested + " \u2192 " + sampler + ": " + reason;
    }
  }

  /**
   * @param requested the {@code --sampler} value
   * @param backend the {@code --backend} value as given (auto, cpu, opencl, cuda)
   * @param needsWeights null, or the requested quantity that needs explicit weights (e.g. a
   *     network-by-network comparison with another backend)
   * @param exactAvailable whether these engines have an exact sampler (test fakes may not)
   * @throws SpecException ("--sampler") for an unknown name
   */
  public static Choice choose(String requested, String backend, String needsWeights,
      boolean exactAvailable) {
    String s = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
    String b = backend == null ? "auto" : backend.trim().toLowerCase(Locale.ROOT);
    boolean deviceBackend = b.equals("cuda") || b.equals("opencl");
    switch (s) {
      case "direct":
        return new Choice("direct", "requested");
      case "exact":
      case "auto": {
        if (needsWeights != null) {
          return new Choice("direct", needsWeights + " needs the explicit weights, which the exact"
              + " sampler never draws");
        }
        if (!exactAvailable) {
          return new Choice("direct", "no exact sampler in this build's engines");
        }
        if (deviceBackend && s.equals("auto")) {
          return new Choice("direct", "--backend " + b + " has only the direct sampler so far; use"
              + " --sampler exact for the exact sampler on the CPU");
        }
        if (deviceBackend) {
          return new Choice(ExactEnsemble.SAMPLER, "requested; it runs on the CPU (no " + b
              + " implementation yet), --backend " + b + " is not used");
        }
        return new Choice(ExactEnsemble.SAMPLER, (s.equals("auto") ? "valid for every observable of"
            + " sample (all are functions of z and the NTK); " : "requested; ")
            + "same law as direct at O(n N_D^2) per layer instead of O(n^2 N_D)");
      }
      default:
        throw new SpecException("--sampler", "unknown sampler '" + requested + "' (choose " + NAMES
            + ")");
    }
  }
}

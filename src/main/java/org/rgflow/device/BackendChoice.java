package org.rgflow.device;

import java.util.Objects;
import java.util.function.Function;
import org.rgflow.ensemble.EnsembleBackend;

/**
 * The backend {@code --backend} resolved to, why, and (after the run) the device it ran on.
 *
 * @see Backends#choose
 */
public final class BackendChoice {
  private final EnsembleBackend backend;
  private final String note;
  private final Function<EnsembleBackend, String> device;
  private final Function<EnsembleBackend, String> afterRun;

  BackendChoice(EnsembleBackend backend, String note, Function<EnsembleBackend, String> device,
      Function<EnsembleBackend, String> afterRun) {
    this.backend = Objects.requireNonNull(backend);
    this.note = note;
    this.device = device;
    this.afterRun = afterRun;
  }

  /** A backend with no choice to explain and no device to name (test fakes). */
  public static BackendChoice fixed(EnsembleBackend backend) {
    return new BackendChoice(backend, null, b -> null, b -> null);
  }

  public EnsembleBackend backend() {
    return backend;
  }

  /** Why this backend, e.g. "backend auto → cpu: …"; null when there is nothing to explain. */
  public String note() {
    return note;
  }

  /** The device the last run used (call after the run); null when unknown. */
  public String device() {
    return device.apply(backend);
  }

  /** What the run revealed about the choice (e.g. OpenCL's thread-pool fallback); null if nothing. */
  public String afterRunNote() {
    return afterRun.apply(backend);
  }
}

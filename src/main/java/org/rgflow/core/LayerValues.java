package org.rgflow.core;

import java.util.EnumMap;
import java.util.Map;

/**
 * One layer's numbers: measured values with standard errors, and the theory's predictions, per
 * {@link Obs}. Either side may be absent for an observable (theory-only: chi_par; measured-only:
 * none at present). This is what the table and the JSON writer print.
 */
public final class LayerValues {
  private final int layer;
  private final Map<Obs, Tensor> value = new EnumMap<>(Obs.class);
  private final Map<Obs, Tensor> err = new EnumMap<>(Obs.class);
  private final Map<Obs, Tensor> theory = new EnumMap<>(Obs.class);

  public LayerValues(int layer) {
    this.layer = layer;
  }

  public int layer() {
    return layer;
  }

  public Map<Obs, Tensor> value() {
    return value;
  }

  public Map<Obs, Tensor> err() {
    return err;
  }

  public Map<Obs, Tensor> theory() {
    return theory;
  }
}

package org.rgflow.ensemble;

/** A network's pre-activations overflowed (non-finite or beyond {@link org.rgflow.core.Limits#OVERFLOW} in magnitude). */
public class DivergenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long network;
  private final int layer;

  public DivergenceException(long network, int layer) {
    super("network " + network + " diverged at layer " + layer
        + " (pre-activations overflowed); lower C_W or the depth");
    this.network = network;
    this.layer = layer;
  }

  public long network() {
    return network;
  }

  public int layer() {
    return layer;
  }
}

package org.rgflow.train;

import org.rgflow.ensemble.DivergenceException;

/** Gradient descent blew up (loss non-finite or beyond {@link org.rgflow.core.Limits#OVERFLOW}): the step η is too large. */
public final class TrainingDivergenceException extends DivergenceException {
  private static final long serialVersionUID = 1L;
  private final long step;

  public TrainingDivergenceException(long network, long step) {
    super(network, 0);
    this.step = step;
  }

  @Override
  public String getMessage() {
    return "network " + network() + " diverged at gradient-descent step " + step
        + " (loss overflowed); lower --eta";
  }
}

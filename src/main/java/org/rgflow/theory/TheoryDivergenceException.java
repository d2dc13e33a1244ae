package org.rgflow.theory;

/**
 * The kernel recursion overflowed: K^{(ℓ)} is no longer a finite number below 1e150 (e.g. C_W far
 * above criticality at large depth). The command line prints it on one line with exit code 3.
 */
public class TheoryDivergenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int layer;

  public TheoryDivergenceException(int layer, double kernel) {
    super("theory diverged at layer " + layer + " (K = " + kernel
        + " overflowed); lower C_W or the depth");
    this.layer = layer;
  }

  public int layer() {
    return layer;
  }
}

package org.rgflow.core;

/** Numerical limits shared by the samplers and the theory. */
public final class Limits {
  /**
   * Pre-activations, kernels and losses beyond this magnitude (or not finite) count as diverged: far
   * beyond any meaningful network, and far enough below the double range (1.8e308) that products of
   * two such numbers still overflow visibly rather than silently. The CPU samplers, the OpenCL kernel
   * (double precision), the theory and the trainer all use it; float32 devices have their own limit
   * (docs/CUDA.md).
   */
  public static final double OVERFLOW = 1e150;

  private Limits() {}
}

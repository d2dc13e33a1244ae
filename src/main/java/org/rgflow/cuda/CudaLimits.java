package org.rgflow.cuda;

import java.util.function.IntSupplier;
import org.rgflow.ensemble.DivergenceException;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * The CUDA backend's input limits and their checks, apart from the driver so they can be tested
 * without a GPU: the NTK's Θ̂ entries per network (int offsets), the forward kernel's shared memory,
 * and divergence at the float32 limit.
 */
final class CudaLimits {
  private CudaLimits() {}

  /**
   * Largest Θ̂ entries per network, Σ_ℓ (m_ℓ N_D)²: the kernels and the host index a network's Θ̂
   * blocks with 32-bit offsets (tOff), and a launch's host copy is one Java array.
   */
  static final long MAX_THETA_ENTRIES = Integer.MAX_VALUE - 8;

  /** The float32 bound on |z| at which the device flags divergence (RG_OVERFLOW). */
  static final double DEVICE_OVERFLOW = 1e30;

  /** Default per-block shared memory without the opt-in (CUDA: 48 KiB on every architecture). */
  static final int DEFAULT_SHARED = 48 * 1024;

  /** Σ_ℓ (min(n_ℓ, m) N_D)²: Θ̂ entries per network with m NTK neurons. */
  static long thetaEntries(NetworkSpec spec, int nd, long m) {
    long t = 0;
    for (int l = 1; l <= spec.depth(); l++) {
      long v = Math.min(spec.width(l), m) * nd;
      t += v * v;
    }
    return t;
  }

  /**
   * SpecException("--ntk-neurons") when Σ_ℓ (m_ℓ N_D)² exceeds {@link #MAX_THETA_ENTRIES}; the
   * message names the largest --ntk-neurons that fits.
   */
  static void checkNtkNeurons(NetworkSpec spec, int nd, int ntkNeurons) {
    if (ntkNeurons <= 0) {
      return;
    }
    long t = thetaEntries(spec, nd, ntkNeurons);
    if (t <= MAX_THETA_ENTRIES) {
      return;
    }
    long lo = 0;
    long hi = ntkNeurons;
    while (hi - lo > 1) {  // largest m with thetaEntries(m) <= MAX (monotone in m)
      long mid = (lo + hi) >>> 1;
      if (thetaEntries(spec, nd, mid) <= MAX_THETA_ENTRIES) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    throw new SpecException("--ntk-neurons", "the CUDA NTK keeps Σ_ℓ (m_ℓ·N_D)² = " + t
        + " Θ̂ entries per network, more than 2^31 − 9 (32-bit offsets); use --ntk-neurons ≤ " + lo
        + " here, or the cpu backend");
  }

  /**
   * The dynamic shared memory to request with CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, or 0
   * when none is needed: the block's total, the kernel's static shared memory plus the dynamic
   * {@code dynamicBytes}, must fit the default 48 KiB, or else the device's opt-in limit
   * ({@code optIn}, read only when needed); SpecException("--width") when it does not.
   */
  static int sharedMemoryOptIn(int dynamicBytes, int staticBytes, IntSupplier optIn) {
    long total = (long) dynamicBytes + staticBytes;
    if (total <= DEFAULT_SHARED) {
      return 0;
    }
    int limit = optIn.getAsInt();
    if (total > limit) {
      throw new SpecException("--width", "the CUDA forward kernel keeps N_D x n activations in"
          + " shared memory: " + dynamicBytes + " bytes + " + staticBytes + " static > the device's "
          + limit + " per block; use fewer inputs, a narrower network, or the cpu backend");
    }
    return dynamicBytes;
  }

  /** The device flagged network {@code network} at {@code layer}: the CPU's exception, float's bound. */
  static DivergenceException divergence(long network, int layer) {
    return new FloatDivergence(network, layer);
  }

  /**
   * A {@link DivergenceException} (same network, layer, exit code) whose message gives the device's
   * bound: float32 cannot reach the CPU reference's 1e150, so the device stops at 1e30.
   */
  static final class FloatDivergence extends DivergenceException {
    private static final long serialVersionUID = 1L;

    FloatDivergence(long network, int layer) {
      super(network, layer);
    }

    @Override
    public String getMessage() {
      return "network " + network() + " diverged at layer " + layer()
          + " (pre-activations beyond 1e30 or not finite: the float32 limit of the cuda backend;"
          + " the cpu backend allows 1e150); lower C_W or the depth";
    }
  }
}

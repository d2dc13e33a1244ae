package org.rgflow.device;

import java.util.Locale;
import org.rgflow.spec.NetworkSpec;

/**
 * What {@code --sampler auto} weighs on the CPU: the estimated wall time per network of the exact
 * and the direct sampler. The forms follow the work each does; the constants were fitted to
 * {@code sample --backend cpu} runs on the 2-core CI machine (shared, so good to a factor of about
 * two: enough to choose, never a result):
 * <ul>
 *   <li>exact: forward O(Σ_ℓ n_ℓ N_D²); with the NTK the Gram matrices of all M = Σ_ℓ m_ℓ·N_D
 *       gradient vectors, O(M²/N_D) — quadratic in the depth (16 networks/s at width 16,
 *       depth 200).
 *   <li>direct: every weight drawn, O(Σ_ℓ n_{ℓ−1} n_ℓ); with the NTK the backward sweeps,
 *       Σ_ℓ (L − ℓ + 1)·m_ℓ·N_D·n_{ℓ−1} n_ℓ multiply-adds.
 * </ul>
 * Measured (E = 2000, N_D = 1, m = 4, seconds): width 16 depth 16 exact 4.3, direct 0.85; width
 * 64 depth 16 exact 2.1, direct 1.7; width 256 depth 6 (E = 200) exact 0.21, direct 1.4; width 1024
 * depth 6 (E = 200) exact 0.42, direct 20.
 *
 * @param exact estimated seconds per network of the exact sampler
 * @param direct estimated seconds per network of the direct sampler
 * @param ntk whether the run measures the NTK
 */
public record SamplerCost(double exact, double direct, boolean ntk) {
  static final double OVERHEAD = 5e-5;
  static final double EXACT_FORWARD = 3e-7;
  static final double EXACT_GRAM = 5e-7;
  static final double DIRECT_WEIGHT = 1e-8;
  static final double DIRECT_BACKWARD = 8e-10;

  /** The estimate for {@code spec} with {@code inputs} inputs and m NTK neurons (when ntk). */
  public static SamplerCost estimate(NetworkSpec spec, int inputs, boolean ntk, int ntkNeurons) {
    return estimate(spec.widths(), inputs, ntk, ntkNeurons);
  }

  /** As {@link #estimate(NetworkSpec, int, boolean, int)} from the widths n_0, …, n_L. */
  public static SamplerCost estimate(int[] widths, int inputs, boolean ntk, int ntkNeurons) {
    int depth = widths.length - 1;
    double exact = OVERHEAD;
    double direct = OVERHEAD;
    double vectors = 0;
    for (int l = 1; l <= depth; l++) {
      double n = widths[l];
      double weights = (double) widths[l - 1] * n;
      exact += EXACT_FORWARD * n * inputs * inputs;
      direct += DIRECT_WEIGHT * weights * (1 + inputs) / 2;
      if (ntk) {
        double m = Math.min(n, ntkNeurons);
        vectors += m * inputs;
        direct += DIRECT_BACKWARD * (depth - l + 1) * m * inputs * weights;
      }
    }
    exact += EXACT_GRAM * vectors * vectors / inputs;
    return new SamplerCost(exact, direct, ntk);
  }

  /** True when the exact sampler is estimated to be the faster one. */
  public boolean exactIsFaster() {
    return exact <= direct;
  }

  /** e.g. "estimated 0.14 ms per network against 2.1 ms for exact". */
  public String versus(boolean exactChosen) {
    return String.format(Locale.ROOT, "estimated %s per network against %s for %s",
        time(exactChosen ? exact : direct), time(exactChosen ? direct : exact),
        exactChosen ? "direct" : "exact");
  }

  private static String time(double s) {
    return s >= 1 ? String.format(Locale.ROOT, "%.2g s", s)
        : s >= 1e-3 ? String.format(Locale.ROOT, "%.2g ms", s * 1e3)
        : String.format(Locale.ROOT, "%.2g µs", s * 1e6);
  }
}

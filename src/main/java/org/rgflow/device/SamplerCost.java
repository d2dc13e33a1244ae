package org.rgflow.device;

import java.util.Locale;
import org.rgflow.spec.NetworkSpec;

/**
 * What {@code --sampler auto} weighs on the CPU: the estimated wall time per network of the exact
 * and the direct sampler. The forms follow the work each does; the constants were fitted to
 * {@code sample --backend cpu} runs and ExactScaleBench on the 2-core CI machine (shared, so good to
 * a factor of about two: enough to choose, never a result):
 * <ul>
 *   <li>exact: forward O(Σ_ℓ n_ℓ N_D²). With the NTK (docs/EXACT_SAMPLER.md §2c), for relu-like
 *       σ (the Gram sweep) the cheaper of two layouts: one sweep per target layer, a fixed cost per
 *       (target layer, level) pair growing as (m N_D)³; or one joint sweep over a basis of
 *       r ≤ N_D·n_ℓ vectors, O((r + m N_D)³) per level. So the per-target layout is quadratic in
 *       the depth with a small constant, the joint one linear with a constant that grows with the
 *       width. For smooth σ (the per-neuron sweep) one sweep per target layer, whose pairs cost a
 *       fixed part and O(n m N_D (m N_D + N_D)) (Grams, dots with z, the next vectors), while the
 *       noise, m N_D (n_{ℓ−1} + 1) Gaussians, is drawn once per level for all target layers
 *       ("Shared noise rows"): linear in the depth, not quadratic.
 *   <li>direct: every weight drawn, O(Σ_ℓ n_{ℓ−1} n_ℓ); with the NTK the backward sweeps,
 *       Σ_ℓ (L − ℓ + 1)·m_ℓ·N_D·n_{ℓ−1} n_ℓ multiply-adds.
 * </ul>
 * Measured (relu C_W = 1.5, m = 4, networks/s on 2 threads with the NTK, direct/exact, one run on a
 * quieter moment of the shared machine; refit for the layouts of 2026-12-07): width 16 depth 4
 * N_D = 2: 1.35; width 24 depth 4 N_D = 2: 1.57; width 16 depth 16: 1.56; width 16 depth 30:
 * 0.84; width 64 depth 16: 11.6; width 16 depth 200 (joint): 4.3; width 256 depth 6: 47; width 256
 * depth 20: 25; width 1024 depth 6: 211; n = 1024, L = 8, N_D = 2: 136 (N_D = 1 unless named).
 * benchmarks/results/exact-2026-12-07-scale.txt has C_W = 2 runs side by side (width 256 depth 64:
 * 21–30). The estimate is within a factor of about 3 of these. The per-neuron sweep's constants
 * (PAIR_STEP, PAIR_VECTOR, NOISE_GAUSSIAN) were refitted after the shared noise rows to the exact
 * sampler's CPU seconds per network on 1 thread (with the NTK minus without; tanh, widths 16–1024,
 * depths 8 and 32, N_D = 1, 2: within 25% at all 13 shapes), and its picks checked against both
 * samplers side by side at 16 tanh/gelu/relu shapes (benchmarks/results/sampler-auto-2026-12-07.txt).
 * EXACT_FORWARD (1.4e-7) lies between the measured tanh (3.6e-8) and gelu (about 4e-7) forward
 * costs per neuron and is kept.
 *
 * @param exact estimated seconds per network of the exact sampler
 * @param direct estimated seconds per network of the direct sampler
 * @param ntk whether the run measures the NTK
 */
public record SamplerCost(double exact, double direct, boolean ntk) {
  static final double OVERHEAD = 5e-5;
  /** The exact sampler's fixed cost per network (its set-up is lighter than the direct one's). */
  static final double EXACT_OVERHEAD = 1e-5;
  /** Per neuron and layer, times N_D(N_D + 1)/2 (the Gaussians, Ĝ's dots, σ and the level's sums). */
  static final double EXACT_FORWARD = 1.4e-7;
  /** Per (target layer, level) pair of the per-target layout, times 1 + (m N_D)³/512 (Gram sweep). */
  static final double TARGET_STEP = 1.5e-6;
  /**
   * Per noise Gaussian of the per-neuron sweep (smooth σ; ziggurat, org.rgflow.rng.Ziggurat) and
   * its share of Aᵀη; drawn once per level for every target layer (m N_D (n_{ℓ−1} + 1) per level).
   */
  static final double NOISE_GAUSSIAN = 7.7e-9;
  /** Per (target layer, level) pair of the per-neuron sweep, times 1 + (m N_D)³/512. */
  static final double PAIR_STEP = 5.5e-7;
  /** Per pair of the per-neuron sweep, times n̄·m N_D·(m N_D + N_D) (Grams, dots, combinations). */
  static final double PAIR_VECTOR = 1.5e-10;
  /** Per level of the joint layout, times 1 + (r + m N_D)³/2000. */
  static final double JOINT_LEVEL = 1.5e-6;
  static final double DIRECT_WEIGHT = 1e-8;
  static final double DIRECT_BACKWARD = 8e-10;

  /** The estimate for {@code spec} with {@code inputs} inputs and m NTK neurons (when ntk). */
  public static SamplerCost estimate(NetworkSpec spec, int inputs, boolean ntk, int ntkNeurons) {
    // residual layers take the per-neuron sweep (their skip term needs the vectors)
    boolean gram = spec.activation().scaleInvariantSlopes() != null && inputs <= 12
        && spec.layers().stream().noneMatch(l -> l instanceof org.rgflow.layer.Residual);
    return estimate(spec.widths(), inputs, ntk, ntkNeurons, gram);
  }

  /** As {@link #estimate(int[], int, boolean, int, boolean)} for relu-like σ (the Gram sweep). */
  public static SamplerCost estimate(int[] widths, int inputs, boolean ntk, int ntkNeurons) {
    return estimate(widths, inputs, ntk, ntkNeurons, inputs <= 12);
  }

  /**
   * From the widths n_0, …, n_L; {@code gramSweep}: σ is scale-invariant (relu, leaky relu,
   * linear) and N_D ≤ 12, so the exact sampler's NTK takes the Gram sweep.
   */
  public static SamplerCost estimate(int[] widths, int inputs, boolean ntk, int ntkNeurons,
      boolean gramSweep) {
    int depth = widths.length - 1;
    double exact = EXACT_OVERHEAD;
    double direct = OVERHEAD;
    double perTarget = 0;
    double joint = 0;
    double alive = 0;
    for (int l = depth; l >= 1; l--) {
      double n = widths[l];
      double weights = (double) widths[l - 1] * n;
      exact += EXACT_FORWARD * n * inputs * (inputs + 1) / 2;
      direct += DIRECT_WEIGHT * weights * (1 + inputs) / 2;
      if (ntk) {
        double m = Math.min(n, ntkNeurons);
        double block = m * inputs;
        alive += block;
        direct += DIRECT_BACKWARD * (depth - l + 1) * m * inputs * weights;
        double targets = depth - l + 1;
        if (gramSweep) {
          perTarget += targets * TARGET_STEP * (1 + Math.pow(block, 3) / 512);
        } else {
          // per-neuron sweep: each target's step at level l (its factor, the Gram of its vectors,
          // their dots with z and the combinations that form the next level's vectors), and one
          // set of noise rows per level shared by every target (docs/EXACT_SAMPLER.md §2c)
          perTarget += targets * pairStep(block, inputs, widths[l], l > 1 ? widths[l - 1] : 0);
          if (l > 1) {
            perTarget += NOISE_GAUSSIAN * block * (widths[l - 1] + 1);
          }
        }
        double r = Math.min(alive, inputs * n);
        joint += JOINT_LEVEL * (1 + Math.pow(r + block, 3) / 2000);
      }
    }
    if (ntk) {
      exact += gramSweep ? Math.min(perTarget, joint) : perTarget;
    }
    return new SamplerCost(exact, direct, ntk);
  }

  /**
   * The per-neuron sweep's cost of one (target layer, level) pair with a block of m N_D vectors on
   * layer ℓ (width n) that go down to layer ℓ − 1 (width nPrev, 0 at the last level): a fixed part
   * and O(n·block·(block + N_D)) for the Gram, the dots with z and the new vectors. It has no noise
   * term: the noise is drawn once per level ({@link #NOISE_GAUSSIAN}).
   */
  static double pairStep(double block, int inputs, int n, int nPrev) {
    return PAIR_STEP * (1 + Math.pow(block, 3) / 512)
        + PAIR_VECTOR * (n + nPrev) / 2.0 * block * (block + inputs);
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

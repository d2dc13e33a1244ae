package org.rgflow.rng;

/**
 * The one home of the randomness contract's stream flags (docs/RANDOMNESS.md): every Philox draw of
 * network e uses key (seed) and counter (c0, c1, c2, c3 = e), and the flags in the high bits of c2
 * keep the streams of different purposes apart. Layer numbers ℓ must stay below bit 28
 * ({@link #MAX_DEPTH}).
 *
 * <ul>
 *   <li>weights of layer ℓ: c2 = ℓ (no flag); biases: ℓ | {@link #BIAS};
 *   <li>exact sampler: forward Gaussians ℓ | {@link #EXACT_FORWARD}, per-neuron NTK noise
 *       ℓ | {@link #EXACT_NTK}, Gram-sweep Gaussians ℓ | {@link #GRAM_GAUSS} and chi-squared variates
 *       ℓ | {@link #GRAM_CHI}. The NTK sweeps run one per target layer t, so their three
 *       streams pack t beside the level ℓ': c2 = flag | t·2^14 | ℓ' ({@link #perTarget}); the
 *       per-neuron NTK noise takes t = 0 (one set of rows per level, read by every target's sweep).
 * </ul>
 */
public final class Streams {
  /** Bit 31: a bias draw. */
  public static final int BIAS = 0x80000000;
  /** Bit 30: the exact sampler's forward Gaussians u^{(ℓ)}_{β;i} (c1 = β, lane index i). */
  public static final int EXACT_FORWARD = 0x40000000;
  /** Bits 30, 29: the exact sampler's backward noise η^{(ℓ)}_{b;j} (c1 = b, lane index j). */
  public static final int EXACT_NTK = 0x60000000;
  /** Bits 30, 28: the Gram sweep's Gaussians. */
  public static final int GRAM_GAUSS = 0x50000000;
  /** Bits 30, 29, 28: the Gram sweep's chi-squared variates. */
  public static final int GRAM_CHI = 0x70000000;
  /** Largest depth the flagged streams allow (flags use bits 28–31). */
  public static final int MAX_DEPTH = (1 << 28) - 1;
  /** Largest depth with the NTK in the exact sampler: t and ℓ' take 14 bits each of c2. */
  public static final int MAX_NTK_DEPTH = (1 << 14) - 1;

  /** c2 = flag | t·2^14 | ℓ' for target layer t and level ℓ' (both ≤ {@link #MAX_NTK_DEPTH}). */
  public static int perTarget(int flag, int target, int level) {
    return flag | (target << 14) | level;
  }

  private Streams() {}

  /** "0x50000000" for notes and messages. */
  public static String hex(int flag) {
    return String.format("0x%08x", flag);
  }
}

package org.rgflow.stats;

import java.util.List;

import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.TheoryLayer;

/**
 * What a block's theory hook sees at one layer ℓ: the recursions' plain arrays there
 * ({@link TheoryLayer}), the network, n = n_{ℓ−1}, and the exact finite-width facts that hold for the
 * whole network (scale-invariant σ with C_b = 0 everywhere: the product ∏_{ℓ'&lt;ℓ}(1 + ν/n_ℓ'); linear
 * σ: the hidden widths so far, for the deep-linear closed forms; docs/THEORY.md §3, §5).
 *
 * @param spec the network
 * @param layer the recursions' values at ℓ
 * @param nPrev n_{ℓ−1}
 * @param exactScaleInvariant σ is scale-invariant and C_b = 0 in every layer
 * @param linear σ is linear (and C_b = 0 everywhere)
 * @param product ∏_{ℓ'&lt;ℓ}(1 + ν/n_ℓ') when {@code exactScaleInvariant}, else 1
 * @param hiddenWidths n_1..n_{ℓ−1}
 * @param below the recursions' values at every layer of the network (1..L; ℓ is {@code layer.layer()}),
 *     or null
 */
public record TheoryView(NetworkSpec spec, TheoryLayer layer, int nPrev, boolean exactScaleInvariant,
    boolean linear, double product, int[] hiddenWidths, List<TheoryLayer> below) {

  /** Without the other layers (blocks that need the depth history, as the dNTK's, then predict nothing). */
  public TheoryView(NetworkSpec spec, TheoryLayer layer, int nPrev, boolean exactScaleInvariant,
      boolean linear, double product, int[] hiddenWidths) {
    this(spec, layer, nPrev, exactScaleInvariant, linear, product, hiddenWidths, null);
  }

  public int inputs() {
    return layer.kernel().length;
  }
}

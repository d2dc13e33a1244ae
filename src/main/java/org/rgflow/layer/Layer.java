package org.rgflow.layer;

import java.util.Map;

/**
 * One layer type, carrying both worlds side by side: its parameters, its reference step for the
 * direct CPU sampler (forward, the NTK's parameter coefficients, and the backward step of gradient
 * vectors), and its step of the theory's recursions. A network is a list of layers
 * ({@link org.rgflow.spec.NetworkSpec}); the CPU reference network and the recursions fold over it
 * in plain loops, so sampler and theory of a layer cannot drift apart unnoticed. Today's layer is
 * {@link Dense}; a new layer type is one more implementation.
 *
 * <p>Conventions: layer ℓ maps the layer below (z^{(ℓ−1)} and σ^{(ℓ−1)} = σ(z^{(ℓ−1)}), or the input
 * x for ℓ = 1) to z^{(ℓ)}; arrays are [α][i] over N_D inputs; n_in = n_{ℓ−1}.
 */
public interface Layer {
  /** The layer type's name as results record it ("dense"). */
  String kind();

  /** Width n_ℓ. */
  int width();

  /** C_b^{(ℓ)}: bias variance. */
  double cb();

  /** C_W^{(ℓ)}: weights have variance C_W/n_{ℓ−1}. */
  double cw();

  /** λ_b^{(ℓ)}: NTK bias learning rate. */
  double lambdaB();

  /** λ_W^{(ℓ)}: NTK weight learning rate, applied as λ_W/n_{ℓ−1}. */
  double lambdaW();

  /** The parameters beyond width, C_b, C_W, λ_b, λ_W, by name (empty for dense), for the records. */
  default Map<String, Double> extra() {
    return Map.of();
  }

  // --- the direct CPU sampler (double precision, weights from the randomness contract) ---------

  /**
   * z^{(ℓ)} of every input: {@code out[α][i]}, i &lt; n_ℓ.
   *
   * @param w network e's weights of this layer
   * @param sIn σ^{(ℓ−1)}[α][j] (x for ℓ = 1), j &lt; n_in
   * @param zIn z^{(ℓ−1)}[α][j], or null for ℓ = 1
   * @param scratch the worker's buffers
   */
  void forward(Weights w, double[][] sIn, double[][] zIn, int nIn, double[][] out, int nd,
      Scratch scratch);

  /**
   * The factor of this layer's parameters in Θ̂^{(ℓ')} for every input pair: Θ̂ gains
   * Σ_i (∂z/∂z^{(ℓ)}_i)_α (∂z/∂z^{(ℓ)}_i)_β · coef[α][β] from layer ℓ's weights and biases.
   */
  void ntkCoefficients(double[][] sIn, int nIn, double[][] coef, int nd);

  /**
   * The backward step of gradient vectors: out_v = (∂z^{(ℓ)}/∂z^{(ℓ−1)})ᵀ g_v for each vector v of
   * input alpha[v], of length n_in (the layer below's pre-activations); g_v has length n_ℓ and
   * entries that are exactly 0 are skipped.
   *
   * @param dsIn σ′(z^{(ℓ−1)})[α][j]
   */
  void backward(Weights w, double[][] g, double[][] out, int[] alpha, int count, int nIn,
      double[][] dsIn, Scratch scratch);

  // --- the theory: one step of the recursions (docs/THEORY.md §2, §3, §6) ----------------------

  /** The state at this layer when it is layer 1, from the inputs' Gram matrix (1/n₀) x_α·x_β. */
  KernelState input(double[][] gram);

  /**
   * The state at this layer from the state below and the Gaussian averages there.
   *
   * @param rho n_{ℓ−1}/n_{ℓ−2}, the width ratio of the layer below to the one under it
   * @param withFiniteWidth false skips V and G1 (after a degenerate two-input kernel)
   */
  KernelState step(KernelState below, Averages avg, double rho, boolean withFiniteWidth);

  /**
   * Whether this layer is a plain MLP layer, z = b + Wσ(z_below) with the contract's weights: the
   * dNTK (its sampler sweep and its P, Q recursions) and the NTK's 1/n mean Θ1 are derived for those
   * only (docs/THEORY.md §16, §17).
   */
  default boolean plainMlp() {
    return false;
  }

  /** χ∥ of the map into this layer at the input kernel K_αα of the state below. */
  double chiPar(Averages avg, int alpha);

  /** χ⊥ likewise. */
  double chiPerp(Averages avg, int alpha);
}

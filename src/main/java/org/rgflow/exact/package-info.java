/**
 * The exact conditional sampler (docs/EXACT_SAMPLER.md): pre-activations layer by layer from
 * z^{(ℓ)} ~ N(0, Ĝ^{(ℓ)}), Ĝ = C_b 11ᵀ + (C_W/n_{ℓ−1}) σᵀσ, and the NTK through the weights' law
 * conditioned on W σ + b = z — the same joint law of (z, Θ̂) as the direct sampler at O(n·N_D²) per
 * layer instead of O(n²·N_D), with no weight ever drawn. {@link org.rgflow.exact.ExactEnsemble} is
 * the {@link org.rgflow.ensemble.SourceFactory}; {@link org.rgflow.exact.Samplers} decides
 * {@code --sampler exact|direct|auto}; {@link org.rgflow.exact.ExactBench} times it against the
 * direct CPU reference.
 */
package org.rgflow.exact;

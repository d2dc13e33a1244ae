package org.rgflow.core;

/**
 * The observables rgflow measures and predicts, with the book's names (used verbatim as JSON keys).
 *
 * <p>{@link #rank()} is the number of input indices: a rank-r observable with N_D inputs is a tensor
 * with N_D^r components (see {@link Tensor}). With one input every observable is a scalar.
 *
 * <p>Definitions (each is defined by its Monte-Carlo estimator; i ≠ k are distinct neurons of layer
 * ℓ; n = n_{ℓ−1} is the width of the previous layer):
 * <ul>
 *   <li>K_{αβ} = E[z_{i;α} z_{i;β}] — measured: the full two-point function; theory: K + G1/n.
 *   <li>G1_{αβ} — the 1/n kernel shift; measured as n (K_measured − K_infinite-width).
 *   <li>V_over_nK2_{(αβ)(γδ)} = Cov(z_{i;α}z_{i;β}, z_{k;γ}z_{k;δ}) / √(E z_α² E z_β² E z_γ² E z_δ²);
 *       with one input, (E[z_i² z_k²] − E[z_i²]E[z_k²]) / E[z_i²]² = V/(n K²).
 *   <li>kurtosis_α = E[z_{i;α}⁴]/E[z_{i;α}²]² − 3 (theory: 3 V/(nK²)).
 *   <li>Theta_{αβ} = E[Θ̂_{ii;αβ}], the NTK mean.
 *   <li>A_α, B_α, D_α, F_α — single-input NTK fluctuation tensors (docs/THEORY.md §6), for each input α:
 *       A/n = Cov(Θ̂_ii, Θ̂_kk), B/n = E[Θ̂_ik²], D/n = Cov(Θ̂_ii, z_k²), F/n = E[Θ̂_ik z_i z_k].
 *   <li>chi_par_α, chi_perp_α — parallel and perpendicular susceptibilities at K_αα (theory only).
 *   <li>G4_α = E[z_i² z_k²], G6_α = E[z_i² z_k² z_m²] (i, k, m distinct): raw 4- and 6-point
 *       functions, compared with the exact deep-linear results.
 *   <li>T3_α = n E[z_{i;α}³]/3 and T21_α = n E[z_{i;α}² z_{k;α}] (i ≠ k): two estimates of the
 *       three-point coefficient T (E[z_i² z_k] = T/n, E[z_i³] = 3T/n); zero for MLPs by parity.
 *   <li>P_{α0α1α2α3}, Q_{α0α1α2α3} — the dNTK–preactivation correlators (docs/THEORY.md §16):
 *       P/n = E[dΘ̂_{ikk;α0α1α2} z_{i;α3}], Q/n = E[dΘ̂_{iik;α0α1α2} z_{k;α3}] (i ≠ k), in the book's
 *       d²z·dz·dz convention (α0 the differentiated output); theory NaN where three or more distinct
 *       inputs occur.
 *   <li>Theta1_{αβ} — the 1/n NTK mean shift (docs/THEORY.md §17): theory Theta includes Θ1/n; measured
 *       as n (Theta_measured − Θ∞) like G1; NaN off the diagonal above 4 inputs.
 *   <li>A_full, B_full, D_full, F_full — the multi-input NTK fluctuation tensors (docs/THEORY.md §6.5),
 *       i ≠ k: A_{α1α2α3α4}/n = Cov(Θ̂_{ii;α1α2}, Θ̂_{kk;α3α4}), B/n = E[Θ̂_{ik;α1α2}Θ̂_{ik;α3α4}],
 *       D/n = Cov(Θ̂_{ii;α1α2}, z_{k;α3}z_{k;α4}), F/n = E[Θ̂_{ik;α1α2} z_{i;α3}z_{k;α4}]; the block
 *       "ntkfull" (by name only); theory NaN where three or more distinct inputs occur.
 *   <li>U_α = n E[Θ̂_ii z_k], U_prime_α = n E[Θ̂_ik z_k] (i ≠ k) — the odd NTK–pre-activation
 *       correlators of residual networks (docs/THEORY.md §17.9; zero for MLPs by parity); the block
 *       "ntk-odd" (by name only).
 * </ul>
 * Each observable belongs to one {@link org.rgflow.stats.StatBlock}, which measures and predicts it.
 */
public enum Obs {
  K(2),
  G1(2),
  V_over_nK2(4),
  kurtosis(1),
  Theta(2),
  A(1),
  B(1),
  D(1),
  F(1),
  chi_par(1),
  chi_perp(1),
  G4(1),
  G6(1),
  T3(1),
  T21(1),
  P(4),
  Q(4),
  Theta1(2),
  A_full(4),
  B_full(4),
  D_full(4),
  F_full(4),
  U(1),
  U_prime(1);

  private final int rank;

  Obs(int rank) {
    this.rank = rank;
  }

  /** Number of input indices. */
  public int rank() {
    return rank;
  }
}

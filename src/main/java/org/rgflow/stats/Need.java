package org.rgflow.stats;

/**
 * What a statistic block needs from a network source, per network and layer. A source states which
 * of these it can hand over ({@link org.rgflow.ensemble.NetworkSource#provides}); a block whose needs
 * it cannot meet is refused before any network is sampled, with the source's reason.
 */
public enum Need {
  /** s_p = Σ_i z_iα z_iβ, t_pq = Σ_i a_ip a_iq and Σ_i z_iα⁶ (see {@link PowerSums}). */
  EVEN_SUMS,
  /** Σ_i z_iα and Σ_i z_iα³ (see {@link PowerSums}). */
  ODD_SUMS,
  /** The NTK block Θ̂ of the measured neurons and their pre-activations. */
  NTK,
  /** The dNTK statistics of the measured neurons ({@link LayerData#dntk}). */
  DNTK
}

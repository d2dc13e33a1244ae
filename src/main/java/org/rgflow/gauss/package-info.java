/**
 * Gaussian expectations E[f(z)], z ~ N(0, K) in dimension d = 1..4 (and higher, slowly), by whitened,
 * iterated, kink-splitting composite Gauss–Legendre quadrature: {@link org.rgflow.gauss.GaussQuadrature}.
 * See its javadoc for the node layout, the per-dimension rule and the treatment of degenerate K.
 */
package org.rgflow.gauss;

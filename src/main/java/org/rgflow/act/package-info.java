/**
 * Pointwise activations σ with σ′, σ″ (regular parts), kinks, Taylor coefficients at 0 and the
 * scale-invariant slopes; {@link org.rgflow.act.Activations} is the name registry
 * ({@code relu}, {@code leaky_relu(0.2)}, {@code monomial(3)}, …).
 *
 * <p>Scale-invariant activations (linear, relu, leaky relu) are thin instances of one parameterised
 * class, {@link org.rgflow.act.ScaleInvariant} (cf. neural-tangents' {@code ABRelu}); all other
 * activations are {@link org.rgflow.act.SmoothActivation} instances built from closed-form
 * derivatives.
 */
package org.rgflow.act;

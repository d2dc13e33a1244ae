/**
 * The effective-theory recursions of PDLT (docs/THEORY.md §2–§6): kernel K, four-point vertex V, 1/n
 * kernel correction G1, NTK mean Θ and single-input fluctuations A, B, D, F, susceptibilities, exact
 * deep-linear and scale-invariant finite-width results ({@link org.rgflow.theory.DeepLinear}), and the
 * criticality / universality-class analysis ({@link org.rgflow.theory.Criticality}).
 *
 * <p>Entry points: {@link org.rgflow.theory.TheoryEngine#compute} (Obs tensors for printing) and
 * {@link org.rgflow.theory.TheoryEngine#layers} (plain arrays).
 */
package org.rgflow.theory;

package org.rgflow.theory;

import java.util.List;
import org.rgflow.core.LayerValues;

/**
 * The theory's predictions for every layer 1..L: {@code layers().get(ℓ−1).theory()} holds each
 * {@link org.rgflow.core.Obs} the theory can predict for this network, and {@code notes()} says what
 * could not be computed and why (e.g. "NTK undefined: σ′ of step is a Dirac delta").
 */
public record TheoryResult(List<LayerValues> layers, List<String> notes) {}

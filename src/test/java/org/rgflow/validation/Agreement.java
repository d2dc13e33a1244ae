package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.Predictions;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryResult;

/**
 * Ensemble-vs-theory assertions: |measured − theory| ≤ k·SE, collected over all layers and
 * components, failing once with every violation listed (index, both values, SE, z-score).
 *
 * <p>Statistics are deterministic (fixed seeds). A 3 SE bound on one Gaussian-distributed comparison
 * fails by chance with probability 0.27%; a test making N nearly independent comparisons has a
 * false-failure probability of about N × 0.27% for its seed. Comparisons across layers of one
 * ensemble are strongly correlated, so the effective N is far smaller than the count.
 */
final class Agreement {
  private final String label;
  private final double k;
  private final List<String> violations = new ArrayList<>();
  private int checked;
  private double maxPull;

  Agreement(String label, double k) {
    this.label = label;
    this.k = k;
  }

  /** Samples E networks on the CPU reference and computes the theory, layer by layer side by side. */
  static Paired run(NetworkSpec spec, Inputs inputs, long ensemble, long seed) {
    return run(spec, inputs, ensemble, seed, true);
  }

  /** As {@link #run(NetworkSpec, Inputs, long, long)}, with or without the NTK (backward passes). */
  static Paired run(NetworkSpec spec, Inputs inputs, long ensemble, long seed, boolean ntk) {
    return run(new CpuEnsemble(), spec, inputs, ensemble, seed, ntk);
  }

  /** As {@link #run(NetworkSpec, Inputs, long, long, boolean)}, on the given source. */
  static Paired run(SourceFactory source, NetworkSpec spec, Inputs inputs, long ensemble, long seed,
      boolean ntk) {
    RunSettings rs = new RunSettings(ensemble, seed, 2, 16, ntk, 4);
    EnsembleResult m = source.run(spec, inputs, rs, (d, t) -> {});
    TheoryResult t = Predictions.compute(spec, inputs);
    return new Paired(spec, m, t);
  }

  record Paired(NetworkSpec spec, EnsembleResult measured, TheoryResult theory) {
    LayerValues m(int layer) {
      return measured.layers().get(layer - 1);
    }

    LayerValues t(int layer) {
      return theory.layers().get(layer - 1);
    }
  }

  /** Compares one observable (all components) at one layer. */
  void check(Paired p, int layer, Obs obs) {
    Tensor v = p.m(layer).value().get(obs);
    Tensor e = p.m(layer).err().get(obs);
    Tensor t = p.t(layer).theory().get(obs);
    if (v == null || e == null || t == null) {
      fail(label + ": layer " + layer + " has no " + obs + " (measured " + (v != null) + ", err "
          + (e != null) + ", theory " + (t != null) + ")");
    }
    for (int f = 0; f < v.size(); f++) {
      compare(obs + java.util.Arrays.toString(v.unflat(f)) + " layer " + layer, v.getFlat(f),
          e.getFlat(f), t.getFlat(f));
    }
  }

  /** Compares a measured G1 = n_{ℓ−1}(K_meas − K∞) with the theory's G1, all components. */
  void checkG1(Paired p, int layer) {
    int nPrev = p.spec().width(layer - 1);
    Tensor kv = p.m(layer).value().get(Obs.K);
    Tensor ke = p.m(layer).err().get(Obs.K);
    Tensor kt = p.t(layer).theory().get(Obs.K);
    Tensor g1 = p.t(layer).theory().get(Obs.G1);
    for (int f = 0; f < kv.size(); f++) {
      double kInf = kt.getFlat(f) - g1.getFlat(f) / nPrev;
      compare("G1" + java.util.Arrays.toString(kv.unflat(f)) + " layer " + layer,
          nPrev * (kv.getFlat(f) - kInf), nPrev * ke.getFlat(f), g1.getFlat(f));
    }
  }

  void compare(String what, double measured, double se, double theory) {
    checked++;
    if (!Double.isFinite(measured) || !Double.isFinite(theory) || !(se >= 0)) {
      violations.add(String.format("%s: non-finite measured=%s se=%s theory=%s", what, measured, se,
          theory));
      return;
    }
    double dev = Math.abs(measured - theory);
    if (se > 0) {
      maxPull = Math.max(maxPull, dev / se);
    }
    // Exact agreement (e.g. layer-1 quantities fixed by construction) passes even with SE = 0.
    if (dev > k * se + 1e-12 * Math.max(1, Math.abs(theory))) {
      violations.add(String.format("%s: measured %.6g ± %.3g, theory %.6g, z = %.2f", what, measured,
          se, theory, (measured - theory) / se));
    }
  }

  /** Fails listing every violation; also asserts that something was actually compared. */
  void assertAll(int minChecked) {
    System.out.printf("[Agreement] %s: %d comparisons, max |z| = %.2f%n", label, checked, maxPull);
    assertTrue(checked >= minChecked, label + ": only " + checked + " comparisons made, expected ≥ "
        + minChecked);
    if (!violations.isEmpty()) {
      fail(label + ": " + violations.size() + " of " + checked + " comparisons outside " + k
          + " SE:\n  " + String.join("\n  ", violations));
    }
  }

  int checked() {
    return checked;
  }
}

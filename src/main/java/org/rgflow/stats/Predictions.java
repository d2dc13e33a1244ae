package org.rgflow.stats;

import java.util.ArrayList;
import java.util.List;
import org.rgflow.act.Activation;
import org.rgflow.act.ScaleInvariant;
import org.rgflow.core.LayerValues;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryLayer;
import org.rgflow.theory.TheoryResult;

/**
 * The theory's predictions as observables: the recursions' plain arrays ({@link TheoryEngine#layers})
 * handed to every block's theory hook, layer by layer. Exact finite-width facts are worked out once
 * for the network and passed along ({@link TheoryView}): for scale-invariant σ with C_b = 0 in every
 * layer, the diagonal V_over_nK2, the kurtosis and G4 use the exact product ∏_{ℓ'&lt;ℓ}(1 + ν/n_ℓ') with
 * ν = 3A₄/A₂² − 1; for linear σ, G6 is the deep-linear closed form (docs/THEORY.md §3, §5).
 */
public final class Predictions {
  private Predictions() {}

  /**
   * Whether no layer has a skip connection (γ = 0 everywhere): the exact product formula holds only
   * then (a residual layer with γ = 0 is a dense one with C_b, C_W scaled by ξ²).
   */
  static boolean withoutSkips(NetworkSpec spec) {
    for (org.rgflow.layer.Layer l : spec.layers()) {
      if (l instanceof org.rgflow.layer.Residual r && r.gamma() != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Kernels only: K (the infinite-width K∞; G1 is not computed), χ∥ and, unless σ′ is singular, Θ and χ⊥,
   * in O(N²) memory per layer (no block: the V-sized tensors would not fit for hundreds of inputs).
   */
  private static TheoryResult kernelsOnly(TheoryEngine.Theory t, List<String> notes) {
    List<LayerValues> out = new ArrayList<>();
    for (TheoryLayer tl : t.layers()) {
      int nd = tl.kernel().length;
      LayerValues lv = new LayerValues(tl.layer());
      org.rgflow.core.Tensor kt = org.rgflow.core.Tensor.of(nd, org.rgflow.core.Obs.K);
      org.rgflow.core.Tensor th = tl.theta() == null ? null
          : org.rgflow.core.Tensor.of(nd, org.rgflow.core.Obs.Theta);
      for (int a = 0; a < nd; a++) {
        for (int b = a; b < nd; b++) {
          kt.set(tl.kernel()[a][b], a, b);
          if (th != null) {
            th.set(tl.theta()[a][b], a, b);
          }
        }
      }
      lv.theory().put(org.rgflow.core.Obs.K, kt);
      lv.theory().put(org.rgflow.core.Obs.chi_par, KernelBlock.vector(nd, org.rgflow.core.Obs.chi_par,
          tl.chiPar()));
      if (th != null) {
        lv.theory().put(org.rgflow.core.Obs.Theta, th);
        lv.theory().put(org.rgflow.core.Obs.chi_perp, KernelBlock.vector(nd, org.rgflow.core.Obs.chi_perp,
            tl.chiPerp()));
      }
      out.add(lv);
    }
    return new TheoryResult(out, notes);
  }

  /** Every block's predictions for {@code spec} on {@code inputs}. */
  public static TheoryResult compute(NetworkSpec spec, Inputs inputs) {
    return compute(spec, inputs, StatSet.ALL);
  }

  /** The predictions of the given blocks. */
  public static TheoryResult compute(NetworkSpec spec, Inputs inputs, List<StatBlock> blocks) {
    return compute(spec, inputs, blocks, TheoryEngine.Options.defaults());
  }

  /** The predictions of the given blocks, the recursions run with {@code options}. */
  public static TheoryResult compute(NetworkSpec spec, Inputs inputs, List<StatBlock> blocks,
      TheoryEngine.Options options) {
    TheoryEngine.Theory t = TheoryEngine.layers(spec, inputs, options);
    List<String> notes = new ArrayList<>(t.notes());
    if (options.kernelsOnly()) {
      return kernelsOnly(t, notes);
    }
    Activation act = spec.activation();
    double[] slopes = act.scaleInvariantSlopes();
    boolean noBias = true;
    for (int l = 1; l <= spec.depth(); l++) {
      noBias &= spec.cb(l) == 0;
    }
    boolean exactSi = slopes != null && noBias && withoutSkips(spec);
    boolean linear = exactSi && slopes[0] == slopes[1];
    if (exactSi) {
      notes.add("V_over_nK2 diagonal, kurtosis and G4: exact finite-width product formula for scale-invariant "
          + act.name() + " with C_b = 0 (nu = " + ScaleInvariant.nu(slopes) + ")");
    }
    List<LayerValues> out = new ArrayList<>();
    double prod4 = 1;
    List<Integer> hidden = new ArrayList<>();
    for (TheoryLayer tl : t.layers()) {
      int l = tl.layer();
      if (l >= 2) {
        hidden.add(spec.width(l - 1));
        if (exactSi) {
          prod4 *= 1 + ScaleInvariant.nu(slopes) / spec.width(l - 1);
        }
      }
      TheoryView view = new TheoryView(spec, tl, spec.width(l - 1), exactSi, linear, prod4,
          hidden.stream().mapToInt(Integer::intValue).toArray(), t.layers());
      LayerValues lv = new LayerValues(l);
      for (StatBlock b : blocks) {
        b.theory(view, lv);
      }
      out.add(lv);
    }
    return new TheoryResult(out, notes);
  }
}

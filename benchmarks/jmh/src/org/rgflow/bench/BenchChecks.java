package org.rgflow.bench;

import org.rgflow.core.Tensor;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/** Correctness checks the benchmarks run once in their setup, never inside the timed code. */
final class BenchChecks {
  private BenchChecks() {}

  /**
   * Layer 1's kernel is exact, K¹ = C_b + C_W·x·x/n₀: every entry within 5 SE (false failure
   * ≈ 6·10⁻⁷ per entry); and no value anywhere is infinite.
   */
  static void layerOneKernelAndFinite(String what, NetworkSpec spec, Inputs inputs, EnsembleResult r) {
    Tensor k = r.layers().get(0).value().get(Obs.K);
    Tensor se = r.layers().get(0).err().get(Obs.K);
    double[][] g = inputs.gram();
    int nd = inputs.count();
    for (int a = 0; a < nd; a++) {
      for (int b = 0; b < nd; b++) {
        double exact = spec.cb(1) + spec.cw(1) * g[a][b];
        if (!(Math.abs(k.get(a, b) - exact) <= 5 * se.get(a, b))) {
          throw new IllegalStateException(what + ": layer-1 K[" + a + "," + b + "] = " + k.get(a, b)
              + " ± " + se.get(a, b) + ", exact " + exact);
        }
      }
    }
    for (var lv : r.layers()) {
      for (Tensor t : lv.value().values()) {
        for (double v : t.raw()) {
          if (Double.isInfinite(v)) {
            throw new IllegalStateException(what + ": non-finite value at layer " + lv.layer());
          }
        }
      }
    }
  }
}

package org.rgflow.exact;

import org.rgflow.core.Sums;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.rgflow.act.Activation;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Statistical agreement of the exact and the direct sampler (independent streams): for every layer,
 * observable and tensor entry, |exact − direct| ≤ k·√(SE_exact² + SE_direct²) with k = 3. Each
 * comparison fails by chance with probability ≈ 0.27% (Gaussian estimates); seeds are fixed, so a
 * test is deterministic. Differences below {@link #ROUNDING} pass (quantities with SE 0,
 * such as layer-1 D, are deterministic up to rounding). Entries that are NaN in both (undefined for the width) are skipped.
 */
final class Agreement {
  static final double K = 3;
  /** Differences below this (relative, plus the same absolute) are rounding, not sampling noise. */
  static final double ROUNDING = 1e-9;
  static final Obs[] FORWARD = {Obs.K, Obs.V_over_nK2, Obs.kurtosis, Obs.G4, Obs.G6};
  static final Obs[] NTK = {Obs.Theta, Obs.A, Obs.B, Obs.D, Obs.F};

  private Agreement() {}

  /** Result of one comparison run: how many entries were checked and the largest |z|. */
  record Outcome(int compared, double maxZ, double sumZ2, List<String> failures) {}

  static NetworkSpec spec(int n0, int[] widths, Activation act, double cb, double cw) {
    int depth = widths.length;
    double[] b = new double[depth];
    double[] w = new double[depth];
    double[] one = new double[depth];
    java.util.Arrays.fill(b, cb);
    java.util.Arrays.fill(w, cw);
    java.util.Arrays.fill(one, 1);
    return new NetworkSpec(n0, widths, act, b, w, one, one);
  }

  static EnsembleResult direct(NetworkSpec spec, Inputs in, long e, long seed, boolean ntk, int m) {
    return new CpuEnsemble().run(spec, in, new RunSettings(e, seed, 2, 16, ntk, m),
        ProgressListener.NONE);
  }

  static EnsembleResult exact(NetworkSpec spec, Inputs in, long e, long seed, boolean ntk, int m) {
    return exact(spec, in, e, seed, ntk, m, false);
  }

  static EnsembleResult exact(NetworkSpec spec, Inputs in, long e, long seed, boolean ntk, int m,
      boolean perNeuronSweep) {
    return new ExactEnsemble(perNeuronSweep).run(spec, in, new RunSettings(e, seed, 2, 16, ntk, m),
        ProgressListener.NONE);
  }

  /** The exact sampler with a stated Gram-sweep layout (ExactNetwork.PER_TARGET or JOINT). */
  static EnsembleResult exactLayout(NetworkSpec spec, Inputs in, long e, long seed, int m,
      int layout) {
    return new ExactEnsemble(false, layout).run(spec, in, new RunSettings(e, seed, 2, 16, true, m),
        ProgressListener.NONE);
  }

  static Outcome compare(EnsembleResult a, EnsembleResult b, Obs[] obs, double k) {
    return compare(a, b, obs, k, Integer.MAX_VALUE);
  }

  /** As {@link #compare(EnsembleResult, EnsembleResult, Obs[], double)} on layers 1..maxLayer. */
  static Outcome compare(EnsembleResult a, EnsembleResult b, Obs[] obs, double k, int maxLayer) {
    int compared = 0;
    double maxZ = 0;
    double sumZ2 = 0;
    List<String> failures = new ArrayList<>();
    for (int l = 0; l < Math.min(maxLayer, a.layers().size()); l++) {
      LayerValues la = a.layers().get(l);
      LayerValues lb = b.layers().get(l);
      for (Obs o : obs) {
        if (!la.value().containsKey(o)) {
          continue;
        }
        double[] va = la.value().get(o).raw();
        double[] ea = la.err().get(o).raw();
        double[] vb = lb.value().get(o).raw();
        double[] eb = lb.err().get(o).raw();
        for (int i = 0; i < va.length; i++) {
          if (Double.isNaN(va[i]) && Double.isNaN(vb[i])) {
            continue;
          }
          double se = Math.sqrt(ea[i] * ea[i] + eb[i] * eb[i]);
          double diff = Math.abs(va[i] - vb[i]);
          // Deterministic quantities (e.g. layer-1 D, whose SE is 0) differ only by rounding.
          double zz = diff <= ROUNDING * (1 + Math.max(Math.abs(va[i]), Math.abs(vb[i]))) ? 0
              : diff / se;
          compared++;
          maxZ = Math.max(maxZ, Double.isNaN(zz) ? Double.POSITIVE_INFINITY : zz);
          sumZ2 += zz * zz;
          if (!(zz <= k)) {
            failures.add(String.format("layer %d %s[%d]: exact %.6g ± %.2g, direct %.6g ± %.2g, |z| = %.2f",
                l + 1, o, i, va[i], ea[i], vb[i], eb[i], zz));
          }
        }
      }
    }
    return new Outcome(compared, maxZ, sumZ2, failures);
  }

  /** Runs both samplers and asserts agreement at k = 3 SE; returns the number of entries compared. */
  static int assertAgree(String what, NetworkSpec spec, Inputs in, long e, boolean ntk, int m,
      long seed) {
    return assertAgree(what, spec, in, e, ntk, m, seed, K);
  }

  /** As above with a stated k (for families far larger than the default tests'). */
  static int assertAgree(String what, NetworkSpec spec, Inputs in, long e, boolean ntk, int m,
      long seed, double k) {
    EnsembleResult ex = exact(spec, in, e, seed, ntk, m);
    EnsembleResult di = direct(spec, in, e, seed + 1, ntk, m);
    Outcome f = compare(ex, di, FORWARD, k);
    Outcome t = ntk ? compare(ex, di, NTK, k) : new Outcome(0, 0, 0, List.of());
    List<String> all = new ArrayList<>(f.failures());
    all.addAll(t.failures());
    int n = f.compared() + t.compared();
    String head = what + " (E = " + e + " each, k = " + k + ", " + n + " entries, max |z| = "
        + String.format("%.2f", Math.max(f.maxZ(), t.maxZ())) + ", rms z = "
        + String.format("%.2f", Math.sqrt((f.sumZ2() + t.sumZ2()) / Math.max(1, n))) + ")";
    System.out.println("[exact vs direct] " + head);
    assertTrue(all.isEmpty(), head + ":\n  " + String.join("\n  ", all));
    return n;
  }

  /**
   * The k of a Bonferroni bound over n comparisons with family-wise false-failure probability
   * alpha: P(|z| > k) = alpha/n for a standard normal z.
   */
  static double bonferroniK(int n, double alpha) {
    return -new org.hipparchus.distribution.continuous.NormalDistribution().inverseCumulativeProbability(
        alpha / (2 * n));
  }

  /**
   * Every Θ̂ of the sample is finite, symmetric and positive semidefinite (its semidefinite Cholesky
   * factor reproduces it to 1e-9 relative), and layer 1's is the exact
   * δ_ik (λ_b + λ_W x_α·x_β / n₀) to 1e-14 relative.
   */
  static void assertThetaPsdAndLayerOneExact(org.rgflow.ensemble.NetworkSample s, NetworkSpec spec,
      Inputs in, String what) {
    int n0 = spec.width(0);
    int nd = in.count();
    for (int l = 0; l < spec.depth(); l++) {
      double[][] t = s.theta()[l];
      double[][] lf = new double[t.length][t.length];
      Psd.cholesky(t, lf, t.length);
      for (int i = 0; i < t.length; i++) {
        for (int k = 0; k < t.length; k++) {
          assertTrue(Double.isFinite(t[i][k]), what + ": finite");
          assertEquals(t[i][k], t[k][i], 0.0, what + ": symmetric");
          double r = 0;
          for (int j = 0; j < t.length; j++) {
            r += lf[i][j] * lf[k][j];
          }
          assertEquals(t[i][k], r, 1e-9 * (1 + Math.abs(t[i][k])), what + ": Θ̂ = L Lᵀ at layer " + (l + 1));
          if (l == 0) {
            double want = i / nd != k / nd ? 0 : spec.lambdaB(1) + spec.lambdaW(1) / n0
                * Sums.dot(in.vector(i % nd), in.vector(k % nd), n0);
            assertEquals(want, t[i][k], 1e-14 * (1 + Math.abs(want)), what + ": layer 1 exact");
          }
        }
      }
    }
  }
}

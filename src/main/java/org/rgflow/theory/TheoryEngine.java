package org.rgflow.theory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.rgflow.core.Limits;
import org.rgflow.core.Parallel;
import org.rgflow.layer.Averages;
import org.rgflow.layer.KernelState;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Entry point of the theory side: the book's layer-to-layer predictions (PDLT ch. 4–8; docs/THEORY.md
 * §2–§6) for a network on a set of inputs, as plain arrays per layer. The statistic blocks turn them
 * into observables ({@link org.rgflow.stats.Predictions}).
 *
 * <p>{@link #layers} gives one {@link TheoryLayer} per layer: K∞, G1, the full V tensor, Θ, χ∥, χ⊥
 * and the single-input A, B, D, F (Θ and the NTK quantities absent for step, whose σ′ is a Dirac
 * delta). Identical inputs (equal Gram rows) are computed once and copied, so N_D copies of one input
 * give exactly the single-input numbers.
 */
public final class TheoryEngine {
  /** Kernels beyond this magnitude count as overflowed (the ensemble uses the same threshold). */
  static final double OVERFLOW = Limits.OVERFLOW;

  private TheoryEngine() {}

  /** Plain-array result: one {@link TheoryLayer} per layer plus notes. */
  public record Theory(List<TheoryLayer> layers, List<String> notes) {}

  /**
   * How to run the recursions; none of it changes a number.
   *
   * @param threads threads of the loops over input pairs and index sets (results do not depend on it)
   * @param kernelsOnly only K, Θ, χ (no G1, V, A, B, D, F, which are reported as NaN): skips the
   *     four-point tensor, the cost for many inputs
   * @param progress called with ℓ after each layer ℓ is done, or null
   */
  public record Options(int threads, boolean kernelsOnly, IntConsumer progress) {
    /** All processors, everything, no progress. */
    public static Options defaults() {
      return new Options(Parallel.defaultThreads(), false, null);
    }
  }

  /**
   * Runs all recursions and returns plain arrays per layer (see {@link TheoryLayer}).
   *
   * @throws org.rgflow.spec.SpecException (field --inputs) when some K_αα = 0 (zero input, C_b = 0)
   */
  public static Theory layers(NetworkSpec spec, Inputs inputs) {
    return layers(spec, inputs, Options.defaults());
  }

  /** {@link #layers(NetworkSpec, Inputs)} with the given options. */
  public static Theory layers(NetworkSpec spec, Inputs inputs, Options options) {
    double[][] gram = inputs.gram();
    int nd = gram.length;
    // de-duplicate identical inputs (equal Gram rows)
    int[] map = new int[nd];
    List<Integer> uniq = new ArrayList<>();
    for (int a = 0; a < nd; a++) {
      map[a] = -1;
      for (int u = 0; u < uniq.size() && map[a] < 0; u++) {
        int b = uniq.get(u);
        if (sameRow(gram, a, b)) {
          map[a] = u;
        }
      }
      if (map[a] < 0) {
        map[a] = uniq.size();
        uniq.add(a);
      }
    }
    int nu = uniq.size();
    double[][] ug = new double[nu][nu];
    for (int i = 0; i < nu; i++) {
      for (int j = 0; j < nu; j++) {
        ug[i][j] = gram[uniq.get(i)][uniq.get(j)];
      }
    }
    List<String> notes = new ArrayList<>();
    if (nu < nd) {
      notes.add((nd - nu) + " input(s) duplicate others; computed once and copied");
    }
    boolean singular = spec.activation().derivativeIsSingular();
    if (singular) {
      notes.add("NTK (Theta, A, B, D, F) and chi_perp undefined: sigma' of " + spec.activation().name()
          + " is a Dirac delta");
    }
    if (options.kernelsOnly()) {
      notes.add("kernels only: G1, V and the NTK fluctuations A, B, D, F not computed (the reported K is"
          + " the infinite-width kernel)");
    }
    Recursions r = new Recursions(spec, ug, options.threads());
    boolean finite = !options.kernelsOnly();
    List<TheoryLayer> out = new ArrayList<>();
    for (int l = 1; l <= spec.depth(); l++) {
      for (int a = 0; a < r.k.length; a++) {
        double kaa = r.k[a][a];
        if (!(Math.abs(kaa) < OVERFLOW) || (r.theta != null && !(Math.abs(r.theta[a][a]) < OVERFLOW))) {
          throw new TheoryDivergenceException(l, kaa);
        }
      }
      r.diagStats();
      out.add(expand(r, map, nd, singular, finite, !options.kernelsOnly()));
      if (options.progress() != null) {
        options.progress().accept(l);
      }
      if (l < spec.depth()) {
        try {
          r.step(finite);
        } catch (Averages.DegenerateException e) {
          notes.add(e.getMessage() + "; V, G1 set to NaN from layer " + (l + 1));
          finite = false;
          r.step(false);
        } catch (ArithmeticException e) {
          notes.add(e.getMessage() + "; later layers omitted");
          break;
        }
      }
    }
    if (!options.kernelsOnly()) {
      ResidualNtkB.fill(spec, out, singular); // B, F, U′ of residual layers at γ ≠ 0 (§17.2)
    }
    return new Theory(out, notes);
  }

  private static boolean sameRow(double[][] g, int a, int b) {
    for (int c = 0; c < g.length; c++) {
      double tol = 1e-14 * Math.max(Math.abs(g[a][a]), Math.abs(g[b][b]));
      if (Math.abs(g[a][c] - g[b][c]) > tol) {
        return false;
      }
    }
    return true;
  }

  private static TheoryLayer expand(Recursions r, int[] map, int nd, boolean singular, boolean finite,
      boolean fluctuations) {
    double[][] k = new double[nd][nd];
    double[][] g1 = new double[nd][nd];
    double[][] th = singular ? null : new double[nd][nd];
    double[][][][] v = finite ? new double[nd][nd][nd][nd] : KernelState.constantVertex(nd, Double.NaN);
    double[] cpar = new double[nd];
    double[] cperp = singular ? null : new double[nd];
    double[] a = singular ? null : new double[nd];
    double[] b = singular ? null : new double[nd];
    double[] d = singular ? null : new double[nd];
    double[] f = singular ? null : new double[nd];
    for (int i = 0; i < nd; i++) {
      int ui = map[i];
      cpar[i] = r.chiPar(ui);
      if (!singular) {
        cperp[i] = r.chiPerp(ui);
        a[i] = fluctuations ? r.fa[ui] : Double.NaN;
        b[i] = fluctuations ? r.fb[ui] : Double.NaN;
        d[i] = fluctuations ? r.fd[ui] : Double.NaN;
        f[i] = fluctuations ? r.ff[ui] : Double.NaN;
      }
      for (int j = 0; j < nd; j++) {
        int uj = map[j];
        k[i][j] = r.k[ui][uj];
        g1[i][j] = finite ? r.g1[ui][uj] : Double.NaN;
        if (!singular) {
          th[i][j] = r.theta[ui][uj];
        }
        if (finite) {
          for (int p = 0; p < nd; p++) {
            for (int q = 0; q < nd; q++) {
              v[i][j][p][q] = r.v[ui][uj][map[p]][map[q]];
            }
          }
        }
      }
    }
    double[][][] t3 = null;
    if (r.t3 != null) {
      t3 = new double[nd][nd][nd];
      for (int i = 0; i < nd; i++) {
        for (int j = 0; j < nd; j++) {
          for (int p = 0; p < nd; p++) {
            t3[i][j][p] = finite ? r.t3[map[i]][map[j]][map[p]] : Double.NaN;
          }
        }
      }
    }
    return new TheoryLayer(r.layer, k, g1, v, th, cpar, cperp, a, b, d, f, t3);
  }
}

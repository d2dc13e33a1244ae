package org.rgflow.theory;

import java.util.ArrayList;
import java.util.List;
import org.rgflow.act.Activation;
import org.rgflow.act.ScaleInvariant;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Entry point of the theory side: the book's layer-to-layer predictions (PDLT ch. 4–8; FORMULAS.md
 * §2–§6) for a network on a set of inputs.
 *
 * <p>Two views of the same computation: {@link #layers} gives plain arrays ({@link TheoryLayer}: K∞, G1,
 * the full V tensor, Θ, χ∥, χ⊥, A, B, D, F) and {@link #compute} the {@link Obs} tensors that the table
 * and JSON writers print. Identical inputs (equal Gram rows) are computed once and copied, so N_D
 * copies of one input give exactly the single-input numbers.
 *
 * <p>Reported Obs (layer ℓ, n = n_{ℓ−1}, K = K∞):
 * <ul>
 *   <li>K: K + G1/n (the 1/n-corrected two-point function); G1: G1.
 *   <li>V_over_nK2: V_{(α1α2)(α3α4)}/(n √(K_α1α1 K_α2α2 K_α3α3 K_α4α4)). Exception: scale-invariant σ
 *       with C_b = 0 in every layer, diagonal components use the exact finite-width product
 *       ∏_{ℓ'&lt;ℓ}(1 + ν/n_ℓ') − 1, ν = 3A₄/A₂² − 1 (§3; exact for any C_W because, given layer ℓ−1,
 *       E[X²] = A₂²q²(1 + ν/n) for X = (1/n)Σσ_j²). kurtosis = 3 × diagonal V_over_nK2.
 *   <li>G4 (scale-invariant, C_b = 0): K² ∏(1 + ν/n_ℓ'); G6 (linear σ, C_b = 0): {@link DeepLinear}.
 *   <li>Theta, chi_par, chi_perp, A, B, D, F — absent for step (σ′ is a Dirac delta).
 * </ul>
 */
public final class TheoryEngine {
  /** Kernels beyond this magnitude count as overflowed (the ensemble uses the same threshold). */
  static final double OVERFLOW = 1e150;

  private TheoryEngine() {}

  /** Plain-array result: one {@link TheoryLayer} per layer plus notes. */
  public record Theory(List<TheoryLayer> layers, List<String> notes) {}

  /** The book's layer-to-layer predictions for {@code spec} on {@code inputs}. */
  public static TheoryResult compute(NetworkSpec spec, Inputs inputs) {
    Theory t = layers(spec, inputs);
    List<String> notes = new ArrayList<>(t.notes());
    Activation act = spec.activation();
    double[] slopes = act.scaleInvariantSlopes();
    boolean noBias = true;
    for (int l = 1; l <= spec.depth(); l++) {
      noBias &= spec.cb(l) == 0;
    }
    boolean exactSi = slopes != null && noBias;
    boolean linear = exactSi && slopes[0] == slopes[1];
    if (exactSi) {
      notes.add("V_over_nK2 diagonal, kurtosis and G4: exact finite-width product formula for scale-invariant "
          + act.name() + " with C_b = 0 (nu = " + ScaleInvariant.nu(slopes) + ")");
    }
    int nd = inputs.count();
    List<LayerValues> out = new ArrayList<>();
    double prod4 = 1;
    List<Integer> hidden = new ArrayList<>();
    for (TheoryLayer tl : t.layers()) {
      int l = tl.layer();
      LayerValues lv = new LayerValues(l);
      double nPrev = spec.width(l - 1);
      Tensor kt = Tensor.of(nd, Obs.K);
      Tensor gt = Tensor.of(nd, Obs.G1);
      for (int a = 0; a < nd; a++) {
        for (int b = 0; b < nd; b++) {
          kt.set(tl.kernel()[a][b] + tl.g1()[a][b] / nPrev, a, b);
          gt.set(tl.g1()[a][b], a, b);
        }
      }
      lv.theory().put(Obs.K, kt);
      lv.theory().put(Obs.G1, gt);
      Tensor vt = Tensor.of(nd, Obs.V_over_nK2);
      for (int f = 0; f < vt.size(); f++) {
        int[] i = vt.unflat(f);
        double[][] k = tl.kernel();
        double norm = Math.sqrt(k[i[0]][i[0]] * k[i[1]][i[1]] * k[i[2]][i[2]] * k[i[3]][i[3]]);
        vt.setFlat(f, tl.v()[i[0]][i[1]][i[2]][i[3]] / (nPrev * norm));
      }
      if (l >= 2) {
        hidden.add(spec.width(l - 1));
        if (exactSi) {
          prod4 *= 1 + ScaleInvariant.nu(slopes) / spec.width(l - 1);
        }
      }
      Tensor kurt = Tensor.of(nd, Obs.kurtosis);
      Tensor g4 = Tensor.of(nd, Obs.G4);
      Tensor g6 = Tensor.of(nd, Obs.G6);
      for (int a = 0; a < nd; a++) {
        double kaa = tl.kernel()[a][a];
        if (exactSi) {
          vt.set(prod4 - 1, a, a, a, a);
          g4.set(kaa * kaa * prod4, a);
        }
        if (linear) {
          int[] hw = hidden.stream().mapToInt(Integer::intValue).toArray();
          g6.set(DeepLinear.g2m(3, hw, kaa), a);
        }
        kurt.set(3 * vt.get(a, a, a, a), a);
      }
      lv.theory().put(Obs.V_over_nK2, vt);
      lv.theory().put(Obs.kurtosis, kurt);
      if (exactSi) {
        lv.theory().put(Obs.G4, g4);
      }
      if (linear) {
        lv.theory().put(Obs.G6, g6);
      }
      lv.theory().put(Obs.chi_par, vec(nd, Obs.chi_par, tl.chiPar()));
      if (tl.theta() != null) {
        Tensor th = Tensor.of(nd, Obs.Theta);
        for (int a = 0; a < nd; a++) {
          for (int b = 0; b < nd; b++) {
            th.set(tl.theta()[a][b], a, b);
          }
        }
        lv.theory().put(Obs.Theta, th);
        lv.theory().put(Obs.chi_perp, vec(nd, Obs.chi_perp, tl.chiPerp()));
        lv.theory().put(Obs.A, vec(nd, Obs.A, tl.a()));
        lv.theory().put(Obs.B, vec(nd, Obs.B, tl.b()));
        lv.theory().put(Obs.D, vec(nd, Obs.D, tl.d()));
        lv.theory().put(Obs.F, vec(nd, Obs.F, tl.f()));
      }
      out.add(lv);
    }
    return new TheoryResult(out, notes);
  }

  private static Tensor vec(int nd, Obs o, double[] x) {
    Tensor t = Tensor.of(nd, o);
    for (int a = 0; a < nd; a++) {
      t.set(x[a], a);
    }
    return t;
  }

  /**
   * Runs all recursions and returns plain arrays per layer (see {@link TheoryLayer}).
   *
   * @throws org.rgflow.spec.SpecException (field --inputs) when some K_αα = 0 (zero input, C_b = 0)
   */
  public static Theory layers(NetworkSpec spec, Inputs inputs) {
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
    Recursions r = new Recursions(spec, ug);
    boolean finite = true;
    List<TheoryLayer> out = new ArrayList<>();
    for (int l = 1; l <= spec.depth(); l++) {
      for (int a = 0; a < r.k.length; a++) {
        double kaa = r.k[a][a];
        if (!(Math.abs(kaa) < OVERFLOW) || (r.theta != null && !(Math.abs(r.theta[a][a]) < OVERFLOW))) {
          throw new TheoryDivergenceException(l, kaa);
        }
      }
      r.diagStats();
      out.add(expand(r, map, nd, singular, finite));
      if (l < spec.depth()) {
        try {
          r.step(finite);
        } catch (Recursions.DegenerateException e) {
          notes.add(e.getMessage() + "; V, G1 set to NaN from layer " + (l + 1));
          finite = false;
          r.step(false);
        } catch (ArithmeticException e) {
          notes.add(e.getMessage() + "; later layers omitted");
          break;
        }
      }
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

  private static TheoryLayer expand(Recursions r, int[] map, int nd, boolean singular, boolean finite) {
    double[][] k = new double[nd][nd];
    double[][] g1 = new double[nd][nd];
    double[][] th = singular ? null : new double[nd][nd];
    double[][][][] v = new double[nd][nd][nd][nd];
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
        a[i] = r.fa[ui];
        b[i] = r.fb[ui];
        d[i] = r.fd[ui];
        f[i] = r.ff[ui];
      }
      for (int j = 0; j < nd; j++) {
        int uj = map[j];
        k[i][j] = r.k[ui][uj];
        g1[i][j] = finite ? r.g1[ui][uj] : Double.NaN;
        if (!singular) {
          th[i][j] = r.theta[ui][uj];
        }
        for (int p = 0; p < nd; p++) {
          for (int q = 0; q < nd; q++) {
            v[i][j][p][q] = finite ? r.v[ui][uj][map[p]][map[q]] : Double.NaN;
          }
        }
      }
    }
    return new TheoryLayer(r.layer, k, g1, v, th, cpar, cperp, a, b, d, f);
  }
}

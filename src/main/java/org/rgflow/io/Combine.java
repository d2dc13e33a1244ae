package org.rgflow.io;

import java.util.ArrayList;
import java.util.List;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.TheoryResult;

/**
 * Puts the theory's predictions beside the ensemble's measurements, layer by layer, and derives the
 * measured 1/n kernel shift.
 *
 * <p>The theory reports K = K∞ + G1/n with n = n_{ℓ−1} (the width of the previous layer, PDLT §4 /
 * docs/THEORY.md §3). The ensemble measures the full two-point function K_meas. So the measured shift is
 * <pre>  G1_meas = n · (K_meas − K∞),   K∞ = K_theory − G1_theory/n,   SE(G1_meas) = n · SE(K_meas)</pre>
 * component by component (the theory values carry no error).
 */
public final class Combine {
  private Combine() {}

  /**
   * @param theory may be null (no theory side)
   * @param measured may be null (theory only)
   * @return one fresh {@link LayerValues} per layer 1..L; the inputs are not modified
   */
  public static List<LayerValues> combine(NetworkSpec spec, TheoryResult theory, EnsembleResult measured) {
    int depth = spec.depth();
    List<LayerValues> out = new ArrayList<>(depth);
    for (int l = 1; l <= depth; l++) {
      LayerValues lv = new LayerValues(l);
      if (theory != null && theory.layers().size() >= l) {
        lv.theory().putAll(theory.layers().get(l - 1).theory());
      }
      if (measured != null && measured.layers().size() >= l) {
        LayerValues m = measured.layers().get(l - 1);
        lv.value().putAll(m.value());
        lv.err().putAll(m.err());
      }
      deriveG1(lv, spec.width(l - 1));
      deriveTheta1(lv, spec.width(l - 1));
      out.add(lv);
    }
    return out;
  }

  /** Fills value/err of G1 from measured K and theory K, G1 (no-op when any of them is missing). */
  static void deriveG1(LayerValues lv, int nPrev) {
    Tensor kMeas = lv.value().get(Obs.K);
    Tensor kErr = lv.err().get(Obs.K);
    Tensor kTh = lv.theory().get(Obs.K);
    Tensor g1Th = lv.theory().get(Obs.G1);
    if (kMeas == null || kTh == null || g1Th == null || kMeas.size() != kTh.size()
        || g1Th.size() != kTh.size()) {
      return;
    }
    Tensor g1 = new Tensor(kMeas.nd(), kMeas.rank());
    Tensor g1Err = new Tensor(kMeas.nd(), kMeas.rank());
    for (int f = 0; f < g1.size(); f++) {
      double kInf = kTh.getFlat(f) - g1Th.getFlat(f) / nPrev;
      g1.setFlat(f, nPrev * (kMeas.getFlat(f) - kInf));
      g1Err.setFlat(f, kErr == null ? Double.NaN : nPrev * kErr.getFlat(f));
    }
    lv.value().put(Obs.G1, g1);
    lv.err().put(Obs.G1, g1Err);
  }

  /**
   * Fills value/err of Theta1 from the measured NTK mean and the theory's Theta (which includes Θ1/n)
   * and Theta1, as for G1 (no-op when any of them is missing).
   */
  static void deriveTheta1(LayerValues lv, int nPrev) {
    Tensor m = lv.value().get(Obs.Theta);
    Tensor e = lv.err().get(Obs.Theta);
    Tensor th = lv.theory().get(Obs.Theta);
    Tensor t1 = lv.theory().get(Obs.Theta1);
    if (m == null || th == null || t1 == null || m.size() != th.size() || t1.size() != th.size()) {
      return;
    }
    Tensor v = new Tensor(m.nd(), m.rank());
    Tensor ve = new Tensor(m.nd(), m.rank());
    for (int f = 0; f < v.size(); f++) {
      double inf = th.getFlat(f) - t1.getFlat(f) / nPrev;
      v.setFlat(f, nPrev * (m.getFlat(f) - inf));
      ve.setFlat(f, e == null ? Double.NaN : nPrev * e.getFlat(f));
    }
    lv.value().put(Obs.Theta1, v);
    lv.err().put(Obs.Theta1, ve);
  }

  /** z = (measured − theory)/SE for one component; NaN when any part is missing or SE is 0. */
  public static double zScore(double measured, double se, double theory) {
    if (!Double.isFinite(measured) || !Double.isFinite(theory) || !(se > 0)) {
      return Double.NaN;
    }
    return (measured - theory) / se;
  }

  /** The observables present on either side of a layer, in {@link Obs} order. */
  public static List<Obs> observables(LayerValues lv) {
    List<Obs> obs = new ArrayList<>();
    for (Obs o : Obs.values()) {
      if (lv.value().containsKey(o) || lv.theory().containsKey(o)) {
        obs.add(o);
      }
    }
    return obs;
  }
}

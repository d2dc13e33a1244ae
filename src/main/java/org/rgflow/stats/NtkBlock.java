package org.rgflow.stats;

import java.util.List;
import java.util.Set;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;

/**
 * The NTK mean and its single-input fluctuations (docs/THEORY.md §6; estimators §12): Theta, A, B, D, F, and the
 * theory-only χ⊥. Measured over the first m neurons S = {0..m−1} of the layer:
 * <ul>
 *   <li>θ_p = mean_{i∈S} Θ̂_{ii;αβ} (P entries);
 *   <li>per input α (N_D each): a = mean_{i≠k∈S} Θ̂_ii Θ̂_kk, b = mean_{i≠k∈S} Θ̂_ik²,
 *       d = mean_{i∈S} Θ̂_ii (Σ_k z_k² − z_i²)/(n−1) (k over all n neurons),
 *       f = mean_{i≠k∈S} Θ̂_ik z_i z_k (a, b, f NaN for m &lt; 2; d NaN for n &lt; 2).
 * </ul>
 * Estimates, n = n_{ℓ−1}: A = n (E a − (E θ)²), B = n E b, D = n (E d − E θ E k), F = n E f, where k
 * is the kernel block's K_αα.
 */
public final class NtkBlock extends BaseBlock {
  public static final NtkBlock INSTANCE = new NtkBlock();

  private NtkBlock() {
    super("ntk", List.of(Obs.Theta, Obs.Theta1, Obs.A, Obs.B, Obs.D, Obs.F, Obs.chi_perp),
        Set.of(Need.EVEN_SUMS, Need.NTK), List.of(KernelBlock.INSTANCE));
  }





  @Override
  public int dim(int nd) {
    return Pairs.of(nd).count() + 4 * nd;
  }

  @Override
  public void compute(LayerData d, double[] out, int off) {
    Pairs pairs = d.pairs();
    int nd = pairs.inputs();
    int np = pairs.count();
    int n = d.width();
    int m = d.measured();
    double[][] theta = d.theta();
    double[][] z = d.zHead();
    double[] s = d.sums().s;
    double dn = n;
    for (int p = 0; p < np; p++) {
      double sum = 0;
      for (int i = 0; i < m; i++) {
        sum += theta[i * nd + pairs.pa[p]][i * nd + pairs.pb[p]];
      }
      out[off + p] = sum / m;
    }
    int offA = off + np;
    int offB = offA + nd;
    int offD = offB + nd;
    int offF = offD + nd;
    double pairsM = (double) m * (m - 1);
    for (int al = 0; al < nd; al++) {
      double sumZ2 = s[pairs.pair(al, al)];
      double diag = 0;
      double diag2 = 0;
      double off2 = 0;
      double offZ = 0;
      double dd = 0;
      for (int i = 0; i < m; i++) {
        double tii = theta[i * nd + al][i * nd + al];
        diag += tii;
        diag2 += tii * tii;
        double zi = z[al][i];
        dd += tii * (sumZ2 - zi * zi);
        for (int k = 0; k < m; k++) {
          if (k != i) {
            double tik = theta[i * nd + al][k * nd + al];
            off2 += tik * tik;
            offZ += tik * zi * z[al][k];
          }
        }
      }
      out[offA + al] = m < 2 ? Double.NaN : (diag * diag - diag2) / pairsM;
      out[offB + al] = m < 2 ? Double.NaN : off2 / pairsM;
      out[offD + al] = n < 2 ? Double.NaN : dd / (m * (dn - 1));
      out[offF + al] = m < 2 ? Double.NaN : offZ / pairsM;
    }
  }

  @Override
  public void estimate(Estimator e, LayerValues lv) {
    Pairs pairs = e.pairs();
    int nd = pairs.inputs();
    int np = pairs.count();
    int k0 = e.offset(KernelBlock.INSTANCE);
    int offTh = e.offset(this);
    int offA = offTh + np;
    int offB = offA + nd;
    int offD = offB + nd;
    int offF = offD + nd;
    Tensor th = new Tensor(nd, 2);
    Tensor thErr = new Tensor(nd, 2);
    for (int a = 0; a < nd; a++) {
      for (int b = 0; b < nd; b++) {
        int p = offTh + pairs.pair(a, b);
        th.set(e.mean(p), a, b);
        thErr.set(e.linearError(p, 1.0), a, b);
      }
    }
    Estimator.put(lv, Obs.Theta, th, thErr);
    Tensor ta = new Tensor(nd, 1);
    Tensor taErr = new Tensor(nd, 1);
    Tensor tb = new Tensor(nd, 1);
    Tensor tbErr = new Tensor(nd, 1);
    Tensor td = new Tensor(nd, 1);
    Tensor tdErr = new Tensor(nd, 1);
    Tensor tf = new Tensor(nd, 1);
    Tensor tfErr = new Tensor(nd, 1);
    double n = e.nPrev();
    for (int a = 0; a < nd; a++) {
      int pp = k0 + pairs.pair(a, a);
      int it = offTh + pairs.pair(a, a);
      double theta = e.mean(it);
      double kk = e.mean(pp);
      ta.set(n * (e.mean(offA + a) - theta * theta), a);
      double[] grad = e.gradient();
      grad[offA + a] = n;
      grad[it] = -2 * n * theta;
      taErr.set(e.standardError(), a);
      tb.set(n * e.mean(offB + a), a);
      tbErr.set(e.linearError(offB + a, n), a);
      td.set(n * (e.mean(offD + a) - theta * kk), a);
      grad = e.gradient();
      grad[offD + a] = n;
      grad[it] = -n * kk;
      grad[pp] = -n * theta;
      tdErr.set(e.standardError(), a);
      tf.set(n * e.mean(offF + a), a);
      tfErr.set(e.linearError(offF + a, n), a);
    }
    Estimator.put(lv, Obs.A, ta, taErr);
    Estimator.put(lv, Obs.B, tb, tbErr);
    Estimator.put(lv, Obs.D, td, tdErr);
    Estimator.put(lv, Obs.F, tf, tfErr);
  }

  /** The last network's Θ1, per thread: the hook runs once per layer on the same layer list. */
  private static final ThreadLocal<Object[]> LAST_T1 = new ThreadLocal<>();

  private static double[][][] theta1(org.rgflow.spec.NetworkSpec spec,
      java.util.List<org.rgflow.theory.TheoryLayer> all) {
    Object[] c = LAST_T1.get();
    if (c == null || c[0] != all || c[1] != spec) {
      c = new Object[] {all, spec, org.rgflow.theory.NtkCorrection.full(spec, all)};
      LAST_T1.set(c);
    }
    return (double[][][]) c[2];
  }

  @Override
  public void theory(TheoryView t, LayerValues lv) {
    var tl = t.layer();
    if (tl.theta() == null) {
      return; // σ′ singular (step): the NTK is undefined
    }
    int nd = t.inputs();
    Tensor th = Tensor.of(nd, Obs.Theta);
    for (int a = 0; a < nd; a++) {
      for (int b = 0; b < nd; b++) {
        th.set(tl.theta()[a][b], a, b);
      }
    }
    // Θ + Θ1/n (docs/THEORY.md §18), where Θ1 is derived (NaN components leave Θ as it is)
    double[][][] t1 = t.below() == null ? null : theta1(t.spec(), t.below());
    if (t1 != null) {
      Tensor t1t = Tensor.of(nd, Obs.Theta1);
      double[][] c = t1[tl.layer() - 1];
      for (int a = 0; a < nd; a++) {
        for (int b = 0; b < nd; b++) {
          if (Double.isFinite(c[a][b])) {
            th.set(th.get(a, b) + c[a][b] / t.nPrev(), a, b);
          }
          t1t.set(c[a][b], a, b);
        }
      }
      lv.theory().put(Obs.Theta1, t1t);
    }
    lv.theory().put(Obs.Theta, th);
    lv.theory().put(Obs.chi_perp, KernelBlock.vector(nd, Obs.chi_perp, tl.chiPerp()));
    lv.theory().put(Obs.A, KernelBlock.vector(nd, Obs.A, tl.a()));
    lv.theory().put(Obs.B, KernelBlock.vector(nd, Obs.B, tl.b()));
    lv.theory().put(Obs.D, KernelBlock.vector(nd, Obs.D, tl.d()));
    lv.theory().put(Obs.F, KernelBlock.vector(nd, Obs.F, tl.f()));
  }
}

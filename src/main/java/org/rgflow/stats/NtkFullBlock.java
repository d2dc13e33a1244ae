package org.rgflow.stats;

import java.util.List;
import java.util.Set;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.theory.DntkTheory;
import org.rgflow.theory.NtkFluctuations;
import org.rgflow.theory.TheoryLayer;

/**
 * The multi-input NTK fluctuation tensors A, B, D, F over (α1, α2, α3, α4) (docs/THEORY.md §6.5), by
 * name only ({@code --observables ...,ntkfull}: 4 N_D⁴ statistics per layer). Over the measured neurons
 * S = {0..m−1}, with t_{ik;12} = Θ̂_{ik;α1α2}, per component (flat over α1..α4):
 * <ul>
 *   <li>a = mean_{i≠k∈S} t_{ii;12} t_{kk;34}, b = mean_{i≠k∈S} t_{ik;12} t_{ik;34},
 *   <li>d = mean_{i∈S} t_{ii;12} (Σ_k z_{k;3}z_{k;4} − z_{i;3}z_{i;4})/(n−1) (k over all n neurons),
 *   <li>f = mean_{i≠k∈S} t_{ik;12} z_{i;3} z_{k;4} (a, b, f NaN for m &lt; 2; d NaN for n &lt; 2).
 * </ul>
 * Estimates, n = n_{ℓ−1}: A = n (E a − E θ12 E θ34), B = n E b, D = n (E d − E θ12 E k34), F = n E f,
 * with θ from {@link NtkBlock} and k from {@link KernelBlock}. On the diagonal (α1 = … = α4) the
 * statistics are computed exactly as {@link NtkBlock}'s, so A_full_{αααα} equals A_α bit for bit.
 * Theory: {@link NtkFluctuations#full}.
 */
public final class NtkFullBlock extends BaseBlock {
  public static final NtkFullBlock INSTANCE = new NtkFullBlock();

  /**
   * The most inputs it is measured on ({@code sample} refuses more: 4 N_D⁴ statistics and their
   * covariance) and predicted on (above, its theory hook adds nothing; A, B, D, F keep the diagonal).
   */
  public static final int MAX_INPUTS = DntkTheory.MAX_FULL_INPUTS;

  private NtkFullBlock() {
    super("ntkfull", List.of(Obs.A_full, Obs.B_full, Obs.D_full, Obs.F_full),
        Set.of(Need.EVEN_SUMS, Need.NTK), List.of(KernelBlock.INSTANCE, NtkBlock.INSTANCE));
  }

  @Override
  public int dim(int nd) {
    return 4 * nd * nd * nd * nd;
  }

  @Override
  public void compute(LayerData d, double[] out, int off) {
    Pairs pairs = d.pairs();
    int nd = pairs.inputs();
    int n4 = nd * nd * nd * nd;
    int n = d.width();
    int m = d.measured();
    double[][] theta = d.theta();
    double[][] z = d.zHead();
    double[] s = d.sums().s;
    double dn = n;
    double pairsM = (double) m * (m - 1);
    for (int c = 0; c < n4; c++) {
      int a1 = c / (nd * nd * nd);
      int a2 = c / (nd * nd) % nd;
      int a3 = c / nd % nd;
      int a4 = c % nd;
      double sumZ = s[pairs.pair(a3, a4)];
      double diag12 = 0;
      double diag34 = 0;
      double diag2 = 0;
      double off2 = 0;
      double offZ = 0;
      double dd = 0;
      for (int i = 0; i < m; i++) {
        double t12 = theta[i * nd + a1][i * nd + a2];
        double t34 = theta[i * nd + a3][i * nd + a4];
        diag12 += t12;
        diag34 += t34;
        diag2 += t12 * t34;
        dd += t12 * (sumZ - z[a3][i] * z[a4][i]);
        double zi = z[a3][i];
        for (int k = 0; k < m; k++) {
          if (k != i) {
            double u12 = theta[i * nd + a1][k * nd + a2];
            off2 += u12 * theta[i * nd + a3][k * nd + a4];
            offZ += u12 * zi * z[a4][k];
          }
        }
      }
      out[off + c] = m < 2 ? Double.NaN : (diag12 * diag34 - diag2) / pairsM;
      out[off + n4 + c] = m < 2 ? Double.NaN : off2 / pairsM;
      out[off + 2 * n4 + c] = n < 2 ? Double.NaN : dd / (m * (dn - 1));
      out[off + 3 * n4 + c] = m < 2 ? Double.NaN : offZ / pairsM;
    }
  }

  @Override
  public void estimate(Estimator e, LayerValues lv) {
    Pairs pairs = e.pairs();
    int nd = pairs.inputs();
    int n4 = nd * nd * nd * nd;
    int k0 = e.offset(KernelBlock.INSTANCE);
    int th0 = e.offset(NtkBlock.INSTANCE);
    int off = e.offset(this);
    double n = e.nPrev();
    Tensor[] v = new Tensor[4];
    Tensor[] err = new Tensor[4];
    for (int o = 0; o < 4; o++) {
      v[o] = new Tensor(nd, 4);
      err[o] = new Tensor(nd, 4);
    }
    for (int c = 0; c < n4; c++) {
      int[] x = v[0].unflat(c);
      int i12 = th0 + pairs.pair(x[0], x[1]);
      int i34 = th0 + pairs.pair(x[2], x[3]);
      int k34 = k0 + pairs.pair(x[2], x[3]);
      double t12 = e.mean(i12);
      double t34 = e.mean(i34);
      double kk = e.mean(k34);
      v[0].setFlat(c, n * (e.mean(off + c) - t12 * t34));
      double[] g = e.gradient();
      g[off + c] = n;
      g[i12] += -n * t34;
      g[i34] += -n * t12;
      err[0].setFlat(c, e.standardError());
      v[1].setFlat(c, n * e.mean(off + n4 + c));
      err[1].setFlat(c, e.linearError(off + n4 + c, n));
      v[2].setFlat(c, n * (e.mean(off + 2 * n4 + c) - t12 * kk));
      g = e.gradient();
      g[off + 2 * n4 + c] = n;
      g[i12] += -n * kk;
      g[k34] += -n * t12;
      err[2].setFlat(c, e.standardError());
      v[3].setFlat(c, n * e.mean(off + 3 * n4 + c));
      err[3].setFlat(c, e.linearError(off + 3 * n4 + c, n));
    }
    Obs[] obs = {Obs.A_full, Obs.B_full, Obs.D_full, Obs.F_full};
    for (int o = 0; o < 4; o++) {
      Estimator.put(lv, obs[o], v[o], err[o]);
    }
  }

  /** The last network's tensors, per thread: the hook runs once per layer on the same layer list. */
  private static final ThreadLocal<Object[]> LAST = new ThreadLocal<>();

  private static NtkFluctuations.Full full(org.rgflow.spec.NetworkSpec spec, List<TheoryLayer> all) {
    Object[] c = LAST.get();
    if (c == null || c[0] != all || c[1] != spec) {
      c = new Object[] {all, spec, NtkFluctuations.full(spec, all)};
      LAST.set(c);
    }
    return (NtkFluctuations.Full) c[2];
  }

  @Override
  public void theory(TheoryView t, LayerValues lv) {
    if (t.below() == null || t.layer().theta() == null || t.inputs() > MAX_INPUTS) {
      return; // above MAX_INPUTS only the diagonal would be finite: it is A, B, D, F already
    }
    NtkFluctuations.Full r = full(t.spec(), t.below());
    if (r == null) {
      return;
    }
    int l = t.layer().layer() - 1;
    int nd = t.inputs();
    double[][][][][][] src = {r.a(), r.b(), r.d(), r.f()};
    Obs[] obs = {Obs.A_full, Obs.B_full, Obs.D_full, Obs.F_full};
    for (int o = 0; o < 4; o++) {
      Tensor x = Tensor.of(nd, obs[o]);
      for (int c = 0; c < x.size(); c++) {
        int[] i = x.unflat(c);
        x.setFlat(c, src[o][l][i[0]][i[1]][i[2]][i[3]]);
      }
      lv.theory().put(obs[o], x);
    }
  }
}

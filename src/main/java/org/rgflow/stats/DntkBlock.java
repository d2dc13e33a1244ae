package org.rgflow.stats;

import java.util.List;
import java.util.Set;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.theory.DntkTheory;

/**
 * The dNTK–preactivation correlators P and Q for each input α (docs/THEORY.md §16). A source that
 * provides {@link Need#DNTK} hands over, per network and layer, 2·N_D numbers
 * ({@link LayerData#dntk}): for each input α
 * <ul>
 *   <li>p_α = mean over k ∈ S and i ≠ k (all n neurons) of dΘ̂_{ikk;ααα} z_{i;α},
 *   <li>q_α = mean over i ∈ S and k ≠ i (all n neurons) of dΘ̂_{iik;ααα} z_{k;α},
 * </ul>
 * S the measured neurons. Estimates, n = n_{ℓ−1}: P = n E p, Q = n E q (E dΘ̂ = 0 by parity, so no
 * mean is subtracted).
 */
public final class DntkBlock extends BaseBlock {
  public static final DntkBlock INSTANCE = new DntkBlock();

  private DntkBlock() {
    super("dntk", List.of(Obs.P, Obs.Q), Set.of(Need.DNTK), List.of());
  }

  @Override
  public int dim(int nd) {
    return 2 * nd;
  }

  @Override
  public void compute(LayerData d, double[] out, int off) {
    double[] s = d.dntk();
    int nd = d.inputs();
    for (int i = 0; i < 2 * nd; i++) {
      out[off + i] = s == null ? Double.NaN : s[i];
    }
  }

  @Override
  public void estimate(Estimator e, LayerValues lv) {
    int nd = e.inputs();
    int off = e.offset(this);
    double n = e.nPrev();
    Tensor p = new Tensor(nd, 1);
    Tensor pErr = new Tensor(nd, 1);
    Tensor q = new Tensor(nd, 1);
    Tensor qErr = new Tensor(nd, 1);
    for (int a = 0; a < nd; a++) {
      p.set(n * e.mean(off + a), a);
      pErr.set(e.linearError(off + a, n), a);
      q.set(n * e.mean(off + nd + a), a);
      qErr.set(e.linearError(off + nd + a, n), a);
    }
    Estimator.put(lv, Obs.P, p, pErr);
    Estimator.put(lv, Obs.Q, q, qErr);
  }

  @Override
  public void theory(TheoryView t, LayerValues lv) {
    if (t.below() == null || DntkTheory.unsupported(t.spec()) != null) {
      return;
    }
    DntkTheory.Result r = DntkTheory.single(t.spec(), t.below());
    int l = t.below().size() - 1;
    int nd = t.inputs();
    lv.theory().put(Obs.P, KernelBlock.vector(nd, Obs.P, r.p()[l]));
    lv.theory().put(Obs.Q, KernelBlock.vector(nd, Obs.Q, r.q()[l]));
  }
}

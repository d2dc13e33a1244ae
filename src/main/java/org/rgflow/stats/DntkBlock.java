package org.rgflow.stats;

import java.util.List;
import java.util.Set;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.theory.DntkTheory;
import org.rgflow.theory.TheoryLayer;

/**
 * The dNTK–preactivation correlators P and Q, full tensors over (α0, α1, α2, α3) (docs/THEORY.md §16).
 * A source that provides {@link Need#DNTK} hands over, per network and layer, 2·N_D⁴ numbers
 * ({@link LayerData#dntk}), flat over (α0, α1, α2, α3):
 * <ul>
 *   <li>p = mean over k ∈ S and i ≠ k (all n neurons) of dΘ̂_{ikk;α0α1α2} z_{i;α3},
 *   <li>q = mean over i ∈ S and k ≠ i (all n neurons) of dΘ̂_{iik;α0α1α2} z_{k;α3},
 * </ul>
 * S the measured neurons. Estimates, n = n_{ℓ−1}: P = n E p, Q = n E q (E dΘ̂ = 0 by parity, so no
 * mean is subtracted). Theory: {@link DntkTheory#full}.
 */
public final class DntkBlock extends BaseBlock {
  public static final DntkBlock INSTANCE = new DntkBlock();

  private DntkBlock() {
    super("dntk", List.of(Obs.P, Obs.Q), Set.of(Need.DNTK), List.of());
  }

  @Override
  public int dim(int nd) {
    return 2 * nd * nd * nd * nd;
  }

  @Override
  public void compute(LayerData d, double[] out, int off) {
    double[] s = d.dntk();
    int dim = dim(d.inputs());
    for (int i = 0; i < dim; i++) {
      out[off + i] = s == null ? Double.NaN : s[i];
    }
  }

  @Override
  public void estimate(Estimator e, LayerValues lv) {
    int nd = e.inputs();
    int off = e.offset(this);
    int n4 = nd * nd * nd * nd;
    double n = e.nPrev();
    Tensor p = new Tensor(nd, 4);
    Tensor pErr = new Tensor(nd, 4);
    Tensor q = new Tensor(nd, 4);
    Tensor qErr = new Tensor(nd, 4);
    for (int f = 0; f < n4; f++) {
      int[] c = p.unflat(f);
      p.set(n * e.mean(off + f), c);
      pErr.set(e.linearError(off + f, n), c);
      q.set(n * e.mean(off + n4 + f), c);
      qErr.set(e.linearError(off + n4 + f, n), c);
    }
    Estimator.put(lv, Obs.P, p, pErr);
    Estimator.put(lv, Obs.Q, q, qErr);
  }

  /** The last network's tensors, per thread: the hook runs once per layer on the same layer list. */
  private static final ThreadLocal<Object[]> LAST = new ThreadLocal<>();

  private static DntkTheory.Full full(org.rgflow.spec.NetworkSpec spec, List<TheoryLayer> all) {
    Object[] c = LAST.get();
    if (c == null || c[0] != all || c[1] != spec) {
      c = new Object[] {all, spec, DntkTheory.full(spec, all)};
      LAST.set(c);
    }
    return (DntkTheory.Full) c[2];
  }

  @Override
  public void theory(TheoryView t, LayerValues lv) {
    if (t.below() == null || DntkTheory.unsupported(t.spec()) != null) {
      return;
    }
    DntkTheory.Full r = full(t.spec(), t.below());
    int l = t.layer().layer() - 1;
    int nd = t.inputs();
    Tensor p = Tensor.of(nd, Obs.P);
    Tensor q = Tensor.of(nd, Obs.Q);
    for (int f = 0; f < p.size(); f++) {
      int[] c = p.unflat(f);
      p.set(r.p()[l][c[0]][c[1]][c[2]][c[3]], c);
      q.set(r.q()[l][c[0]][c[1]][c[2]][c[3]], c);
    }
    lv.theory().put(Obs.P, p);
    lv.theory().put(Obs.Q, q);
  }
}

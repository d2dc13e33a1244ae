package org.rgflow.stats;

import java.util.List;
import java.util.Set;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;

/**
 * One group of observables as a unit: the per-network statistics it needs (computed from a layer's
 * {@link LayerData}), how they become estimates with standard errors, and what the theory predicts
 * for them. Blocks are composed into a {@link StatSet}, which lays their statistics out side by side
 * in one vector per network and layer; one {@link MomentAccumulator} per layer holds them all, so an
 * estimator may read the statistics of a block it {@linkplain #requires requires} (the NTK's D uses
 * the kernel's K, for instance) and its standard error includes their covariance.
 *
 * <p>Adding an observable group is one class implementing this, its {@link Obs} names, and one line
 * in {@link StatSet#ALL}. Blocks are stateless; what depends on N_D comes through the arguments.
 */
public interface StatBlock {
  /** Short name, as {@code --observables} takes it: "kernel", "moments", "ntk", "three-point". */
  String name();

  /** The observables it reports (measured, predicted or both), in print order. */
  List<Obs> observables();

  /** What a source must hand over for it. */
  Set<Need> needs();

  /** Blocks whose statistics its estimator reads; they come before it in a {@link StatSet}. */
  default List<StatBlock> requires() {
    return List.of();
  }

  /** Number of per-network statistics with N_D inputs. */
  int dim(int nd);

  /** Writes this block's statistics of one network and layer into {@code out[off..off+dim)}. */
  void compute(LayerData d, double[] out, int off);

  /** The ensemble's estimates and standard errors of its observables, into {@code lv}. */
  void estimate(Estimator e, LayerValues lv);

  /** The theory's predictions for its observables at one layer, into {@code lv.theory()}. */
  void theory(TheoryView t, LayerValues lv);
}

package org.rgflow.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.rgflow.core.LayerValues;
import org.rgflow.spec.SpecException;

/**
 * The statistic blocks of one run, in order, with their statistics laid out side by side in one
 * vector per network and layer: block b's statistics occupy [offset(b), offset(b) + b.dim(N_D)).
 * The order is fixed ({@link #ALL}'s), so the vector — and with it every accumulated number — is
 * the same whichever source produced the networks.
 */
public final class StatSet {
  /** Every block, in the order their statistics are laid out and their observables are printed. */
  public static final List<StatBlock> ALL = List.of(KernelBlock.INSTANCE, MomentsBlock.INSTANCE,
      NtkBlock.INSTANCE, ThreePointBlock.INSTANCE, DntkBlock.INSTANCE, NtkFullBlock.INSTANCE,
      NtkOddBlock.INSTANCE);

  /** Blocks measured only when named (costly, or N_D⁴ in size): not in the default measurement. */
  public static final List<StatBlock> BY_NAME = List.of(DntkBlock.INSTANCE, NtkFullBlock.INSTANCE,
      NtkOddBlock.INSTANCE);

  private final Pairs pairs;
  private final List<StatBlock> blocks;
  private final Map<StatBlock, Integer> offsets = new IdentityHashMap<>();
  private final Set<Need> needs = EnumSet.noneOf(Need.class);
  private final int dim;

  private StatSet(int nd, List<StatBlock> chosen) {
    this.pairs = Pairs.of(nd);
    List<StatBlock> ordered = new ArrayList<>();
    for (StatBlock b : ALL) {
      if (chosen.contains(b)) {
        ordered.add(b);
      }
    }
    for (StatBlock b : chosen) {
      if (!ALL.contains(b)) {
        ordered.add(b); // blocks outside ALL (tests) follow in the order given
      }
    }
    int off = 0;
    for (StatBlock b : ordered) {
      for (StatBlock r : b.requires()) {
        if (!offsets.containsKey(r)) {
          throw new IllegalArgumentException("block " + b.name() + " requires " + r.name()
              + " before it");
        }
      }
      offsets.put(b, off);
      off += b.dim(nd);
      needs.addAll(b.needs());
    }
    this.blocks = Collections.unmodifiableList(ordered);
    this.dim = off;
  }

  /** The given blocks (in {@link #ALL}'s order) for N_D inputs. */
  public static StatSet of(int nd, List<StatBlock> blocks) {
    return new StatSet(nd, blocks);
  }

  /**
   * The default measurement: every block, the NTK's only with {@code ntk}; the dNTK's only when
   * asked for by name ({@code --observables}), likewise the full NTK fluctuations'.
   */
  public static StatSet standard(int nd, boolean ntk) {
    List<StatBlock> b = new ArrayList<>(ALL);
    b.removeAll(BY_NAME);
    if (!ntk) {
      b.remove(NtkBlock.INSTANCE);
    }
    return new StatSet(nd, b);
  }

  /**
   * The blocks whose predictions a run with {@code measured} reports: every block, except those
   * measured only by name ({@link #BY_NAME}) when this run does not measure them — their theory
   * (the dNTK's recursions, the N_D⁴ tensors) would only cost time and fill the table with rows that
   * have no measurement beside them.
   */
  public static List<StatBlock> predicted(StatSet measured) {
    List<StatBlock> b = new ArrayList<>(ALL);
    for (StatBlock x : BY_NAME) {
      if (!measured.blocks().contains(x)) {
        b.remove(x);
      }
    }
    return b;
  }

  /** The block called {@code name}; SpecException naming {@code field} when there is none. */
  public static StatBlock named(String field, String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (StatBlock b : ALL) {
      if (b.name().equals(n)) {
        return b;
      }
    }
    List<String> names = new ArrayList<>();
    ALL.forEach(b -> names.add(b.name()));
    throw new SpecException(field, "unknown observable block '" + name + "' (choose from "
        + String.join(", ", names) + ")");
  }

  /** This set without {@code b} (and without the blocks that require it). */
  public StatSet without(StatBlock b) {
    List<StatBlock> keep = new ArrayList<>();
    for (StatBlock x : blocks) {
      if (x != b && !x.requires().contains(b)) {
        keep.add(x);
      }
    }
    return new StatSet(pairs.inputs(), keep);
  }

  public List<StatBlock> blocks() {
    return blocks;
  }

  public boolean contains(StatBlock b) {
    return offsets.containsKey(b);
  }

  public Pairs pairs() {
    return pairs;
  }

  public int inputs() {
    return pairs.inputs();
  }

  /** Length of the statistic vector. */
  public int dim() {
    return dim;
  }

  /** What the blocks need from a source, together. */
  public Set<Need> needs() {
    return Collections.unmodifiableSet(needs);
  }

  /** Where block b's statistics start; IllegalArgumentException when b is not in the set. */
  public int offset(StatBlock b) {
    Integer o = offsets.get(b);
    if (o == null) {
      throw new IllegalArgumentException("block " + b.name() + " is not in this set");
    }
    return o;
  }

  /** One network's statistic vector of one layer into {@code out} (length {@link #dim()}). */
  public void compute(LayerData d, double[] out) {
    for (StatBlock b : blocks) {
      b.compute(d, out, offsets.get(b));
    }
  }

  /**
   * The estimates and standard errors of every block's observables at a layer.
   *
   * @param nPrev n_{ℓ−1}
   */
  public LayerValues estimate(int layer, MomentAccumulator acc, int nPrev) {
    LayerValues lv = new LayerValues(layer);
    Estimator e = new Estimator(this, acc, nPrev);
    for (StatBlock b : blocks) {
      b.estimate(e, lv);
    }
    return lv;
  }
}

package org.rgflow.stats;

import java.util.List;
import java.util.Set;
import org.rgflow.core.Obs;

/** A block's declarations held as values: what every {@link StatBlock} but its arithmetic is. */
abstract class BaseBlock implements StatBlock {
  private final String name;
  private final List<Obs> observables;
  private final Set<Need> needs;
  private final List<StatBlock> requires;

  BaseBlock(String name, List<Obs> observables, Set<Need> needs, List<StatBlock> requires) {
    this.name = name;
    this.observables = List.copyOf(observables);
    this.needs = Set.copyOf(needs);
    this.requires = List.copyOf(requires);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final List<Obs> observables() {
    return observables;
  }

  @Override
  public final Set<Need> needs() {
    return needs;
  }

  @Override
  public final List<StatBlock> requires() {
    return requires;
  }

  @Override
  public String toString() {
    return name;
  }
}

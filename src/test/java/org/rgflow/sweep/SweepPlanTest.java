package org.rgflow.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rgflow.spec.SpecException;

/** Sweep files and axes expand into canonical points with stable ids. Run: mvn -B test -Dtest=SweepPlanTest. */
class SweepPlanTest {
  static final Map<String, String> DEFAULTS = Map.of("act", "relu", "cw", "2", "width", "128", "depth", "6",
      "ensemble", "4000", "seed", "0", "backend", "auto");

  @Test
  void gridIsCrossedWithPointsAndGroupsInheritBase() {
    SweepPlan p = SweepPlan.parse("""
        name: t
        base: {depth: 4, ensemble: 100}
        groups:
          - name: a
            grid: {act: [relu, tanh], width: [8, 16]}
          - name: b
            base: {act: tanh, width: [8, 8, 4]}
            points: [{cw: 1.0}, {cw: 0.5, seed: 3}]
        """, "x", DEFAULTS);
    assertEquals("t", p.name());
    assertEquals(6, p.points().size());
    SweepPoint first = p.points().get(0);
    assertEquals(List.of("a"), first.groups());
    assertEquals("relu", first.flags().get("act"));
    assertEquals("8", first.flags().get("width"));
    assertEquals("4", first.flags().get("depth"));
    assertEquals("2", first.flags().get("cw"), "defaults are filled in");
    SweepPoint last = p.points().get(5);
    assertEquals("8,8,4", last.flags().get("width"), "a list in base is per layer");
    assertEquals("0.5", last.flags().get("cw"));
    assertEquals("3", last.flags().get("seed"));
  }

  @Test
  void idDependsOnTheFullSpecNotOnSpellingOrOrder() {
    SweepPlan a = SweepPlan.parse("{cw: 2.0, depth: 4, act: relu}", "a", DEFAULTS);
    SweepPlan b = SweepPlan.parse("{depth: 4.0, activation: relu}", "b", DEFAULTS);
    assertEquals(a.points().get(0).id(), b.points().get(0).id(), "2.0 = 2 = the default");
    SweepPlan c = SweepPlan.parse("{depth: 4, seed: 1}", "c", DEFAULTS);
    assertNotEquals(a.points().get(0).id(), c.points().get(0).id(), "the seed is part of the id");
    assertEquals(16, a.points().get(0).id().length());
  }

  @Test
  void repeatedPointsRunOnceWithAllTheirGroups() {
    SweepPlan p = SweepPlan.parse("groups: [{name: x, width: 8}, {name: y, width: 8.0}]", "d", DEFAULTS);
    assertEquals(1, p.points().size());
    assertEquals(List.of("x", "y"), p.points().get(0).groups());
  }

  @Test
  void axesFromTheCommandLine() {
    SweepPlan p = SweepPlan.fromAxes("s", List.of("depth=3"), List.of("act=relu|tanh", "width=4,8,16"), DEFAULTS);
    assertEquals(6, p.points().size());
    assertTrue(p.points().get(0).sampleArgs(null).containsAll(List.of("sample", "--json", "--depth", "3")));
    assertEquals("cpu", p.points().get(0).sampleArgs("cpu").get(p.points().get(0).sampleArgs("cpu")
        .indexOf("--backend") + 1));
  }

  @Test
  void unknownFlagsAndBadShapesNameTheirPlace() {
    SpecException e = assertThrows(SpecException.class, () -> SweepPlan.parse("grid: {widht: [1]}", "e", DEFAULTS));
    assertTrue(e.getMessage().contains("grid.widht"), e.getMessage());
    assertThrows(SpecException.class, () -> SweepPlan.parse("[1, 2]", "e", DEFAULTS));
    assertThrows(SpecException.class, () -> SweepPlan.parse("points: 3", "e", DEFAULTS));
  }

  @Test
  void planRoundTripsThroughJson() {
    SweepPlan p = SweepPlan.parse("grid: {width: [4, 8]}", "r", DEFAULTS);
    SweepPlan q = SweepPlan.fromJson(p.toJson("v"));
    assertEquals(p.points(), q.points());
  }
}

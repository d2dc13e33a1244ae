package org.rgflow.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rendering of the criticality record, whatever its fields. Run: {@code mvn -B test -Dtest=RecordsTest}.
 */
class RecordsTest {
  enum Kind { SCALE_INVARIANT }

  record Inner(double nu) {}

  record Crit(String universalityClass, Kind kind, double kStar, double cW, double[] slopes, Inner inner,
      List<String> notes) {}

  @Test
  void recordBecomesOrderedSnakeCaseMap() {
    Map<String, Object> m = Records.toMap(new Crit("scale-invariant", Kind.SCALE_INVARIANT, Double.NaN, 2.0,
        new double[] {1, 0}, new Inner(5), List.of("n")));
    assertEquals(List.of("universality_class", "kind", "k_star", "c_w", "slopes", "inner", "notes"),
        List.copyOf(m.keySet()));
    assertEquals("SCALE_INVARIANT", m.get("kind"));
    assertNull(m.get("k_star"));
    assertEquals(List.of(1.0, 0.0), m.get("slopes"));
    assertEquals(Map.of("nu", 5.0), m.get("inner"));
  }
}

package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activation;

/**
 * The reflective seam to {@code org.rgflow.theory.Criticality}: it calls a static
 * {@code analyze(Activation)} and renders whatever record comes back. Run:
 * {@code mvn -B test -Dtest=CriticalityAdapterTest}.
 */
class CriticalityAdapterTest {
  /** Shaped like the theory's class: a static analyze(Activation) returning a record. */
  public static final class FakeCriticality {
    public record Result(String activation, double cbCritical, double cwCritical) {}

    public static Result analyze(Activation a) {
      if (a == null) {
        throw new IllegalArgumentException("no activation");
      }
      return new Result(a.name(), 0, 2);
    }
  }

  @Test
  void callsAnalyzeAndRendersTheRecord() {
    Object r = CriticalityAdapter.analyze(FakeCriticality.class.getName(), FakeEngines.RELU);
    Map<String, Object> m = Records.toMap(r);
    assertEquals("relu", m.get("activation"));
    assertEquals(2.0, m.get("cw_critical"));
  }

  @Test
  void exceptionsOfTheAnalysisPassThroughUnwrapped() {
    assertThrows(IllegalArgumentException.class,
        () -> CriticalityAdapter.analyze(FakeCriticality.class.getName(), null));
  }

  @Test
  void aMissingClassIsAOneLineFailure() {
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> CriticalityAdapter.analyze("org.rgflow.nowhere.Criticality", FakeEngines.RELU));
    assertTrue(e.getMessage().contains("not in this build"));
  }
}

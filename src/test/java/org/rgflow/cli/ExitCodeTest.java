package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.ensemble.DivergenceException;

/** Exit codes other than bad input. Run: {@code mvn -B test -Dtest=ExitCodeTest}. */
class ExitCodeTest {

  @Test
  void divergenceIsExitThreeOnOneLine() {
    FakeEngines f = new FakeEngines();
    f.backendFailure = new DivergenceException(5, 3);
    Runner r = Runner.run(f, "sample");
    assertEquals(Main.DIVERGED, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).startsWith("error: network 5 diverged at layer 3"), r.err());
  }

  @Test
  void unexpectedFailureIsExitOneWithoutStackTrace() {
    FakeEngines f = new FakeEngines();
    f.backendFailure = new IllegalStateException("boom\nsecond line");
    Runner r = Runner.run(f, "sample");
    assertEquals(Main.FAILURE, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertEquals("error: boom; second line", r.errLines().get(0));
  }

  @Test
  void debugAddsTheStackTrace() {
    FakeEngines f = new FakeEngines();
    f.backendFailure = new IllegalStateException("boom");
    Runner r = Runner.run(f, "sample", "--debug");
    assertEquals(Main.FAILURE, r.code());
    assertEquals("error: boom", r.errLines().get(0));
    assertTrue(r.err().contains("\tat "), r.err());
  }

  @Test
  void helpAndVersionAreExitZero() {
    Runner h = Runner.run(new FakeEngines(), "sample", "--help");
    assertEquals(0, h.code());
    assertTrue(h.out().contains("--ensemble"), h.out());
    Runner v = Runner.run(new FakeEngines(), "--version");
    assertEquals(0, v.code());
    assertTrue(v.out().startsWith("rgflow "), v.out());
  }

  @Test
  void bareCommandPrintsUsageAndExitTwo() {
    Runner r = Runner.run(new FakeEngines());
    assertEquals(Main.BAD_INPUT, r.code());
    assertTrue(r.err().contains("sample"), r.err());
  }
}

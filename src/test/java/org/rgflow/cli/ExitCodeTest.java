package org.rgflow.cli;

import org.rgflow.app.Engines;
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

  /** The real theory engine: C_W = 100 makes K grow like 50^ℓ, past 1e150 near layer 90. */
  @Test
  void theoryOverflowNamesTheLayer() {
    Runner r = Runner.run(Engines.defaults(), "theory", "--cw", "100", "--depth", "300", "--width", "16");
    assertEquals(Main.DIVERGED, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).matches("error: theory diverged at layer \\d+ .*"), r.err());
  }

  /** The real CPU ensemble overflows too, and says at which layer of which network. */
  @Test
  void ensembleOverflowNamesNetworkAndLayer() {
    Runner r = Runner.run(Engines.defaults(), "sample", "--cw", "1e6", "--depth", "60", "--width", "8",
        "--ensemble", "4", "--no-progress");
    assertEquals(Main.DIVERGED, r.code(), r.err());
    assertTrue(r.errLines().get(r.errLines().size() - 1).matches(
        "error: network \\d+ diverged at layer \\d+ .*"), r.err());
  }

  /**
   * The divergence reported is the lowest-indexed diverging network's, whatever the threads and
   * chunks: here network 8 at layer 523 (relu, C_W = 10, width 8, depth 600, E = 64). Before, the
   * first thread to fail won: with 2 threads and chunk 16, network 16 (layer 531) was reported
   * when the second thread's chunk [16, 32) overflowed first.
   */
  @Test
  void divergenceMessageIsTheSameEveryRun() {
    String[] base = {"sample", "--act", "relu", "--cw", "10", "--width", "8", "--depth", "600",
        "--ensemble", "64", "--sampler", "direct", "--no-ntk", "--backend", "cpu"};
    java.util.Set<String> lines = new java.util.TreeSet<>();
    for (String[] tc : new String[][] {{"1", "1"}, {"2", "16"}, {"2", "1"}, {"2", "16"}, {"2", "4"}}) {
      String[] args = java.util.Arrays.copyOf(base, base.length + 4);
      args[base.length] = "--threads";
      args[base.length + 1] = tc[0];
      args[base.length + 2] = "--chunk";
      args[base.length + 3] = tc[1];
      Runner r = Runner.run(Engines.defaults(), args);
      assertEquals(Main.DIVERGED, r.code(), r.err());
      lines.add(r.errLines().get(r.errLines().size() - 1));
    }
    assertEquals(java.util.Set.of("error: network 8 diverged at layer 523 (pre-activations overflowed);"
        + " lower C_W or the depth"), lines);
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
  void helpListsEveryCommand() {
    Runner r = Runner.run(new FakeEngines(), "--help");
    assertEquals(0, r.code());
    for (String c : new String[] {"sample", "sweep", "report", "tour"}) {
      assertTrue(r.out().contains(c), r.out());
    }
  }
}

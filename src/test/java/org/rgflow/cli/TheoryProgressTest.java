package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.rgflow.app.Engines;

/**
 * {@code theory --progress} (issue 16): the bar counts layers of the recursion on stderr, on a fake
 * clock that advances 0.3 s per reading, and stdout keeps the same table as without it.
 */
class TheoryProgressTest {
  private static String[] run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    AtomicLong t = new AtomicLong();
    int code = new Main(Engines.defaults(), new PrintWriter(o), new PrintWriter(e),
        () -> t.addAndGet(300_000_000L)).run(args);
    assertEquals(0, code, e.toString());
    return new String[] {o.toString(), e.toString()};
  }

  @Test
  void barCountsLayersOnStderrOnly() {
    String[] with = run("theory", "--depth", "40", "--width", "16", "--progress");
    assertTrue(with[1].contains("/40 layers"), with[1]);
    assertTrue(with[1].contains("40/40 layers"), with[1]);
    String[] without = run("theory", "--depth", "40", "--width", "16", "--no-progress");
    assertFalse(without[1].contains("layers"), without[1]);
    assertEquals(without[0], with[0], "the table does not depend on the bar");
  }
}

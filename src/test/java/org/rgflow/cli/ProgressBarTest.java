package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress bar on a fake clock. Run: {@code mvn -B test -Dtest=ProgressBarTest}. */
class ProgressBarTest {

  @Test
  void silentForOneSecondThenThrottledThenErased() {
    StringWriter s = new StringWriter();
    AtomicLong now = new AtomicLong(0);
    ProgressBar bar = new ProgressBar(new PrintWriter(s), now::get);
    bar.progress(10, 100);
    assertEquals("", s.toString(), "nothing in the first second");
    now.set(1_500_000_000L);
    bar.progress(50, 100);
    assertTrue(s.toString().contains(" 50%  50/100 networks  1.5 s, ETA 2 s"), s.toString());
    int len = s.toString().length();
    now.addAndGet(10_000_000L);
    bar.progress(60, 100);
    assertEquals(len, s.toString().length(), "at most ten redraws a second");
    bar.progress(100, 100);
    assertTrue(s.toString().contains("100%"), "the last update is always drawn");
    bar.close();
    assertTrue(s.toString().endsWith("\r"), "erased");
    assertTrue(!s.toString().contains("\n"), "never a newline");
  }

  @Test
  void flagWins() {
    assertTrue(ProgressBar.wanted(true));
    assertEquals(false, ProgressBar.wanted(false));
  }
}

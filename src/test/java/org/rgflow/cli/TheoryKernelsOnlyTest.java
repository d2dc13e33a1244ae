package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.app.Engines;

/**
 * {@code theory --kernels-only}, {@code --threads}: K, Θ, χ only, the same K and Θ as the full run,
 * bad thread counts refused with one line. Run: {@code mvn -q -B test -Dtest=TheoryKernelsOnlyTest}.
 */
class TheoryKernelsOnlyTest {
  static final String[] NET = {"theory", "--inputs", "norms=1,1.2,0.8;angles=0.5,1,1.3", "--depth", "3",
      "--width", "16", "--json"};

  static String[] with(String... extra) {
    String[] a = new String[NET.length + extra.length];
    System.arraycopy(NET, 0, a, 0, NET.length);
    System.arraycopy(extra, 0, a, NET.length, extra.length);
    return a;
  }

  @Test
  void kernelsOnlyReportsKThetaAndChiOnly() {
    Runner ko = Runner.run(Engines.defaults(), with("--kernels-only", "--threads", "2"));
    assertEquals(0, ko.code(), ko.err());
    assertTrue(ko.out().contains("\"Theta\"") && ko.out().contains("\"chi_perp\""), ko.out());
    assertFalse(ko.out().contains("\"V_over_nK2\"") || ko.out().contains("\"G1\"")
        || ko.out().contains("\"A\""), "no finite-width observables");
    assertTrue(ko.out().contains("kernels only"), "the note says so");
  }

  @Test
  void threadsNeverChangeTheOutput() {
    Runner one = Runner.run(Engines.defaults(), with("--threads", "1"));
    Runner three = Runner.run(Engines.defaults(), with("--threads", "3"));
    assertEquals(0, one.code(), one.err());
    assertEquals(one.out(), three.out());
  }

  @Test
  void badThreadCountIsOneLine() {
    Runner r = Runner.run(Engines.defaults(), with("--threads", "0"));
    assertEquals(2, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).startsWith("error: --threads: "), r.err());
  }
}

package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.app.Engines;

/**
 * {@code sample --observables kernel,ntk,ntk-odd} on a residual network: the JSON carries U and
 * U_prime with their theory; the default measurement does not; --no-ntk is refused on one line.
 */
class NtkOddCliTest {
  @Test
  void measuresUAndUPrime() {
    Runner r = Runner.run(Engines.defaults(), "sample", "--act", "relu", "--width", "16", "--depth",
        "3", "--cw", "1.5", "--gamma", "0.5", "--ensemble", "40", "--observables", "kernel,ntk,ntk-odd",
        "--json");
    assertEquals(0, r.code(), r.err());
    for (String k : new String[] {"\"U\"", "\"U_prime\"", "\"U_err\"", "\"U_prime_err\""}) {
      assertTrue(r.out().contains(k), "JSON has " + k);
    }
    Runner d = Runner.run(Engines.defaults(), "sample", "--act", "relu", "--width", "16", "--depth",
        "3", "--cw", "1.5", "--gamma", "0.5", "--ensemble", "40", "--json");
    assertEquals(0, d.code(), d.err());
    assertFalse(d.out().contains("\"U_prime\""), "not in the default measurement");
  }

  @Test
  void refusesNoNtk() {
    Runner r = Runner.run(Engines.defaults(), "sample", "--act", "relu", "--width", "16", "--depth",
        "3", "--gamma", "0.5", "--ensemble", "40", "--no-ntk", "--observables", "kernel,ntk-odd");
    assertEquals(Main.BAD_INPUT, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).startsWith("error: --observables: ntk-odd needs the NTK"),
        r.err());
  }
}

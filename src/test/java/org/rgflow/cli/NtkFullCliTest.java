package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.app.Engines;

/**
 * {@code sample --observables ntkfull}: measured with theory on two inputs (the JSON carries A_full …
 * F_full); more than 4 inputs, or --no-ntk, is refused up front on one line.
 */
class NtkFullCliTest {
  @Test
  void measuresTheFullTensors() {
    Runner r = Runner.run(Engines.defaults(), "sample", "--act", "tanh", "--width", "16", "--depth", "3",
        "--ensemble", "40", "--inputs", "norms=1,1.3;angles=1.0", "--observables", "kernel,ntk,ntkfull",
        "--json");
    assertEquals(0, r.code(), r.err());
    for (String k : new String[] {"A_full", "B_full", "D_full", "F_full"}) {
      assertTrue(r.out().contains("\"" + k + "\""), "JSON has " + k);
    }
  }

  @Test
  void refusesMoreThanFourInputs() {
    Runner r = Runner.run(Engines.defaults(), "sample", "--act", "tanh", "--width", "16", "--depth", "3",
        "--ensemble", "40", "--inputs", "norms=1,1,1,1,1;angles=1.0", "--observables", "ntkfull");
    assertEquals(Main.BAD_INPUT, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).startsWith("error: --observables: ntkfull measures"), r.err());
  }

  @Test
  void refusesNoNtk() {
    Runner r = Runner.run(Engines.defaults(), "sample", "--act", "tanh", "--width", "16", "--depth", "3",
        "--ensemble", "40", "--no-ntk", "--observables", "kernel,ntkfull");
    assertEquals(Main.BAD_INPUT, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).startsWith("error: --observables: ntkfull needs the NTK"), r.err());
  }
}

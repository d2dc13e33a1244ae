package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.app.Engines;

/**
 * {@code sample --observables dntk}: auto picks the direct CPU sampler and says why; the exact sampler
 * refuses the block up front on one line; the table and JSON carry P and Q with theory and z.
 */
class DntkCliTest {
  @Test
  void autoFallsBackToDirectAndSaysWhy() {
    Runner r = Runner.run(Engines.defaults(), "sample", "--act", "tanh", "--width", "16", "--depth", "3",
        "--ensemble", "40", "--observables", "kernel,dntk", "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("sampler auto \u2192 direct: the dNTK is measured by the direct sampler"
        + " only"), r.out());
    assertTrue(r.out().contains("\"P\""), "JSON has P");
    assertTrue(r.out().contains("\"Q\""), "JSON has Q");
  }

  @Test
  void exactSamplerRefusesTheDntk() {
    Runner r = Runner.run(Engines.defaults(), "sample", "--act", "tanh", "--width", "16", "--depth", "3",
        "--ensemble", "40", "--sampler", "exact", "--observables", "dntk");
    assertEquals(Main.BAD_INPUT, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).startsWith("error: --observables: dntk is not supported by the exact"
        + " sampler"), r.err());
  }
}

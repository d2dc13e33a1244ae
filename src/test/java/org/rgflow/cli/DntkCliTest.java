package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  /** A run that does not measure the by-name blocks reports no theory for them either. */
  @Test
  void unmeasuredByNameBlocksGetNoTheoryRows() {
    Runner r = Runner.run(Engines.defaults(), "sample", "--act", "tanh", "--width", "16", "--depth", "3",
        "--ensemble", "40", "--json");
    assertEquals(0, r.code(), r.err());
    for (String k : new String[] {"\"P\"", "\"Q\"", "\"A_full\"", "\"F_full\""}) {
      assertFalse(r.out().contains(k), k + " in a run that does not measure it");
    }
    assertTrue(r.out().contains("\"Theta1\""), "the NTK block's own theory stays");
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

  /** --backend opencl measures the dNTK (skips without OpenCL unless RGFLOW_REQUIRE_OPENCL=1). */
  @Test
  void openClBackendMeasuresTheDntk() {
    org.rgflow.opencl.ClProbe p = org.rgflow.opencl.ClEnsemble.probe();
    if (!p.available()) {
      if ("1".equals(System.getenv("RGFLOW_REQUIRE_OPENCL"))) {
        org.junit.jupiter.api.Assertions.fail("RGFLOW_REQUIRE_OPENCL=1 but no OpenCL device: " + p.reason());
      }
      org.junit.jupiter.api.Assumptions.abort("no OpenCL device (" + p.reason() + ")");
    }
    Runner r = Runner.run(Engines.defaults(), "sample", "--act", "tanh", "--width", "16", "--depth", "3",
        "--ensemble", "40", "--backend", "opencl", "--observables", "kernel,dntk", "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"P\""), "JSON has P");
    assertTrue(r.out().contains("\"Q\""), "JSON has Q");
    assertTrue(r.out().replace(" ", "").contains("\"backend\":\"opencl\""), r.out());
    assertTrue(r.out().contains("executed=OpenCL"), r.out());
  }
}

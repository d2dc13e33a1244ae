package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rgflow.app.Engines;
import org.rgflow.device.CudaBackendProbe;

/**
 * {@code train --backend}: cpu is the default and the reference; cuda on a machine without a usable
 * driver is bad input on one line, before any work; an unknown name is refused naming the choices.
 * (CudaTrainer's kernels are checked against CpuTrainer in the host harness: CudaTrainOnHostTest.)
 */
class TrainBackendTest {
  private static final String[] SMALL = {"train", "--width", "8", "--ensemble", "3", "--steps", "2",
      "--threads", "1", "--progress=false", "--checkpoints", "none"};

  private static Runner train(String... extra) {
    String[] a = java.util.Arrays.copyOf(SMALL, SMALL.length + extra.length);
    System.arraycopy(extra, 0, a, SMALL.length, extra.length);
    return Runner.run(Engines.defaults(), a);
  }

  @Test
  void cudaWithoutAGpuIsBadInputOnOneLine() {
    CudaBackendProbe p = CudaBackendProbe.run();
    Assumptions.assumeFalse(p.available(), "the CUDA backend can run here");
    Runner r = train("--backend", "cuda");
    assertEquals(Main.BAD_INPUT, r.code());
    assertEquals("", r.out());
    assertEquals(List.of("error: --backend: cuda unavailable: " + p.reason()), r.errLines());
  }

  @Test
  void unknownBackendNamesTheChoices() {
    Runner r = train("--backend", "tpu");
    assertEquals(Main.BAD_INPUT, r.code());
    assertEquals(List.of("error: --backend: unknown trainer backend 'tpu' (choose cpu, cuda, opencl)"), r.errLines());
  }

  @Test
  void cpuIsTheDefaultAndSaysSo() {
    Runner r = train("--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("backend cpu: CpuTrainer"), r.out());
    Runner c = train("--json", "--backend", "cpu");
    assertEquals(0, c.code(), c.err());
  }

  /**
   * opencl (POCL in CI) gives the cpu's record up to rounding: the same initial parameters and
   * operations (ClTrainerTest checks them network by network to 1e-10); here the reduced means agree
   * to 1e-9 relative.
   */
  @Test
  void openClTrainsTheSameEnsembleAsTheCpu() throws Exception {
    String why = org.rgflow.opencl.ClTrainer.unavailable();
    Assumptions.assumeTrue(why == null, () -> "no OpenCL device: " + why);
    Runner cl = train("--json", "--backend", "opencl");
    assertEquals(0, cl.code(), cl.err());
    assertTrue(cl.out().contains("backend opencl: ClTrainKernel"), cl.out());
    Runner cpu = train("--json");
    com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode a = m.readTree(cl.out());
    com.fasterxml.jackson.databind.JsonNode b = m.readTree(cpu.out());
    int checked = compare(a, b, "");
    assertTrue(checked > 10, "compared " + checked + " numbers");
  }

  /** Every number of the two records agrees to 1e-9 relative, except the timing block; returns how many. */
  private static int compare(com.fasterxml.jackson.databind.JsonNode a,
      com.fasterxml.jackson.databind.JsonNode b, String path) {
    if (a.isNumber()) {
      if (path.startsWith(".timing")) {
        return 0;
      }
      double x = a.asDouble();
      double y = b.asDouble();
      assertTrue(Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)), path + ": " + x + " vs " + y);
      return 1;
    }
    int n = 0;
    if (a.isObject()) {
      for (java.util.Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (b.has(f)) {
          n += compare(a.get(f), b.get(f), path + "." + f);
        }
      }
    } else if (a.isArray()) {
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        n += compare(a.get(i), b.get(i), path + "[" + i + "]");
      }
    }
    return n;
  }
}

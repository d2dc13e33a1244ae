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
    assertEquals(List.of("error: --backend: unknown trainer backend 'tpu' (choose cpu, cuda)"), r.errLines());
  }

  @Test
  void cpuIsTheDefaultAndSaysSo() {
    Runner r = train("--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("backend cpu: CpuTrainer"), r.out());
    Runner c = train("--json", "--backend", "cpu");
    assertEquals(0, c.code(), c.err());
  }
}

package org.rgflow.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.opencl.ClEnsemble;
import org.rgflow.opencl.ClProbe;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * The {@code --backend auto} rule on stand-in probe results, names, and the OpenCL fallback note.
 * Run: {@code mvn -B test -Dtest=BackendsTest}.
 */
class BackendsTest {
  private static final CudaBackendProbe NO_CUDA = new CudaBackendProbe(false, "", "no GPU", null);
  private static final ClProbe POCL = new ClProbe(true, "pthread-skylake",
      "Portable Computing Language / OpenCL 3.0 PoCL 3.1", "");

  @Test
  void cudaFirst() {
    CudaBackendProbe cuda = new CudaBackendProbe(true, "NVIDIA H100", "", Object.class);
    Backends.Decision d = Backends.decideAuto(cuda, new OpenClInfo(POCL, "GPU", 1, 1));
    assertEquals("cuda", d.backend());
    assertEquals("backend auto \u2192 cuda: CUDA backend available on NVIDIA H100", d.note());
  }

  @Test
  void openClOnlyOnAGpuOrAccelerator() {
    ClProbe gpu = new ClProbe(true, "Radeon", "AMD Accelerated Parallel Processing / OpenCL 2.1", "");
    assertEquals("opencl", Backends.decideAuto(NO_CUDA, new OpenClInfo(gpu, "GPU", 60, 1L << 34)).backend());
    assertEquals("opencl", Backends.decideAuto(NO_CUDA, new OpenClInfo(gpu, "ACC", 60, 1L << 34)).backend());
    Backends.Decision cpu = Backends.decideAuto(NO_CUDA, new OpenClInfo(POCL, "CPU", 2, 1L << 32));
    assertEquals("cpu", cpu.backend());
    assertEquals("backend auto \u2192 cpu: CUDA unavailable (no GPU); OpenCL device is a CPU (POCL), slower"
        + " than the CPU reference; use --backend opencl to force it", cpu.note());
  }

  @Test
  void noOpenClSaysWhy() {
    ClProbe none = new ClProbe(false, "", "", "no OpenCL platform reports a device");
    Backends.Decision d = Backends.decideAuto(NO_CUDA, new OpenClInfo(none, "", 0, 0));
    assertEquals("cpu", d.backend());
    assertTrue(d.reason().endsWith("no OpenCL device (no OpenCL platform reports a device)"), d.reason());
  }

  @Test
  void namesAreCheckedAndCaseInsensitive() {
    assertEquals("cpu", Backends.choose(" CPU ").backend().name());
    assertEquals("opencl", Backends.choose("opencl").backend().name());
    SpecException e = assertThrows(SpecException.class, () -> Backends.choose("gpu"));
    assertEquals("--backend", e.field());
    assertTrue(e.getMessage().contains("unknown backend 'gpu' (choose auto, cpu, opencl or cuda)"),
        e.getMessage());
  }

  @Test
  void cpuNamesItsDevice() {
    BackendChoice c = Backends.choose("cpu");
    assertNull(c.note());
    assertEquals(Backends.cpuName(), c.device());
    assertNull(c.afterRunNote());
  }

  /** Aparapi's thread pool stands in for "no OpenCL device": the choice must say so after the run. */
  @Test
  void openClFallbackIsNoted() {
    BackendChoice c = Backends.opencl(null, new ClEnsemble(0, true));
    NetworkSpec spec = NetworkSpec.uniform(3, 2, 2, Activations.parse("relu"), 0, 2, 1, 1);
    Inputs x = Inputs.fromNormsAndAngles(3, new double[] {1}, new double[1][1]);
    c.backend().run(spec, x, new RunSettings(3, 1, 1, 1, false, 1), null);
    assertEquals("Aparapi Java thread pool", c.device());
    assertEquals("backend opencl: no OpenCL device used (Java thread pool requested); the same kernel ran on"
        + " Aparapi's Java thread pool", c.afterRunNote());
  }
}

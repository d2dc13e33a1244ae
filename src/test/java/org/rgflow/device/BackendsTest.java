package org.rgflow.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.opencl.ClEnsemble;
import org.rgflow.opencl.ClProbe;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * {@code --sampler} and {@code --backend}: the auto rule on stand-in probe results, names, the
 * sampler/device pairs and their refusals, the provider list, and the OpenCL fallback note.
 * Run: {@code mvn -B test -Dtest=BackendsTest}.
 */
class BackendsTest {
  private static final CudaBackendProbe NO_CUDA = new CudaBackendProbe(false, "", "no GPU");
  private static final ClProbe POCL = new ClProbe(true, "pthread-skylake",
      "Portable Computing Language / OpenCL 3.0 PoCL 3.1", "");

  @Test
  void cudaFirst() {
    CudaBackendProbe cuda = new CudaBackendProbe(true, "NVIDIA H100", "");
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
    assertEquals("cpu", Backends.choose("direct", " CPU ").source().device());
    assertEquals("opencl", Backends.choose("direct", "opencl").source().device());
    SpecException e = assertThrows(SpecException.class, () -> Backends.choose("direct", "gpu"));
    assertEquals("--backend", e.field());
    assertTrue(e.getMessage().contains("unknown backend 'gpu' (choose auto, cpu, opencl or cuda)"),
        e.getMessage());
    SpecException s = assertThrows(SpecException.class, () -> Backends.choose("fast", "cpu"));
    assertEquals("--sampler", s.field());
    assertTrue(s.getMessage().contains("unknown sampler 'fast' (choose auto, exact or direct)"),
        s.getMessage());
  }

  /** Sampler and device are separate choices; an unimplemented pair is refused with the reason. */
  @Test
  void samplerAndDevicePairs() {
    assertEquals("exact", Backends.choose("auto", "cpu").source().sampler());
    assertEquals("exact", Backends.choose("exact", "cpu").source().sampler());
    assertEquals("direct", Backends.choose("direct", "cpu").source().sampler());
    // a device backend named explicitly runs the direct sampler under auto: OpenCL's exact sampler
    // covers fewer networks, and runs when asked for
    Backends.Choice cl = Backends.choose("auto", "opencl");
    assertEquals("direct", cl.source().sampler());
    assertEquals("opencl", cl.source().device());
    assertEquals(List.of("sampler auto \u2192 direct: the exact sampler on --backend opencl covers"
        + " fewer networks than direct so far (the NTK for relu, leaky relu and linear only);"
        + " --sampler exact picks it"), cl.notes());
    Backends.Choice exactCl = Backends.choose("exact", "opencl");
    assertEquals("exact", exactCl.source().sampler());
    assertEquals("opencl", exactCl.source().device());
    assertTrue(exactCl.notes().get(0).startsWith("sampler exact \u2192 exact: requested"),
        exactCl.notes().toString());
    // with --backend auto the exact sampler stays on the CPU and the notes say why
    Backends.Choice auto = Backends.choose("auto", "auto");
    assertEquals("exact", auto.source().sampler());
    assertEquals("cpu", auto.source().device());
    assertTrue(auto.notes().get(0).startsWith("backend auto \u2192 cpu: "), auto.notes().toString());
    assertTrue(auto.notes().get(1).startsWith("sampler auto \u2192 exact: valid for every observable"),
        auto.notes().toString());
  }

  @Test
  void everyProviderOffersTheDirectSampler() {
    List<String> names = new ArrayList<>();
    for (Backends.Provider p : Backends.PROVIDERS) {
      names.add(p.name());
      SourceFactory f = p.source("direct");
      assertEquals(p.name(), f.device());
      assertEquals("direct", f.sampler());
    }
    assertEquals(List.of("cpu", "opencl", "cuda"), names);
    assertEquals("exact", Backends.provider("cpu").source("exact").sampler());
    // the exact sampler on both devices (ClExactEnsemble, CudaExactEnsemble: forward and the
    // Gram-sweep NTK, refused per network where the CPU takes another path)
    for (String device : List.of("opencl", "cuda")) {
      SourceFactory f = Backends.provider(device).source("exact");
      assertEquals("exact", f.sampler());
      assertEquals(device, f.device());
      assertNull(f.unsupported(org.rgflow.stats.Need.EVEN_SUMS));
      assertNull(f.unsupported(org.rgflow.stats.Need.NTK));
      assertNotNull(f.unsupported(org.rgflow.stats.Need.DNTK));
    }
  }

  /** Aparapi's thread pool stands in for "no OpenCL device": the result must say so. */
  @Test
  void openClFallbackIsNoted() {
    NetworkSpec spec = NetworkSpec.uniform(3, 2, 2, Activations.parse("relu"), 0, 2, 1, 1);
    Inputs x = Inputs.fromNormsAndAngles(3, new double[] {1}, new double[1][1]);
    EnsembleResult r = new ClEnsemble(0, true).run(spec, x, new RunSettings(3, 1, 1, 1, false, 1), null);
    assertEquals("Aparapi Java thread pool", r.device());
    assertEquals("opencl", r.backend());
    assertTrue(r.notes().contains("executed=Aparapi Java thread pool (fallback: Java thread pool"
        + " requested); no OpenCL device was used, the same kernel ran on Aparapi's Java thread pool"),
        r.notes().toString());
  }

  @Test
  void cpuNamesItsDevice() {
    NetworkSpec spec = NetworkSpec.uniform(3, 2, 2, Activations.parse("relu"), 0, 2, 1, 1);
    Inputs x = Inputs.fromNormsAndAngles(3, new double[] {1}, new double[1][1]);
    EnsembleResult r = Backends.choose("direct", "cpu").source().run(spec, x,
        new RunSettings(3, 1, 1, 1, false, 1), null);
    assertEquals(Backends.cpuName(), r.device());
  }
}

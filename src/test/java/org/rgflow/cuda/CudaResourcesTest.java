package org.rgflow.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;

/**
 * What can be checked about the CUDA backend without a GPU (default suite): the PTX in the jar has
 * the entry points the host looks up, the shipped PTX and sources match kernels/*.cu
 * ({@code kernels/build.sh --check}, skipped where nvcc is absent), the probe is quick and says why
 * the backend is unavailable on a machine without a driver, the class has the shape the
 * {@code devices} command looks up reflectively, and every registered activation maps to a kernel code.
 *
 * <p>Run: {@code mvn test -Dtest=CudaResourcesTest} (about 15 s with nvcc, most of it build.sh).
 */
class CudaResourcesTest {

  static List<String> entries(String ptx) {
    String text = new String(CudaEnsemble.resource(ptx), StandardCharsets.US_ASCII);
    Matcher m = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(").matcher(text);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void ptxHasEveryEntryTheHostLooksUp() {
    List<String> fwd = entries("ensemble_forward.ptx");
    for (int nd = 1; nd <= CudaEnsemble.MAX_KERNEL_INPUTS; nd++) {
      assertTrue(fwd.contains("rg_forward_nd" + nd), "missing rg_forward_nd" + nd + " in " + fwd);
    }
    assertEquals(CudaEnsemble.MAX_KERNEL_INPUTS, fwd.size(), "entries: " + fwd);
    List<String> ntk = entries("ensemble_ntk.ptx");
    assertEquals(List.of("rg_ntk_vt8", "rg_ntk_vt16"), ntk);
    String text = new String(CudaEnsemble.resource("ensemble_ntk.ptx"), StandardCharsets.US_ASCII);
    assertTrue(text.contains(".target sm_75"), "PTX targets compute_75 so it JITs on Turing..Hopper");
  }

  /** The exact sampler's kernels (CudaExactEnsemble): every entry it looks up, and their sources. */
  @Test
  void exactSamplerPtxHasItsEntries() {
    List<String> fwd = entries(CudaExactEnsemble.SOURCE + ".ptx");
    for (int nd = 1; nd <= CudaEnsemble.MAX_KERNEL_INPUTS; nd++) {
      assertTrue(fwd.contains("rg_exact_forward_nd" + nd), "missing rg_exact_forward_nd" + nd);
    }
    assertEquals(List.of("rg_exact_gram"), entries(CudaExactEnsemble.GRAM_SOURCE + ".ptx"));
    assertTrue(CudaEnsemble.resource(CudaExactEnsemble.SOURCE + ".cu").length > 0);
    assertTrue(CudaEnsemble.resource(CudaExactEnsemble.GRAM_SOURCE + ".cu").length > 0);
  }

  /** The trainer's kernels (CudaTrainer): every entry it looks up, and the source for NVRTC. */
  @Test
  void trainerPtxHasItsEntries() {
    assertEquals(List.of("rg_train_init", "rg_train_forward", "rg_train_steps", "rg_train_ntk"),
        entries(CudaTrainer.SOURCE + ".ptx"));
    assertTrue(CudaEnsemble.resource(CudaTrainer.SOURCE + ".cu").length > 0);
  }

  @Test
  void sourcesForNvrtcAreShipped() {
    for (String s : CudaEnsemble.SOURCES) {
      assertTrue(CudaEnsemble.resource(s + ".cu").length > 0);
    }
    for (String h : CudaEnsemble.HEADERS) {
      assertTrue(CudaEnsemble.resource(h).length > 0);
    }
  }

  @Test
  void probeIsQuickAndExplainsItself() {
    long t0 = System.nanoTime();
    CudaProbe p = CudaEnsemble.probe();
    CudaProbe again = CudaEnsemble.probe();
    double seconds = (System.nanoTime() - t0) * 1e-9;
    System.out.println("[CudaResourcesTest] " + p.line() + String.format(" (two probes: %.2f s)", seconds));
    assertTrue(seconds < 5, "probe took " + seconds + " s");
    assertEquals(p.available(), again.available());
    if (!p.available()) {
      assertFalse(p.reason().isBlank(), "an unavailable probe must say why");
      assertTrue(p.line().startsWith("\u2717 CUDA: "));
    } else {
      assertFalse(p.devices().isEmpty());
    }
  }

  /** The devices command asks the CUDA source directly (no lookup by name): the same answer. */
  @Test
  void devicesAskTheSourceDirectly() {
    org.rgflow.device.CudaBackendProbe p = org.rgflow.device.CudaBackendProbe.run();
    assertEquals(CudaEnsemble.probe().available(), p.available());
    if (!p.available()) {
      assertFalse(p.reason().isBlank());
    }
    assertEquals("cuda", new CudaEnsemble().device());
  }

  @Test
  void everyRegisteredActivationHasAKernelCode() {
    int checked = 0;
    for (String n : List.of("linear", "relu", "leaky_relu(0.1)", "tanh", "sin", "erf", "sigmoid",
        "softplus", "swish", "gelu", "step", "monomial(3)", "monomial(1)")) {
      CudaActivation a = CudaActivation.of(Activations.parse(n));
      assertTrue(a.code() >= 0 && a.code() <= CudaActivation.MONOMIAL, n);
      checked++;
    }
    assertEquals(Activations.names().size() + 1, checked, "one per registered name (+ monomial(1))");
    assertEquals(new CudaActivation(CudaActivation.PWLIN, 1, 0.1f),
        CudaActivation.of(Activations.parse("leaky_relu(0.1)")));
  }

  @Test
  void committedPtxMatchesTheSources() throws Exception {
    boolean nvcc = new ProcessBuilder("sh", "-c", "command -v nvcc").start().waitFor() == 0;
    Assumptions.assumeTrue(nvcc, "nvcc not on PATH: cannot recompile kernels/*.cu here");
    File script = new File("kernels/build.sh");
    Assumptions.assumeTrue(script.isFile(), "kernels/build.sh not found (not run from the repo root)");
    Process p = new ProcessBuilder("bash", script.getPath(), "--check").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "build.sh --check timed out");
    assertEquals(0, p.exitValue(), "kernels/build.sh --check failed:\n" + out);
  }
}

package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.cuda.CudaEnsemble;
import org.rgflow.cuda.CudaProbe;
import org.rgflow.opencl.ClEnsemble;
import org.rgflow.opencl.ClProbe;

/**
 * Residual networks on the device samplers against the leading-order theory, with
 * {@link ResidualVsTheoryTest}'s checks, seeds and sizes (|measured − theory| ≤ 3 SE, relu and tanh
 * at γ = 0.5 and 0.9, n = 64, L = 3, E = 4000, ℓ/n ≤ 0.047; the T resolution at relu γ = 0.5,
 * n = 64, L = 3, E = 12000, margin &gt; 5 SE; slow profile). OpenCL (fp64, POCL in CI) runs by default and skips
 * without a device unless RGFLOW_REQUIRE_OPENCL=1; CUDA (float32) is tagged {@code gpu}.
 */
class ResidualOnDevicesTest {

  static ClEnsemble openCl() {
    ClProbe p = ClEnsemble.probe();
    if (!p.available()) {
      if ("1".equals(System.getenv("RGFLOW_REQUIRE_OPENCL"))) {
        fail("RGFLOW_REQUIRE_OPENCL=1 but no OpenCL device: " + p.reason());
      }
      Assumptions.abort("no OpenCL device (" + p.reason() + ")");
    }
    return new ClEnsemble();
  }

  static CudaEnsemble cuda() {
    CudaProbe p = CudaEnsemble.probe();
    Assumptions.assumeTrue(p.available(), () -> "no CUDA device: " + p.reason());
    return new CudaEnsemble();
  }

  @ParameterizedTest(name = "opencl {0} gamma={1} n=64 L=3 E=4000")
  @CsvSource({"relu, 0.5", "relu, 0.9", "tanh, 0.5", "tanh, 0.9"})
  void openClAgreesWithTheory(String act, double gamma) {
    ResidualVsTheoryTest.singleInput(openCl(), act, gamma, 64, 3, 4000);
  }

  /** Slow profile: the CPU test already resolves T by default, and OpenCL runs the same networks. */
  @Tag("slow")
  @Test
  void openClResolvesTheThreePointTerm() {
    ResidualVsTheoryTest.resolvesT(openCl(), 64, 3, 12000);
  }

  @Tag("gpu")
  @ParameterizedTest(name = "cuda {0} gamma={1} n=64 L=3 E=4000")
  @CsvSource({"relu, 0.5", "relu, 0.9", "tanh, 0.5", "tanh, 0.9"})
  void cudaAgreesWithTheory(String act, double gamma) {
    ResidualVsTheoryTest.singleInput(cuda(), act, gamma, 64, 3, 4000);
  }

  @Tag("gpu")
  @Test
  void cudaResolvesTheThreePointTerm() {
    ResidualVsTheoryTest.resolvesT(cuda(), 64, 3, 12000);
  }
}

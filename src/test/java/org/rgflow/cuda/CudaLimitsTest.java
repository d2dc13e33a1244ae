package org.rgflow.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.DivergenceException;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * The CUDA backend's input limits, without a GPU (issue 15): the --ntk-neurons bound (Σ_ℓ (m_ℓ N_D)²
 * Θ̂ entries per network in 32-bit offsets), the shared-memory opt-in decision with the kernel's
 * static shared memory counted, and divergence reported like the CPU's with float's bound.
 */
class CudaLimitsTest {

  static NetworkSpec spec(int n, int depth) {
    return NetworkSpec.uniform(n, n, depth, Activations.relu(), 0.0, 2.0, 1.0, 1.0);
  }

  @Test
  void ntkNeuronsBoundIsTheLargestThatFitsInt() {
    NetworkSpec s = spec(4096, 32);
    // 32 · (4096 · 2)² = 2^31 entries: one too many for tOff; 32 · (4095 · 2)² fits.
    assertEquals(1L << 31, CudaLimits.thetaEntries(s, 2, 4096));
    CudaLimits.checkNtkNeurons(s, 2, 4095);
    CudaLimits.checkNtkNeurons(s, 2, 0);
    SpecException ex = assertThrows(SpecException.class, () -> CudaLimits.checkNtkNeurons(s, 2, 4096));
    assertEquals("--ntk-neurons", ex.field());
    assertTrue(ex.getMessage().contains("--ntk-neurons ≤ 4095"), ex.getMessage());
    // m beyond every width changes nothing more (m_ℓ = min(n_ℓ, m)): 1 000 000 is refused the same way.
    SpecException big = assertThrows(SpecException.class,
        () -> CudaLimits.checkNtkNeurons(s, 2, 1_000_000));
    assertTrue(big.getMessage().contains("≤ 4095"), big.getMessage());
  }

  @Test
  void ntkNeuronsAreValidatedBeforeAnyDriverCall() {
    // Session checks the bound before cuInit: the same SpecException with or without a GPU.
    NetworkSpec s = spec(4096, 32);
    double[][] x = new double[2][4096];
    x[0][0] = 1;
    x[1][1] = 1;
    SpecException ex = assertThrows(SpecException.class,
        () -> new CudaEnsemble().networks(s, new Inputs(x), 0L, 0, 1, 5000));
    assertEquals("--ntk-neurons", ex.field());
  }

  @Test
  void sharedMemoryCountsTheStaticPart() {
    int h100OptIn = 232448;  // 227 KiB
    // Fits the default 48 KiB: no opt-in, the device limit is not even read.
    assertEquals(0, CudaLimits.sharedMemoryOptIn(48 * 1024 - 272, 272, () -> {
      throw new AssertionError("opt-in limit read although not needed");
    }));
    // Dynamic exactly 48 KiB plus 272 static bytes needs the opt-in (the old check missed this).
    assertEquals(48 * 1024, CudaLimits.sharedMemoryOptIn(48 * 1024, 272, () -> h100OptIn));
    assertEquals(h100OptIn - 272, CudaLimits.sharedMemoryOptIn(h100OptIn - 272, 272, () -> h100OptIn));
    SpecException ex = assertThrows(SpecException.class,
        () -> CudaLimits.sharedMemoryOptIn(h100OptIn - 271, 272, () -> h100OptIn));
    assertEquals("--width", ex.field());
    assertTrue(ex.getMessage().contains("272 static"), ex.getMessage());
  }

  @Test
  void divergenceIsTheCpusExceptionWithFloatsBound() {
    DivergenceException d = CudaLimits.divergence(4_000_000_000L, 7);
    assertEquals(4_000_000_000L, d.network());
    assertEquals(7, d.layer());
    assertTrue(d.getMessage().startsWith("network 4000000000 diverged at layer 7"), d.getMessage());
    assertTrue(d.getMessage().contains("1e30") && d.getMessage().contains("1e150"), d.getMessage());
    String fwd = new String(CudaEnsemble.resource("ensemble_forward.cu"),
        java.nio.charset.StandardCharsets.UTF_8);
    var m = java.util.regex.Pattern.compile("#define RG_OVERFLOW (\\S+)f").matcher(fwd);
    assertTrue(m.find(), "RG_OVERFLOW not defined in ensemble_forward.cu");
    assertEquals(CudaLimits.DEVICE_OVERFLOW, Double.parseDouble(m.group(1)), "kernel and host bound");
  }
}

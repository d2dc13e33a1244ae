package org.rgflow.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.exact.ExactProbe;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Residual;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.Need;

/**
 * What {@link CudaExactEnsemble} refuses before it touches the driver (so these run without a GPU):
 * residual layers (its kernel is dense only), the NTK where the CPU does not take the per-target
 * Gram sweep, the dNTK, N_D &gt; 8. The kernels are checked by CudaExactForwardOnHostTest and
 * CudaExactGramOnHostTest; the launch path needs a GPU.
 */
class CudaExactEnsembleTest {
  @Test
  void refusesWhatItsKernelCannotDo() {
    CudaExactEnsemble f = new CudaExactEnsemble();
    assertEquals("exact", f.sampler());
    assertEquals("cuda", f.device());
    NetworkSpec dense = ExactProbe.spec(3, new int[] {4, 4, 4}, Activations.relu(), 0.1, 2.0);
    assertNull(f.unsupported(dense));
    List<Layer> res = Residual.network(dense.layers(), new double[] {0.5}, new double[] {0.9});
    assertNotNull(f.unsupported(new NetworkSpec(3, dense.activation(), res)));
    assertNull(f.unsupported(Need.NTK));
    assertNotNull(f.unsupported(Need.DNTK));
    // the NTK only where the CPU takes the per-target Gram sweep; refused before the driver
    NetworkSpec shallow = ExactProbe.spec(3, new int[] {4, 4}, Activations.relu(), 0.1, 2.0);
    assertNull(CudaExactEnsemble.ntkRefusal(shallow, 3, 4));
    assertTrue(CudaExactEnsemble.ntkRefusal(dense, 2, 4).contains("joint"));
    NetworkSpec tanh = ExactProbe.spec(3, new int[] {4, 4}, Activations.tanh(), 0.1, 1.5);
    assertTrue(CudaExactEnsemble.ntkRefusal(tanh, 2, 4).contains("per-neuron sweep"));
    double[][] two = {{1, 0, 0}, {0, 1, 1}};
    SpecException t = assertThrows(SpecException.class,
        () -> f.networks(tanh, new Inputs(two), 1L, 0, 2, 4));
    assertEquals("--backend", t.field());
    assertNull(f.unsupported(Need.ODD_SUMS));
    double[][] x = new double[9][3];
    for (int a = 0; a < 9; a++) {
      x[a][a % 3] = 1 + a;
    }
    SpecException e = assertThrows(SpecException.class,
        () -> f.networks(dense, new Inputs(x), 1L, 0, 2, 0));
    assertEquals("--inputs", e.field());
  }
}

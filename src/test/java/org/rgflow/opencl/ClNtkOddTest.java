package org.rgflow.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.layer.Residual;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.KernelBlock;
import org.rgflow.stats.NtkBlock;
import org.rgflow.stats.NtkOddBlock;
import org.rgflow.stats.StatBlock;
import org.rgflow.stats.StatSet;

/**
 * The ntk-odd block (U, U_prime, docs/THEORY.md §17.9) on the OpenCL kernel equals the CPU
 * reference on the same networks: relu, γ = 0.5, width 16, depth 3, two inputs, E = 60, to 1e-9
 * relative plus 1e-10 (ClContractTest's tolerance). Skips without OpenCL unless
 * RGFLOW_REQUIRE_OPENCL=1.
 */
class ClNtkOddTest {

  @BeforeAll
  static void probeDevice() {
    ClContractTest.probeDevice();
  }

  @Test
  void equalsTheCpuReference() {
    NetworkSpec dense = NetworkSpec.uniform(8, 16, 3, Activations.parse("relu"), 0, 1.5, 0.5, 1);
    NetworkSpec spec = new NetworkSpec(8, dense.activation(),
        Residual.network(dense.layers(), new double[] {0.5}, new double[] {1}));
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {1, 1.3}, new double[][] {{0, 0.9},
        {0.9, 0}});
    List<StatBlock> blocks = List.of(KernelBlock.INSTANCE, NtkBlock.INSTANCE, NtkOddBlock.INSTANCE);
    RunSettings rs = new RunSettings(60, 4242, 2, 8, true, 4);
    EnsembleResult cpu = new CpuEnsemble().run(new EnsembleRun(spec, in, rs, StatSet.of(2, blocks)),
        (d, t) -> {});
    EnsembleResult cl = new ClEnsemble().run(new EnsembleRun(spec, in, rs, StatSet.of(2, blocks)),
        (d, t) -> {});
    for (int l = 1; l <= 3; l++) {
      for (Obs o : new Obs[] {Obs.U, Obs.U_prime}) {
        for (int a = 0; a < 2; a++) {
          double x = cpu.layers().get(l - 1).value().get(o).getFlat(a);
          double y = cl.layers().get(l - 1).value().get(o).getFlat(a);
          assertEquals(x, y, 1e-9 * Math.abs(x) + 1e-10, o + " input " + a + " layer " + l);
          double ex = cpu.layers().get(l - 1).err().get(o).getFlat(a);
          double ey = cl.layers().get(l - 1).err().get(o).getFlat(a);
          assertEquals(ex, ey, 1e-9 * Math.abs(ex) + 1e-10, o + "_err input " + a + " layer " + l);
        }
      }
    }
  }
}

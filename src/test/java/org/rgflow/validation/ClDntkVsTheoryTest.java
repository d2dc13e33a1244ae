package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.opencl.ClEnsemble;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.DntkBlock;
import org.rgflow.stats.KernelBlock;
import org.rgflow.stats.Predictions;
import org.rgflow.stats.StatSet;

/**
 * The dNTK's P and Q measured on OpenCL (ClNetworkKernel's dNTK sweep) against the leading-order
 * recursions, |measured − theory| ≤ k·SE with k = 3 at every layer and component, L = 3, m = 4
 * measured neurons, specs, inputs and seeds as {@link DntkVsTheoryTest}: tanh at n = 64 (ℓ/n ≤ 0.047),
 * relu at n = 128 (ℓ/n ≤ 0.023; P at layer 3 is a pure 1/n effect and left out, P at layers 1–2 is
 * exactly 0 and checked so), gelu at n = 128 (its 1/n remainder is 8–12% at n = 64, DntkVsTheoryTest).
 * E per case in the parameters (measured max |z| and times on POCL, 2 cores, in the commit message).
 * swish is not used: at n = 64 (E = 1500) its P at layer 3 is 1.698 ± 0.026 against 1.569, 8% high,
 * a remainder of gelu's size; the kernel itself agrees with the CPU for swish network by network
 * (ClDntkTest). Skips without OpenCL unless RGFLOW_REQUIRE_OPENCL=1
 * (CI, POCL); asserts the kernel really ran as OpenCL.
 */
class ClDntkVsTheoryTest {
  @ParameterizedTest(name = "{0} N_D={1} n=64 L=3 E={2}")
  @CsvSource({"tanh, 1, 1500", "tanh, 2, 800", "relu, 1, 600", "gelu, 1, 600"})
  void openClEnsembleAgreesWithTheory(String act, int nd, long ensemble) {
    check(act, nd, ensemble);
  }

  /** relu and gelu at N_D = 2 (about 10 s each on POCL, 2 cores): slow profile. */
  @Tag("slow")
  @ParameterizedTest(name = "{0} N_D={1} n=128 L=3 E={2}")
  @CsvSource({"relu, 2, 400", "gelu, 2, 400"})
  void openClEnsembleAgreesWithTheorySlow(String act, int nd, long ensemble) {
    check(act, nd, ensemble);
  }

  private static void check(String act, int nd, long ensemble) {
    ClEnsemble cl = ResidualOnDevicesTest.openCl();
    int n = act.equals("tanh") ? 64 : 128;
    int depth = 3;
    NetworkSpec spec = DntkVsTheoryTest.spec(act, n, depth);
    var in = DntkVsTheoryTest.inputs(nd);
    RunSettings rs = new RunSettings(ensemble, 20261207L + nd, 2, 16, false, 4);
    StatSet stats = StatSet.of(nd, List.of(KernelBlock.INSTANCE, DntkBlock.INSTANCE));
    EnsembleResult m = cl.run(new EnsembleRun(spec, in, rs, stats), (d, t) -> {});
    assertTrue(((ClEnsemble.Execution) m.detail()).openCl(), "not run as OpenCL: " + m.detail());
    Agreement.Paired p = new Agreement.Paired(spec, m, Predictions.compute(spec, in));
    Agreement a = new Agreement("OpenCL dNTK " + act + " N_D=" + nd + " n=" + n + " L=" + depth
        + " E=" + ensemble + " k=3", 3.0);
    boolean relu = act.equals("relu");
    for (int l = 1; l <= depth; l++) {
      if (!relu || l < 3) {
        a.check(p, l, Obs.P);
      }
      a.check(p, l, Obs.Q);
    }
    if (relu) {
      for (int l = 1; l <= 2; l++) {
        var pv = p.m(l).value().get(Obs.P);
        for (int f = 0; f < pv.size(); f++) {
          assertEquals(0, pv.getFlat(f), 1e-12, "relu P exactly 0 at layer " + l);
        }
      }
    }
    a.assertAll((relu ? 2 * depth - 1 : 2 * depth) * nd * nd * nd * nd);
  }
}

package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.act.Activations;
import org.rgflow.core.Obs;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Θ^{1} against direct ensembles (docs/THEORY.md §17), n = 32, L = 3 (ℓ/n ≤ 0.094), m = 4, λ_b = λ_W = 1:
 * Theta = Θ + Θ1/n within 3 SE at every layer and component.
 * <ul>
 *   <li>swish at its critical point (C_b 0.55514, C_W 1.988), one input: the diagonal Θ1;
 *   <li>critical relu, two inputs at angle 1.2: Θ1 vanishes on the diagonal, not off it;
 *   <li>tanh (C_b 0.2, C_W 1.5), two inputs: Θ1 is small there (not resolved; agreement only).
 * </ul>
 * The slow cases resolve Θ1/n: at layer 3 the leading-order Θ alone is more than 3 SE away.
 */
class NtkCorrectionVsEnsembleTest {
  @ParameterizedTest(name = "swish critical n=32 L=3 E={0}")
  @CsvSource({"20000, false"})
  void thetaWithCorrection(long ensemble, boolean resolve) {
    check(ensemble, resolve);
  }

  @Tag("slow")
  @ParameterizedTest(name = "swish critical n=32 L=3 E={0}, Θ1/n resolved")
  @CsvSource({"80000, true"})
  void thetaCorrectionResolved(long ensemble, boolean resolve) {
    check(ensemble, resolve);
  }

  @ParameterizedTest(name = "relu critical two inputs n=32 L=3 E={0}")
  @CsvSource({"10000, false"})
  void reluOffDiagonal(long ensemble, boolean resolve) {
    checkTwo("relu", 0, 2, ensemble, resolve);
  }

  @Tag("slow")
  @ParameterizedTest(name = "relu critical two inputs n=32 L=3 E={0}, Θ1/n resolved")
  @CsvSource({"40000, true"})
  void reluOffDiagonalResolved(long ensemble, boolean resolve) {
    checkTwo("relu", 0, 2, ensemble, resolve);
  }

  @ParameterizedTest(name = "tanh two inputs n=32 L=3 E={0}")
  @CsvSource({"10000"})
  void tanhTwoInputs(long ensemble) {
    checkTwo("tanh", 0.2, 1.5, ensemble, false);
  }

  private static void checkTwo(String act, double cb, double cw, long ensemble, boolean resolve) {
    NetworkSpec spec = NetworkSpec.uniform(8, 32, 3, Activations.parse(act), cb, cw, 1, 1);
    double[][] ang = new double[2][2];
    ang[0][1] = 1.2;
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {1.0, 1.0}, ang);
    Agreement.Paired p = Agreement.run(spec, in, ensemble, 4711L);
    Agreement a = new Agreement("Theta with Θ1/n, " + act + " two inputs n=32 L=3 E=" + ensemble + " k=3", 3);
    for (int l = 1; l <= 3; l++) {
      a.check(p, l, Obs.Theta);
    }
    a.assertAll(12);
    report(p, 0, 1, resolve);
  }

  private static void check(long ensemble, boolean resolve) {
    NetworkSpec spec = NetworkSpec.uniform(8, 32, 3, Activations.parse("swish"), 0.55514, 1.988, 1, 1);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {1.0}, new double[1][1]);
    Agreement.Paired p = Agreement.run(spec, in, ensemble, 31337L);
    Agreement a = new Agreement("Theta with Θ1/n, swish critical n=32 L=3 E=" + ensemble + " k=3", 3);
    for (int l = 1; l <= 3; l++) {
      a.check(p, l, Obs.Theta);
    }
    a.assertAll(3);
    report(p, 0, 0, resolve);
  }

  private static void report(Agreement.Paired p, int i, int j, boolean resolve) {
    double meas = p.m(3).value().get(Obs.Theta).get(i, j);
    double se = p.m(3).err().get(Obs.Theta).get(i, j);
    double th = p.t(3).theory().get(Obs.Theta).get(i, j);
    double t1 = p.t(3).theory().get(Obs.Theta1).get(i, j);
    double lead = th - t1 / 32;
    System.out.printf("[Θ1] %s Theta[%d][%d] layer 3: measured %.5f ± %.5f, Θ + Θ1/n %.5f (z %.2f), Θ %.5f"
        + " (z %.2f), Θ1 %.4f%n", p.spec().activation().name(), i, j, meas, se, th, (meas - th) / se, lead,
        (meas - lead) / se, t1);
    if (resolve) {
      assertTrue(Math.abs(meas - lead) > 3 * se, "Θ1/n not resolved: leading order within 3 SE");
    }
  }
}

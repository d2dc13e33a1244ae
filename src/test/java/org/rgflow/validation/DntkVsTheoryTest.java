package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.act.Activations;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.DntkBlock;
import org.rgflow.stats.KernelBlock;
import org.rgflow.stats.Predictions;
import org.rgflow.stats.StatSet;

/**
 * The dNTK's P and Q (docs/THEORY.md §16): direct CPU ensembles against the leading-order recursions,
 * |measured − theory| ≤ 3 SE at every layer and every component (α0, α1, α2, α3), at ℓ/n ≤ 0.05
 * (depth 3; n = 64 for tanh, n = 128 for relu and gelu, whose 1/n corrections are several times
 * larger: relu's ν = 5, and gelu's n·(measured − theory) reaches 5–20 against P of 0.2–3 in the width
 * scan, 8–12% at n = 64), m = 4 measured neurons per layer. The remainder is O(ℓ/n): the slow width
 * scan shows n·(measured − theory) constant across n = 32, 64, 128.
 *
 * <p>ReLU's P is 0 at leading order, and exactly 0 at layers 1 and 2 (σ″ = 0 and the δ-terms of the
 * forward equation vanish for i ≠ k), which is checked. At layer 3 it is a pure 1/n effect: the
 * same-neuron (j0 = j1) part of dΘ̂^{(2)}_{j0j1j1} = 2(λ_W Θ^{(1)}/n) Σ_m W_{j0m} σ_m gives
 * n·P^{(3)} = 2 C_W² λ_W Θ^{(1)} ⟨z σ⟩ = 12 here (K^{(2)} = 2, Θ^{(1)} = 1.5), i.e. P = 0.19 at n = 64
 * (measured 0.189 ± 0.005): many SE at any useful E, so layer 3 of relu's P is left to the width scan,
 * which holds n·P constant.
 */
class DntkVsTheoryTest {
  private static final double K_SE = 3.0;

  static Inputs inputs(int nd) {
    if (nd == 1) {
      return Inputs.fromNormsAndAngles(8, new double[] {1.0}, new double[1][1]);
    }
    double[][] ang = new double[2][2];
    ang[0][1] = Math.PI / 3;
    return Inputs.fromNormsAndAngles(8, new double[] {1.0, 1.3}, ang);
  }

  static NetworkSpec spec(String act, int n, int depth) {
    return switch (act) {
      case "relu" -> NetworkSpec.uniform(8, n, depth, Activations.parse("relu"), 0, 2, 0.5, 1);
      case "tanh" -> NetworkSpec.uniform(8, n, depth, Activations.parse("tanh"), 0.2, 1.5, 0.5, 1);
      case "gelu" -> NetworkSpec.uniform(8, n, depth, Activations.parse("gelu"), 0.1, 1.8, 0.5, 1);
      default -> throw new IllegalArgumentException(act);
    };
  }

  static Agreement.Paired run(NetworkSpec spec, Inputs in, long ensemble, long seed) {
    RunSettings rs = new RunSettings(ensemble, seed, 2, 16, false, 4);
    StatSet stats = StatSet.of(in.count(), List.of(KernelBlock.INSTANCE, DntkBlock.INSTANCE));
    EnsembleResult m = new CpuEnsemble().run(new EnsembleRun(spec, in, rs, stats), (d, t) -> {});
    return new Agreement.Paired(spec, m, Predictions.compute(spec, in));
  }

  @ParameterizedTest(name = "{0} N_D={1} n=64 L=3 E={2}")
  @CsvSource({"relu, 1, 600", "relu, 2, 400", "tanh, 1, 1500", "tanh, 2, 800", "gelu, 1, 600",
      "gelu, 2, 400"})
  void ensembleAgreesWithTheory(String act, int nd, long ensemble) {
    int n = act.equals("tanh") ? 64 : 128;
    int depth = 3;
    NetworkSpec spec = spec(act, n, depth);
    Agreement.Paired p = run(spec, inputs(nd), ensemble, 20261207L + nd);
    Agreement a = new Agreement("dNTK " + act + " N_D=" + nd + " n=" + n + " L=" + depth + " E="
        + ensemble + " k=3", K_SE);
    for (int l = 1; l <= depth; l++) {
      if (!act.equals("relu") || l < 3) {
        a.check(p, l, Obs.P);
      }
      a.check(p, l, Obs.Q);
    }
    if (act.equals("relu")) {
      for (int l = 1; l <= 2; l++) {
        var pv = p.m(l).value().get(Obs.P);
        for (int f = 0; f < pv.size(); f++) {
          assertEquals(0, pv.getFlat(f), 1e-12, "relu P exactly 0 at layer " + l);
        }
      }
    }
    a.assertAll((2 * depth - 1) * nd * nd * nd * nd);
  }

  /**
   * n·(measured − theory) at the last layer for n = 32, 64, 128 (L = 3, ℓ/n ≤ 0.1; E scaled so that
   * n·SE is alike): the three values agree with each other within 3 combined SE, so the remainder is
   * a 1/n correction. Printed for the record.
   */
  @Tag("slow")
  @ParameterizedTest(name = "width scan {0} N_D={1}")
  @CsvSource({"relu, 1", "tanh, 1", "gelu, 1", "tanh, 2", "gelu, 2"})
  void remainderScalesAsOneOverN(String act, int nd) {
    int depth = 3;
    int[] widths = {32, 64, 128};
    long[] ens = {16000, 8000, 4000};
    Agreement.Paired[] runs = new Agreement.Paired[3];
    for (int w = 0; w < 3; w++) {
      runs[w] = run(spec(act, widths[w], depth), inputs(nd), ens[w], 777L + w);
    }
    for (Obs o : new Obs[] {Obs.P, Obs.Q}) {
      for (int a = 0; a < nd * nd * nd * nd; a++) {
        double[] dev = new double[3];
        double[] err = new double[3];
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < 3; w++) {
          Agreement.Paired p = runs[w];
          double meas = p.m(depth).value().get(o).getFlat(a);
          double se = p.m(depth).err().get(o).getFlat(a);
          double th = p.t(depth).theory().get(o).getFlat(a);
          dev[w] = widths[w] * (meas - th);
          err[w] = widths[w] * se;
          sb.append(String.format(" n=%d E=%d: %s=%.4f±%.4f th=%.4f n·dev=%.3f±%.3f;", widths[w], ens[w],
              o, meas, se, th, dev[w], err[w]));
        }
        System.out.println("[dNTK width scan] " + act + " N_D=" + nd + " α="
            + java.util.Arrays.toString(p0(nd).unflat(a)) + sb);
        for (int i = 0; i < 3; i++) {
          for (int j = i + 1; j < 3; j++) {
            double comb = Math.hypot(err[i], err[j]);
            assertTrue(Math.abs(dev[i] - dev[j]) <= 3 * comb, act + " " + o + " component " + a
                + ": n·(measured − theory) differs between widths " + widths[i] + " and " + widths[j]
                + ": " + dev[i] + " vs " + dev[j] + " (±" + comb + ")");
          }
        }
      }
    }
  }

  private static org.rgflow.core.Tensor p0(int nd) {
    return new org.rgflow.core.Tensor(nd, 4);
  }

  /**
   * The mixed components that an earlier Monte Carlo found 2.5–3σ off (docs/THEORY.md §16) at n = 12 and 24
   * (P₀₁₁₀, Q₀₁₀₁, Q₀₁₁₀; tanh, G₀ = [[.6, .3], [.3, .5]], C_b .2, C_W 1.5, λ_b .5, λ_W 1, layer 3):
   * all 16 components of P and Q at n = 96 (ℓ/n = 0.03), E = 6000, within 3 SE (max |z| 2.31; P₀₁₁₀
   * −0.6152 ± 0.0023 vs −0.6168, Q₀₁₀₁ 0.4039 ± 0.0031 vs 0.4034, Q₀₁₁₀ −0.5560 ± 0.0025 vs −0.5565):
   * the index placement is right and the old deviations were the 1/n remainder. (A tighter run, n = 128,
   * L = 4, E = 8000, resolves that remainder: 7 of 128 components at 3.1–4.7 SE with relative offsets
   * of 1–2%, as the width scan's n·(measured − theory) ≈ −1 for tanh predicts; leading-order theory is
   * not tested at that precision.)
   */
  @Tag("slow")
  @Test
  void mixedComponentsAtLargerWidth() {
    double[][] g = {{0.6, 0.3}, {0.3, 0.5}};
    double x11 = Math.sqrt(g[0][0]);
    double x21 = g[0][1] / x11;
    double x22 = Math.sqrt(g[1][1] - x21 * x21);
    double r = Math.sqrt(2);
    Inputs in = new Inputs(new double[][] {{r * x11, 0}, {r * x21, r * x22}});
    NetworkSpec spec = NetworkSpec.uniform(2, 96, 3, Activations.parse("tanh"), 0.2, 1.5, 0.5, 1);
    Agreement.Paired p = run(spec, in, 6000, 4242L);
    Agreement a = new Agreement("dNTK tanh G0=[[.6,.3],[.3,.5]] n=96 L=3 E=6000 k=3", K_SE);
    for (int l = 2; l <= 3; l++) {
      a.check(p, l, Obs.P);
      a.check(p, l, Obs.Q);
    }
    for (int[] c : new int[][] {{0, 1, 1, 0}, {0, 1, 0, 1}}) {
      System.out.printf("[dNTK mixed] layer 3 P%s = %.4f ± %.4f (theory %.4f), Q%s = %.4f ± %.4f (theory %.4f)%n",
          java.util.Arrays.toString(c), p.m(3).value().get(Obs.P).get(c), p.m(3).err().get(Obs.P).get(c),
          p.t(3).theory().get(Obs.P).get(c), java.util.Arrays.toString(c), p.m(3).value().get(Obs.Q).get(c),
          p.m(3).err().get(Obs.Q).get(c), p.t(3).theory().get(Obs.Q).get(c));
    }
    int[] c = {0, 1, 1, 0};
    System.out.printf("[dNTK mixed] layer 3 Q%s = %.4f ± %.4f (theory %.4f)%n", java.util.Arrays.toString(c),
        p.m(3).value().get(Obs.Q).get(c), p.m(3).err().get(Obs.Q).get(c), p.t(3).theory().get(Obs.Q).get(c));
    a.assertAll(64);
  }
}

package org.rgflow.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rgflow.act.Activations;
import org.rgflow.rng.InitRng;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.train.CpuTrainer;
import org.rgflow.train.Dataset;
import org.rgflow.train.Kernels;
import org.rgflow.train.TrainSettings;

/**
 * kernels/train.cu (full-batch gradient descent of E networks, one block each), compiled as C++ by
 * the host harness, against {@link CpuTrainer} network by network after 1, 10 and 100 steps: the
 * outputs at the training and test points, the empirical NTK at the start and at the end, the loss,
 * the steps taken and the fraction of hidden units whose sign flipped.
 *
 * <p><b>Same starting weights</b> ({@link #agreesWithCpuTrainerFromTheSameWeights}): the harness is
 * given CpuTrainer's double initial weights (InitRng × √(C_W/n)), so the two run the same double
 * operations in the same order (the kernel's sums run in CpuTrainer's index order; the harness builds
 * with -ffp-contract=off). For piecewise-linear σ every operation is then the same IEEE operation and
 * the results are bit-identical (asserted); tanh differs by glibc's tanh against Java's (≤ 1 ulp each), which GD
 * propagates: a perturbation δ of the state grows at most like ‖1 − η Θ‖ ≤ 1 per step in the linear
 * regime (η ≤ ½ · 2/θ_max here) plus the O(η) change of Θ, so after T = 100 steps the relative error
 * is ≲ T · (a few ulp) ≈ 1e-13. Tolerance: {@value #EXACT_RTOL} relative to each vector's largest
 * entry (about 400× that), the worst seen is printed.
 *
 * <p><b>Philox initialisation on the device</b> ({@link #philoxInitMatchesTheContract}): rg_train_init
 * draws the weights from the float Gaussians of philox.cuh, within 5e-6 + 2e-6|g| of InitRng's double
 * ones (docs/RANDOMNESS.md §6), checked weight by weight; training from them then agrees with
 * CpuTrainer to {@value #PHILOX_RTOL} after 10 steps (a relative weight perturbation ≤ 5e-6·(1+|g|)
 * moves each z by ≲ 1e-5 relative per layer, which stable GD does not amplify over 10 steps).
 *
 * <p>Shapes: widths 1–3 and 100, N_A = 1 and 8 training points, depth 1–4, E = 5 networks starting
 * at e0 = 3, block sizes that divide nothing (1 thread, 33, 96, 64), tanh and relu/leaky relu.
 */
class CudaTrainOnHostTest {
  static final double EXACT_RTOL = 5e-11;
  static final double PHILOX_RTOL = 1e-4;
  static final long SEED = 0x5eed_1234_abcdL;
  static final int E0 = 3;
  static final int E = 5;
  static final long[] CHECKS = {1, 10, 100};
  static Path bin;

  @BeforeAll
  static void buildHarness() {
    String why = HostHarness.unavailableReason();
    Assumptions.assumeTrue(why == null, () -> "host harness not built: " + why);
    bin = HostHarness.build("train", m -> m);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("relu", 2, new int[] {1, 1}, 1, 33),
        Arguments.of("tanh", 3, new int[] {3, 2, 1}, 8, 64),
        Arguments.of("leaky_relu(0.1)", 2, new int[] {2, 3, 2, 1}, 8, 1),
        Arguments.of("relu", 3, new int[] {100, 1}, 8, 96),
        Arguments.of("tanh", 2, new int[] {100, 3, 1}, 1, 64),
        Arguments.of("linear", 4, new int[] {1}, 8, 32));
  }

  static NetworkSpec spec(String act, int n0, int[] widths) {
    int l = widths.length;
    return new NetworkSpec(n0, widths, Activations.parse(act), fill(0.15, l),
        fill(act.equals("tanh") ? 1.2 : 1.9, l), fill(0.8, l), fill(1.3, l));
  }

  static double[] fill(double v, int n) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  static double eta(NetworkSpec spec, Dataset d) {
    return 0.5 * Kernels.predictions(spec, d).maxStableEta();
  }

  /** CpuTrainer's initial parameters of network e in the kernel's layout. */
  static double[] cpuParams(NetworkSpec spec, TrainLayout lay, long e) {
    double[] p = new double[(int) lay.pStride];
    double[] row = new double[1024];
    for (int l = 1; l <= lay.depth; l++) {
      int nIn = lay.widths[l - 1];
      int off = (int) lay.weightOffset(l);
      double s = Math.sqrt(spec.cw(l) / nIn);
      for (int i = 0; i < lay.widths[l]; i++) {
        InitRng.weightRow(SEED, e, l, i, nIn, row);
        for (int j = 0; j < nIn; j++) {
          p[off + i * nIn + j] = s * row[j];
        }
      }
      InitRng.biases(SEED, e, l, lay.widths[l], row);
      double sb = Math.sqrt(spec.cb(l));
      for (int i = 0; i < lay.widths[l]; i++) {
        p[off + lay.widths[l] * nIn + i] = sb * row[i];
      }
    }
    return p;
  }

  static double[] flat(double[][] x) {
    double[] f = new double[x.length * x[0].length];
    for (int a = 0; a < x.length; a++) {
      System.arraycopy(x[a], 0, f, a * x[0].length, x[0].length);
    }
    return f;
  }

  /**
   * The harness job of CudaTrainer's launch sequence: test forward (z_B(0)), train NTK with signs
   * recorded (z_A(0), Θ(0)), then per check T: steps up to T, train NTK with flips counted, test
   * forward. Outputs "<what><T>" (T = 0 for the start).
   */
  static Map<String, ByteBuffer> runJob(NetworkSpec spec, Dataset d, TrainLayout lay, boolean philoxInit,
      int block, long[] checks, double tol) {
    HostHarness.Job job = new HostHarness.Job().i32("widths", lay.widths)
        .f64("xa", flat(d.xTrain())).f64("y", d.yTrain()).f64("xb", flat(d.xTest()))
        .f64("lrW", lay.lrW).f64("lrB", lay.lrB).f64("lamWn", lay.lamWn).f64("lamB", lay.lamB)
        .f64("sw", lay.sw).f64("sb", lay.sb)
        .alloc("work", "f64", lay.wStride * E).alloc("signs", "i32", lay.sStride * E)
        .i32("status", new int[E]).zero("steps", "i64", E);
    if (philoxInit) {
      job.alloc("params", "f64", lay.pStride * E).launch("rg_train_init", String.valueOf(E), block, 0,
          HostHarness.Arg.i32(lay.depth), HostHarness.Arg.buf("widths"), HostHarness.Arg.buf("sw"),
          HostHarness.Arg.buf("sb"), HostHarness.Arg.u32((int) SEED), HostHarness.Arg.u32((int) (SEED >>> 32)),
          HostHarness.Arg.u32(E0), HostHarness.Arg.buf("params"), HostHarness.Arg.i64(lay.pStride))
          .dump("params");
    } else {
      double[] p = new double[(int) lay.pStride * E];
      for (int k = 0; k < E; k++) {
        System.arraycopy(cpuParams(spec, lay, E0 + k), 0, p, k * (int) lay.pStride, (int) lay.pStride);
      }
      job.f64("params", p);
    }
    long done = 0;
    for (int c = 0; c <= checks.length; c++) {
      long t = c == 0 ? 0 : checks[c - 1];
      if (t > done) {
        job.launch("rg_train_steps", String.valueOf(E), block, 0, HostHarness.Arg.i32(lay.depth),
            HostHarness.Arg.buf("widths"), HostHarness.Arg.i32(lay.npts), HostHarness.Arg.buf("xa"),
            HostHarness.Arg.buf("y"), HostHarness.Arg.i32(lay.na), HostHarness.Arg.buf("params"),
            HostHarness.Arg.i64(lay.pStride), HostHarness.Arg.buf("lrW"), HostHarness.Arg.buf("lrB"),
            HostHarness.Arg.i32(lay.act), HostHarness.Arg.f64(lay.actA), HostHarness.Arg.f64(lay.actB),
            HostHarness.Arg.buf("work"), HostHarness.Arg.i64(lay.wStride), HostHarness.Arg.i32((int) (t - done)),
            HostHarness.Arg.f64(tol), HostHarness.Arg.buf("status"), HostHarness.Arg.buf("steps"),
            HostHarness.Arg.buf("lossS"));
        done = t;
      }
      if (c == 0) {
        job.alloc("lossS", "f64", E);
      }
      job.alloc("za" + t, "f64", (long) E * lay.na).alloc("loss" + t, "f64", E)
          .alloc("ntk" + t, "f64", (long) E * lay.na * lay.na).alloc("zb" + t, "f64", (long) E * lay.nb)
          .alloc("fl" + t, "i32", E);
      job.launch("rg_train_ntk", String.valueOf(E), block, 0, HostHarness.Arg.i32(lay.depth),
          HostHarness.Arg.buf("widths"), HostHarness.Arg.i32(lay.npts), HostHarness.Arg.buf("xa"),
          HostHarness.Arg.buf("y"), HostHarness.Arg.i32(lay.na), HostHarness.Arg.buf("params"),
          HostHarness.Arg.i64(lay.pStride), HostHarness.Arg.buf("lamWn"), HostHarness.Arg.buf("lamB"),
          HostHarness.Arg.i32(lay.act), HostHarness.Arg.f64(lay.actA), HostHarness.Arg.f64(lay.actB),
          HostHarness.Arg.buf("work"), HostHarness.Arg.i64(lay.wStride), HostHarness.Arg.buf("za" + t),
          HostHarness.Arg.buf("loss" + t), HostHarness.Arg.buf("ntk" + t), HostHarness.Arg.buf("signs"),
          HostHarness.Arg.i64(lay.sStride), HostHarness.Arg.i32(c == 0 ? 1 : 2), HostHarness.Arg.buf("fl" + t));
      job.launch("rg_train_forward", String.valueOf(E), block, 0, HostHarness.Arg.i32(lay.depth),
          HostHarness.Arg.buf("widths"), HostHarness.Arg.i32(lay.npts), HostHarness.Arg.buf("xb"),
          HostHarness.Arg.i32(lay.nb), HostHarness.Arg.buf("params"), HostHarness.Arg.i64(lay.pStride),
          HostHarness.Arg.i32(lay.act), HostHarness.Arg.f64(lay.actA), HostHarness.Arg.f64(lay.actB),
          HostHarness.Arg.buf("work"), HostHarness.Arg.i64(lay.wStride), HostHarness.Arg.buf("zb" + t),
          HostHarness.Arg.buf("signs"), HostHarness.Arg.i64(lay.sStride), HostHarness.Arg.i32(0),
          HostHarness.Arg.buf("fl" + t));
      job.dump("za" + t, "loss" + t, "ntk" + t, "zb" + t, "fl" + t);
    }
    job.dump("steps", "status");
    return job.run(bin);
  }

  /** max_i |got_i − want_i| / max_i |want_i| (0/0 = 0). */
  static double rel(double[] got, int off, double[] want) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < want.length; i++) {
      num = Math.max(num, Math.abs(got[off + i] - want[i]));
      den = Math.max(den, Math.abs(want[i]));
    }
    return num == 0 ? 0 : num / den;
  }

  /**
   * The loss compared as the residual norm √(2L) = ‖z_A − y‖ against the scale of the outputs and
   * labels (a converged loss is tiny, so its own relative error means nothing).
   */
  static double lossErr(double got, CpuTrainer.Outcome o, double[] y) {
    double scale = 0;
    for (int a = 0; a < y.length; a++) {
      scale = Math.max(scale, Math.max(Math.abs(y[a]), Math.abs(o.zTrainT()[a])));
    }
    double d = Math.abs(Math.sqrt(2 * got) - Math.sqrt(2 * o.loss()));
    return d == 0 ? 0 : d / scale;
  }

  static long[] longs(ByteBuffer b) {
    long[] v = new long[b.remaining() / 8];
    b.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
    return v;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void agreesWithCpuTrainerFromTheSameWeights(String act, int n0, int[] widths, int na, int block) {
    double worst = check(act, n0, widths, na, block, false, CHECKS, EXACT_RTOL, 0);
    if (spec(act, n0, widths).activation().scaleInvariantSlopes() != null) {
      assertEquals(0.0, worst, "piecewise-linear sigma: the same IEEE operations, bit-identical results");
    }
    System.out.printf(Locale.ROOT, "train %s n0=%d widths=%s N_A=%d block=%d: worst relative error %.2e%n",
        act, n0, java.util.Arrays.toString(widths), na, block, worst);
  }

  @Test
  void philoxInitMatchesTheContract() {
    double worst = check("tanh", 3, new int[] {100, 3, 1}, 8, 64, true, new long[] {10}, PHILOX_RTOL, 0);
    double worst2 = check("relu", 2, new int[] {2, 1}, 1, 33, true, new long[] {10}, PHILOX_RTOL, 0);
    System.out.printf(Locale.ROOT, "train (Philox init on the device): worst relative error %.2e, %.2e%n",
        worst, worst2);
  }

  /**
   * --tol: networks stop once their loss is ≤ tol (here between the loss after 10 and after 100 of
   * the 150 steps, so they stop at different steps); the steps taken, the status and the outputs at
   * the stop agree with CpuTrainer's, bit for bit for relu.
   */
  @Test
  void stopsAtTheLossToleranceAsTheCpu() {
    String act = "relu";
    int[] widths = {3, 3, 1};
    NetworkSpec spec = spec(act, 2, widths);
    Dataset d = Dataset.builtin(2, 8);
    double eta = eta(spec, d);
    double[][] zeros = new double[d.testCount()][8];
    CpuTrainer.Outcome o10 = new CpuTrainer(spec, d, new TrainSettings(eta, 10, 0, E0 + E, SEED, 1), zeros)
        .trainOne(E0);
    CpuTrainer.Outcome o100 = new CpuTrainer(spec, d, new TrainSettings(eta, 100, 0, E0 + E, SEED, 1), zeros)
        .trainOne(E0);
    double tol = Math.sqrt(o10.loss() * o100.loss());
    double worst = check(act, 2, widths, 8, 32, false, new long[] {150}, EXACT_RTOL, tol);
    assertEquals(0.0, worst, "relu: bit-identical");
  }

  static double check(String act, int n0, int[] widths, int na, int block, boolean philox, long[] checks,
      double rtol, double tol) {
    NetworkSpec spec = spec(act, n0, widths);
    Dataset d = Dataset.builtin(n0, na);
    double eta = eta(spec, d);
    TrainLayout lay = new TrainLayout(spec, na, d.testCount(), eta);
    Map<String, ByteBuffer> out = runJob(spec, d, lay, philox, block, checks, tol);
    if (philox) {
      double[] p = HostHarness.doubles(out.get("params"));
      for (int k = 0; k < E; k++) {
        double[] want = cpuParams(spec, lay, E0 + k);
        for (int l = 1; l <= lay.depth; l++) {
          int off = (int) lay.weightOffset(l);
          int nw = lay.widths[l] * lay.widths[l - 1];
          for (int q = 0; q < nw + lay.widths[l]; q++) {
            double s = q < nw ? lay.sw[l] : lay.sb[l];
            double g = want[off + q] / s;
            double got = p[k * (int) lay.pStride + off + q];
            assertTrue(Math.abs(got - want[off + q]) <= s * (5e-6 + 2e-6 * Math.abs(g)),
                "network " + (E0 + k) + " layer " + l + " parameter " + q + ": " + got + " vs " + want[off + q]);
          }
        }
      }
    }
    double[][] zeros = new double[d.testCount()][na];
    double worst = 0;
    long[] cpuSteps = new long[E];
    for (long t : checks) {
      CpuTrainer cpu = new CpuTrainer(spec, d, new TrainSettings(eta, t, tol, E0 + E, SEED, 1), zeros);
      double[] za = HostHarness.doubles(out.get("za" + t));
      double[] zb = HostHarness.doubles(out.get("zb" + t));
      double[] ntk = HostHarness.doubles(out.get("ntk" + t));
      double[] loss = HostHarness.doubles(out.get("loss" + t));
      double[] za0 = HostHarness.doubles(out.get("za0"));
      double[] zb0 = HostHarness.doubles(out.get("zb0"));
      double[] ntk0 = HostHarness.doubles(out.get("ntk0"));
      int[] flips = HostHarness.ints(out.get("fl" + t));
      for (int k = 0; k < E; k++) {
        CpuTrainer.Outcome o = cpu.trainOne(E0 + k);
        String where = String.format(Locale.ROOT, "%s widths=%s N_A=%d e=%d T=%d", act,
            java.util.Arrays.toString(widths), na, E0 + k, t);
        double[] errs = {rel(za0, k * na, o.zTrain0()), rel(zb0, k * lay.nb, o.zTest0()),
            rel(ntk0, k * na * na, flat(o.ntk0())), rel(za, k * na, o.zTrainT()),
            rel(zb, k * lay.nb, o.zTestT()), rel(ntk, k * na * na, flat(o.ntkT())),
            lossErr(loss[k], o, d.yTrain())};
        String[] names = {"z_A(0)", "z_B(0)", "NTK(0)", "z_A(T)", "z_B(T)", "NTK(T)", "loss"};
        for (int i = 0; i < errs.length; i++) {
          worst = Math.max(worst, errs[i]);
          assertTrue(errs[i] <= rtol, where + " " + names[i] + ": relative error " + errs[i] + " > " + rtol);
        }
        if (tol == 0) {
          assertEquals(t, o.steps(), where);
        }
        cpuSteps[k] = o.steps();
        if (!philox) {
          long pairs = lay.signPairs();
          assertEquals(o.signFlips(), pairs == 0 ? 0 : (double) flips[k] / pairs, 0, where + " sign flips");
        }
      }
    }
    long[] steps = longs(out.get("steps"));
    int[] status = HostHarness.ints(out.get("status"));
    for (int k = 0; k < E; k++) {
      boolean stopped = cpuSteps[k] < checks[checks.length - 1];
      assertEquals(stopped ? 1 : 0, status[k], "network " + (E0 + k) + " status");
      assertEquals(cpuSteps[k], steps[k], "network " + (E0 + k) + " steps taken");
    }
    if (tol > 0) {
      System.out.println("train --tol " + tol + ": steps taken " + java.util.Arrays.toString(cpuSteps));
      assertTrue(java.util.Arrays.stream(cpuSteps).anyMatch(x -> x < checks[checks.length - 1]),
          "no network stopped early: the case does not test --tol");
    }
    return worst;
  }
}

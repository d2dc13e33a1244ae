package org.rgflow.opencl;

import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;
import org.rgflow.act.DeviceActivations;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.rng.InitRng;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.train.CpuTrainer;
import org.rgflow.train.Dataset;
import org.rgflow.train.TrainResult;
import org.rgflow.train.TrainSettings;
import org.rgflow.train.TrainingDivergenceException;

/**
 * {@code rgflow train --backend opencl}: the E networks trained by {@link ClTrainKernel} (one
 * work-item per network, double precision, CpuTrainer's operations in CpuTrainer's order), a launch
 * of up to {@link #MAX_LAUNCH} networks; per network the same {@link CpuTrainer.Outcome}, reduced by
 * {@link CpuTrainer#reduction()} in network order. The initial parameters are CpuTrainer's own
 * (InitRng in double on the host, uploaded), so a network differs from CpuTrainer's only by the
 * device compiler's rounding (contracted multiply-adds, its exp): ClTrainerTest bounds it.
 * The launch sequence is CudaTrainer's (test forward, train NTK recording signs, steps to each
 * checkpoint with a test forward there, train NTK counting flips, test forward).
 */
public final class ClTrainer {
  static final int MAX_LAUNCH = 1024;
  static final int STEPS_PER_LAUNCH = 1000;

  private final CpuTrainer reference;
  private final NetworkSpec spec;
  private final Dataset data;
  private final TrainSettings settings;
  private String deviceName = "";
  private int launches;

  public ClTrainer(NetworkSpec spec, Dataset data, TrainSettings settings, double[][] testMap) {
    this.reference = new CpuTrainer(spec, data, settings, testMap);
    if (!spec.allDense()) {
      throw new SpecException("--backend", "the opencl trainer implements dense layers only; use --backend cpu");
    }
    DeviceActivations.Code c = DeviceActivations.of(spec.activation());
    if (c == null || !(c.code() == ClTrainKernel.ACT_PIECEWISE_LINEAR || c.code() == ClTrainKernel.ACT_TANH
        || c.code() == ClTrainKernel.ACT_SIN || c.code() == ClTrainKernel.ACT_SIGMOID
        || c.code() == ClTrainKernel.ACT_SOFTPLUS || c.code() == ClTrainKernel.ACT_SWISH)) {
      throw new SpecException("--act", "the opencl trainer has linear, relu, leaky_relu, tanh, sin,"
          + " sigmoid, softplus and swish; use --backend cpu for " + spec.activation().name());
    }
    if (settings.steps() > Integer.MAX_VALUE) {
      throw new SpecException("--steps", "the opencl trainer counts steps in 32 bits");
    }
    this.spec = spec;
    this.data = data;
    this.settings = settings;
  }

  /** Why the OpenCL trainer cannot run here, or null (an OpenCL device answers). */
  public static String unavailable() {
    ClProbe p = ClProbe.run();
    return p.available() ? null : p.reason();
  }

  public String note() {
    return "backend opencl: ClTrainKernel (fp64, one work-item per network) device=" + deviceName
        + " launches=" + launches + "; initial parameters CpuTrainer's (InitRng on the host)";
  }

  public TrainResult run(ProgressListener progress) {
    ClProbe probe = ClProbe.run();
    if (!probe.available()) {
      throw new SpecException("--backend", "opencl unavailable: " + probe.reason());
    }
    OpenCLDevice dev = ClProbe.bestDevice();
    deviceName = dev.getName();
    CpuTrainer.Reduction red = reference.reduction();
    long e = settings.ensemble();
    int cap = (int) Math.min(MAX_LAUNCH, e);
    ClTrainKernel k = kernel(cap);
    try {
      compile(k, dev);
      long done = 0;
      while (done < e) {
        int c = (int) Math.min(cap, e - done);
        CpuTrainer.Outcome[] out = batch(k, dev, done, c);
        for (int i = 0; i < c; i++) {
          red.add(done + i, out[i]);
        }
        done += c;
        progress.progress(done, e);
      }
    } finally {
      k.dispose();
    }
    return red.result();
  }

  /** Networks [first, first + count) as outcomes, one launch (network-by-network checks). */
  CpuTrainer.Outcome[] networks(long first, int count) {
    ClProbe probe = ClProbe.run();
    if (!probe.available()) {
      throw new SpecException("--backend", "opencl unavailable: " + probe.reason());
    }
    OpenCLDevice dev = ClProbe.bestDevice();
    deviceName = dev.getName();
    ClTrainKernel k = kernel(count);
    try {
      compile(k, dev);
      return batch(k, dev, first, count);
    } finally {
      k.dispose();
    }
  }

  private void compile(ClTrainKernel k, OpenCLDevice dev) {
    try {
      k.compile(dev);
    } catch (Exception ex) {
      throw new IllegalStateException("OpenCL compile of the trainer failed on " + deviceName + ": "
          + ex.getMessage(), ex);
    }
  }

  private ClTrainKernel kernel(int cap) {
    ClTrainKernel k = new ClTrainKernel();
    int depth = spec.depth();
    k.depth = depth;
    k.n0 = spec.n0();
    k.na = data.trainCount();
    k.nb = data.testCount();
    k.npts = Math.max(k.na, k.nb);
    k.widths = new int[depth + 1];
    k.lrW = new double[depth + 1];
    k.lrB = new double[depth + 1];
    k.lamWn = new double[depth + 1];
    k.lamB = new double[depth + 1];
    long p = 0;
    long w = 0;
    long s = 0;
    int maxW = 1;
    for (int l = 0; l <= depth; l++) {
      k.widths[l] = spec.width(l);
      if (l >= 1) {
        maxW = Math.max(maxW, k.widths[l]);
        p += (long) k.widths[l] * (k.widths[l - 1] + 1);
        if (l < depth) {
          w += 2L * k.npts * k.widths[l];
          s += (long) k.na * k.widths[l];
        }
        k.lrW[l] = settings.eta() * spec.lambdaW(l) / k.widths[l - 1];
        k.lrB[l] = settings.eta() * spec.lambdaB(l);
        k.lamWn[l] = spec.lambdaW(l) / k.widths[l - 1];
        k.lamB[l] = spec.lambdaB(l);
      }
    }
    w += 2L * k.npts + 2L * k.npts * maxW;
    s = Math.max(1, s);
    if ((p + w) * cap > Integer.MAX_VALUE - 8 || s * cap > Integer.MAX_VALUE - 8) {
      throw new SpecException("--width", "one launch of the opencl trainer would exceed int offsets");
    }
    k.maxW = maxW;
    k.pStride = (int) p;
    k.wStride = (int) w;
    k.sStride = (int) s;
    DeviceActivations.Code c = DeviceActivations.of(spec.activation());
    k.act = c.code();
    k.actA = c.a();
    k.actB = c.b();
    k.tol = settings.tol();
    k.ctl = new int[4];
    k.xa = flat(data.xTrain());
    k.xb = flat(data.xTest());
    k.y = data.yTrain().clone();
    k.params = new double[k.pStride * cap];
    k.work = new double[k.wStride * cap];
    k.outA = new double[k.na * cap];
    k.outB = new double[k.nb * cap];
    k.loss = new double[cap];
    k.lossS = new double[cap];
    k.ntk = new double[k.na * k.na * cap];
    k.signs = new int[k.sStride * cap];
    k.flips = new int[cap];
    k.status = new int[cap];
    k.steps = new int[cap];
    return k;
  }

  private double[] flat(double[][] x) {
    int n0 = spec.n0();
    double[] f = new double[x.length * n0];
    for (int a = 0; a < x.length; a++) {
      System.arraycopy(x[a], 0, f, a * n0, n0);
    }
    return f;
  }

  /** CpuTrainer's initial parameters of network e at params[g·pStride ..] (CpuTrainer.init's loop). */
  private void init(ClTrainKernel k, int g, long e) {
    double[] row = new double[Math.max(spec.n0(), k.maxW) + 4];
    int off = g * k.pStride;
    for (int l = 1; l <= k.depth; l++) {
      int nIn = k.widths[l - 1];
      double sw = Math.sqrt(spec.cw(l) / nIn);
      for (int i = 0; i < k.widths[l]; i++) {
        InitRng.weightRow(settings.seed(), e, l, i, nIn, row);
        for (int j = 0; j < nIn; j++) {
          k.params[off + i * nIn + j] = sw * row[j];
        }
      }
      off += k.widths[l] * nIn;
      InitRng.biases(settings.seed(), e, l, k.widths[l], row);
      double sb = Math.sqrt(spec.cb(l));
      for (int i = 0; i < k.widths[l]; i++) {
        k.params[off + i] = sb * row[i];
      }
      off += k.widths[l];
    }
  }

  private void exec(ClTrainKernel k, OpenCLDevice dev, int mode, int count, int nsteps, int signMode) {
    k.ctl[0] = mode;
    k.ctl[1] = count;
    k.ctl[2] = nsteps;
    k.ctl[3] = signMode;
    k.execute(Range.create(dev, count));
    if (!k.isRunningCL()) {
      throw new IllegalStateException("Aparapi fell back from OpenCL running the trainer on " + deviceName);
    }
  }

  private double[] rowOf(double[] f, int g, int n) {
    double[] r = new double[n];
    System.arraycopy(f, g * n, r, 0, n);
    return r;
  }

  private double[][] ntkOf(ClTrainKernel k, int g) {
    int na = k.na;
    double[][] m = new double[na][na];
    for (int a = 0; a < na; a++) {
      System.arraycopy(k.ntk, (g * na + a) * na, m[a], 0, na);
    }
    return m;
  }

  CpuTrainer.Outcome[] batch(ClTrainKernel k, OpenCLDevice dev, long first, int count) {
    for (int g = 0; g < count; g++) {
      init(k, g, first + g);
      k.status[g] = 0;
      k.steps[g] = 0;
    }
    exec(k, dev, 0, count, 0, 0);
    double[][] zb0 = new double[count][];
    for (int g = 0; g < count; g++) {
      zb0[g] = rowOf(k.outB, g, k.nb);
    }
    exec(k, dev, 1, count, 0, 1);
    double[][] za0 = new double[count][];
    double[][][] ntk0 = new double[count][][];
    for (int g = 0; g < count; g++) {
      za0[g] = rowOf(k.outA, g, k.na);
      ntk0[g] = ntkOf(k, g);
    }
    long[] cks = settings.checkpoints();
    double[][][] at = new double[count][cks.length][];
    long done = 0;
    for (int c = 0; c <= cks.length; c++) {
      long target = c < cks.length ? cks[c] : settings.steps();
      while (done < target) {
        int n = (int) Math.min(STEPS_PER_LAUNCH, target - done);
        exec(k, dev, 2, count, n, 0);
        done += n;
      }
      if (c < cks.length) {
        if (target > 0) {
          exec(k, dev, 0, count, 0, 0);
        }
        for (int g = 0; g < count; g++) {
          at[g][c] = target == 0 ? zb0[g].clone() : rowOf(k.outB, g, k.nb);
        }
      }
    }
    exec(k, dev, 1, count, 0, 2);
    double[][] za = new double[count][];
    double[][][] ntkT = new double[count][][];
    double[] loss = new double[count];
    int[] flips = new int[count];
    for (int g = 0; g < count; g++) {
      za[g] = rowOf(k.outA, g, k.na);
      ntkT[g] = ntkOf(k, g);
      loss[g] = k.loss[g];
      flips[g] = k.flips[g];
    }
    exec(k, dev, 0, count, 0, 0);
    launches++;
    long pairs = 0;
    for (int l = 1; l < k.depth; l++) {
      pairs += (long) k.na * k.widths[l];
    }
    CpuTrainer.Outcome[] out = new CpuTrainer.Outcome[count];
    for (int g = 0; g < count; g++) {
      if (k.status[g] == 2 || !(loss[g] < ClTrainKernel.OVERFLOW)) {
        throw new TrainingDivergenceException(first + g, k.steps[g]);
      }
      double[] zb = rowOf(k.outB, g, k.nb);
      for (int c = 0; c < cks.length; c++) {
        if (cks[c] > k.steps[g]) {
          at[g][c] = zb.clone();
        }
      }
      out[g] = new CpuTrainer.Outcome(za0[g], zb0[g], za[g], zb, ntk0[g], ntkT[g], k.steps[g], loss[g],
          at[g], pairs == 0 ? 0 : (double) flips[g] / pairs);
    }
    return out;
  }
}

package org.rgflow.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.rgflow.core.Limits;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.train.CpuTrainer;
import org.rgflow.train.Dataset;
import org.rgflow.train.TrainResult;
import org.rgflow.train.TrainSettings;
import org.rgflow.train.TrainingDivergenceException;

/**
 * {@code rgflow train --backend cuda}: the E networks trained by kernels/train.cu (one thread block
 * per network, double precision, CpuTrainer's initialisation contract and step tensor), a launch of
 * up to {@link #MAX_LAUNCH} networks at a time; per network the same {@link CpuTrainer.Outcome}
 * (outputs at the start, at every checkpoint and at the end, the train NTK at the start and the end,
 * loss, steps, sign flips), reduced by {@link CpuTrainer#reduction()} in network order.
 *
 * <p>Launch sequence per batch (the one CudaTrainOnHostTest runs in the host harness against
 * CpuTrainer): rg_train_init; rg_train_forward on the test points (z_B(0)); rg_train_ntk with the
 * hidden signs recorded (z_A(0), Θ̂(0)); then rg_train_steps up to each checkpoint (at most
 * {@value #STEPS_PER_LAUNCH} steps a launch) with rg_train_forward on the test points there; at the
 * end rg_train_ntk counting sign flips (z_A(T), loss, Θ̂(T)) and the test forward (z_B(T)).
 *
 * <p>Differences from CpuTrainer: the initial weights come from the device's float Box–Muller
 * Gaussians (within 5e-6 + 2e-6|g| of InitRng's, docs/RANDOMNESS.md §6), so a network agrees with
 * CpuTrainer's to ~1e-7 relative, not bit for bit (from CpuTrainer's own weights the kernels agree
 * bit for bit for piecewise-linear σ in the host harness). This host class has never run on a GPU
 * (none was available where it was written): its argument lists are the ones the host-harness test
 * passes, and it follows {@link CudaExactEnsemble}'s loading and release rules.
 */
public final class CudaTrainer {
  static final String SOURCE = "train";
  static final int THREADS = 256;
  static final int MAX_LAUNCH = 1 << 14;
  static final int STEPS_PER_LAUNCH = 1000;

  private final CpuTrainer reference;
  private final NetworkSpec spec;
  private final Dataset data;
  private final TrainSettings settings;
  private final TrainLayout lay;
  private String deviceName = "";
  private String loadedFrom = "";
  private int launches;
  private int capacity;

  /** As {@link CpuTrainer}'s constructor (the same checks), plus the activation's kernel code. */
  public CudaTrainer(NetworkSpec spec, Dataset data, TrainSettings settings, double[][] testMap) {
    this.reference = new CpuTrainer(spec, data, settings, testMap);
    if (!spec.allDense()) {
      throw new SpecException("--backend", "the cuda trainer implements dense layers only; use --backend cpu");
    }
    try {
      this.lay = new TrainLayout(spec, data.trainCount(), data.testCount(), settings.eta());
    } catch (UnsupportedOperationException ex) {
      throw new SpecException("--backend", ex.getMessage());
    }
    this.spec = spec;
    this.data = data;
    this.settings = settings;
  }

  /** One line for the record: where it ran, how the kernels were loaded, the launch size. */
  public String note() {
    return "backend cuda: kernels/train.cu (fp64, one block per network) device=" + deviceName
        + " kernels=" + loadedFrom + " launchSize=" + capacity + " launches=" + launches
        + "; initial weights from the device's float Gaussians (within 5e-6 + 2e-6|g| of the cpu's)";
  }

  /** Trains the E networks; the reduction is CpuTrainer's. */
  public TrainResult run(ProgressListener progress) {
    CpuTrainer.Reduction red = reference.reduction();
    long e = settings.ensemble();
    try (Session s = new Session(e)) {
      long done = 0;
      while (done < e) {
        int c = (int) Math.min(s.cap, e - done);
        CpuTrainer.Outcome[] out = s.batch(done, c);
        for (int k = 0; k < c; k++) {
          red.add(done + k, out[k]);
        }
        done += c;
        progress.progress(done, e);
      }
    }
    return red.result();
  }

  /** Networks [first, first + count) as outcomes (network-by-network checks on a GPU). */
  CpuTrainer.Outcome[] networks(long first, int count) {
    try (Session s = new Session(count)) {
      CpuTrainer.Outcome[] out = new CpuTrainer.Outcome[count];
      int done = 0;
      while (done < count) {
        int c = Math.min(s.cap, count - done);
        System.arraycopy(s.batch(first + done, c), 0, out, done, c);
        done += c;
      }
      return out;
    }
  }

  private static Pointer i(int v) {
    return Pointer.to(new int[] {v});
  }

  private static Pointer l(long v) {
    return Pointer.to(new long[] {v});
  }

  private static Pointer d(double v) {
    return Pointer.to(new double[] {v});
  }

  /** Context, module, buffers for one run (released by close, also after a failure). */
  private final class Session implements AutoCloseable {
    final List<CUdeviceptr> allocations = new ArrayList<>();
    CUdevice device;
    CUcontext context;
    boolean retained;
    CUmodule module;
    CUfunction fInit;
    CUfunction fForward;
    CUfunction fSteps;
    CUfunction fNtk;
    final int cap;
    CUdeviceptr dWidths;
    CUdeviceptr dXa;
    CUdeviceptr dY;
    CUdeviceptr dXb;
    CUdeviceptr dLrW;
    CUdeviceptr dLrB;
    CUdeviceptr dLamWn;
    CUdeviceptr dLamB;
    CUdeviceptr dSw;
    CUdeviceptr dSb;
    CUdeviceptr dParams;
    CUdeviceptr dWork;
    CUdeviceptr dSigns;
    CUdeviceptr dFlips;
    CUdeviceptr dStatus;
    CUdeviceptr dSteps;
    CUdeviceptr dLossS;
    CUdeviceptr dLoss;
    CUdeviceptr dOutA;
    CUdeviceptr dOutB;
    CUdeviceptr dNtk;

    Session(long networks) {
      try {
        open();
        long[] free = new long[1];
        long[] total = new long[1];
        CudaEnsemble.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        int na = lay.na;
        long perNet = 8 * (lay.pStride + lay.wStride + 2 + na + lay.nb + (long) na * na) + 4 * lay.sStride + 16;
        long c = Math.max(1, Math.min(MAX_LAUNCH, free[0] / 2 / perNet));
        cap = (int) Math.min(c, networks);
        if ((long) cap * perNet > free[0]) {
          throw new IllegalStateException("a launch of " + cap + " networks needs " + cap * perNet
              + " bytes of device memory, " + free[0] + " free");
        }
        capacity = cap;
        allocate();
      } catch (RuntimeException | Error ex) {
        close();
        throw ex;
      }
    }

    private void open() {
      CudaEnsemble.check(JCudaDriver.cuInit(0), "cuInit");
      int[] v = new int[1];
      CudaEnsemble.check(JCudaDriver.cuDriverGetVersion(v), "cuDriverGetVersion");
      int ordinal = Integer.getInteger("rgflow.cuda.device", 0);
      device = new CUdevice();
      CudaEnsemble.check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
      CudaProbe.Device dv = CudaProbe.describe(ordinal, device);
      deviceName = dv.name() + " (cc " + dv.major() + "." + dv.minor() + ")";
      context = new CUcontext();
      CudaEnsemble.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
      retained = true;
      CudaEnsemble.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
      CUmodule mod = new CUmodule();
      if (v[0] >= CudaProbe.PTX_DRIVER) {
        CudaEnsemble.check(JCudaDriver.cuModuleLoadData(mod, CudaEnsemble.ptx(SOURCE)), "cuModuleLoadData(train PTX)");
        loadedFrom = "ptx";
      } else {
        try {
          CudaEnsemble.check(JCudaDriver.cuModuleLoadData(mod,
              CudaEnsemble.nvrtcCompile(SOURCE, dv.major() * 10 + dv.minor())), "cuModuleLoadData");
        } catch (RuntimeException | UnsatisfiedLinkError | NoClassDefFoundError ex) {
          throw new IllegalStateException("CUDA driver " + CudaProbe.versionString(v[0])
              + " is older than 13.0 and cannot load the shipped PTX; run-time compilation failed: "
              + CudaProbe.firstLine(ex), ex);
        }
        loadedFrom = "nvrtc";
      }
      module = mod;
      fInit = function("rg_train_init");
      fForward = function("rg_train_forward");
      fSteps = function("rg_train_steps");
      fNtk = function("rg_train_ntk");
    }

    private CUfunction function(String name) {
      CUfunction f = new CUfunction();
      CudaEnsemble.check(JCudaDriver.cuModuleGetFunction(f, module, name), "get " + name);
      return f;
    }

    private CUdeviceptr alloc(long bytes) {
      CUdeviceptr p = new CUdeviceptr();
      CudaEnsemble.check(JCudaDriver.cuMemAlloc(p, Math.max(bytes, 8)), "cuMemAlloc(" + bytes + " bytes)");
      allocations.add(p);
      return p;
    }

    private CUdeviceptr upload(double[] v) {
      CUdeviceptr p = alloc(8L * v.length);
      CudaEnsemble.check(JCudaDriver.cuMemcpyHtoD(p, Pointer.to(v), 8L * v.length), "cuMemcpyHtoD");
      return p;
    }

    private double[] flat(double[][] x) {
      int n0 = spec.n0();
      double[] f = new double[x.length * n0];
      for (int a = 0; a < x.length; a++) {
        System.arraycopy(x[a], 0, f, a * n0, n0);
      }
      return f;
    }

    private void allocate() {
      dWidths = alloc(4L * lay.widths.length);
      CudaEnsemble.check(JCudaDriver.cuMemcpyHtoD(dWidths, Pointer.to(lay.widths), 4L * lay.widths.length),
          "cuMemcpyHtoD");
      dXa = upload(flat(data.xTrain()));
      dY = upload(data.yTrain());
      dXb = upload(flat(data.xTest()));
      dLrW = upload(lay.lrW);
      dLrB = upload(lay.lrB);
      dLamWn = upload(lay.lamWn);
      dLamB = upload(lay.lamB);
      dSw = upload(lay.sw);
      dSb = upload(lay.sb);
      dParams = alloc(8 * lay.pStride * cap);
      dWork = alloc(8 * lay.wStride * cap);
      dSigns = alloc(4 * lay.sStride * cap);
      dFlips = alloc(4L * cap);
      dStatus = alloc(4L * cap);
      dSteps = alloc(8L * cap);
      dLossS = alloc(8L * cap);
      dLoss = alloc(8L * cap);
      dOutA = alloc(8L * lay.na * cap);
      dOutB = alloc(8L * lay.nb * cap);
      dNtk = alloc(8L * lay.na * lay.na * cap);
    }

    private void launch(CUfunction f, String name, int count, Pointer args) {
      CudaEnsemble.check(JCudaDriver.cuLaunchKernel(f, count, 1, 1, THREADS, 1, 1, 0, null, args, null),
          "cuLaunchKernel(" + name + ")");
    }

    /** z_B of the batch's networks ([k][β]), the arguments CudaTrainOnHostTest passes. */
    private double[][] forwardTest(int count) {
      launch(fForward, "rg_train_forward", count, Pointer.to(i(lay.depth), Pointer.to(dWidths), i(lay.npts),
          Pointer.to(dXb), i(lay.nb), Pointer.to(dParams), l(lay.pStride), i(lay.act), d(lay.actA),
          d(lay.actB), Pointer.to(dWork), l(lay.wStride), Pointer.to(dOutB), Pointer.to(dSigns),
          l(lay.sStride), i(0), Pointer.to(dFlips)));
      return rows(copy(dOutB, count * lay.nb), count, lay.nb);
    }

    private double[] copy(CUdeviceptr p, int n) {
      double[] h = new double[n];
      CudaEnsemble.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(h), p, 8L * n), "cuMemcpyDtoH");
      return h;
    }

    private double[][] rows(double[] f, int count, int n) {
      double[][] r = new double[count][n];
      for (int k = 0; k < count; k++) {
        System.arraycopy(f, k * n, r[k], 0, n);
      }
      return r;
    }

    /** z_A, loss and Θ̂ of the batch (signMode 1: record the hidden signs; 2: count their flips). */
    private void ntk(int count, int signMode) {
      launch(fNtk, "rg_train_ntk", count, Pointer.to(i(lay.depth), Pointer.to(dWidths), i(lay.npts),
          Pointer.to(dXa), Pointer.to(dY), i(lay.na), Pointer.to(dParams), l(lay.pStride),
          Pointer.to(dLamWn), Pointer.to(dLamB), i(lay.act), d(lay.actA), d(lay.actB), Pointer.to(dWork),
          l(lay.wStride), Pointer.to(dOutA), Pointer.to(dLoss), Pointer.to(dNtk), Pointer.to(dSigns),
          l(lay.sStride), i(signMode), Pointer.to(dFlips)));
    }

    private void steps(int count, int n) {
      launch(fSteps, "rg_train_steps", count, Pointer.to(i(lay.depth), Pointer.to(dWidths), i(lay.npts),
          Pointer.to(dXa), Pointer.to(dY), i(lay.na), Pointer.to(dParams), l(lay.pStride), Pointer.to(dLrW),
          Pointer.to(dLrB), i(lay.act), d(lay.actA), d(lay.actB), Pointer.to(dWork), l(lay.wStride), i(n),
          d(settings.tol()), Pointer.to(dStatus), Pointer.to(dSteps), Pointer.to(dLossS)));
    }

    private double[][][] ntkMatrices(int count) {
      int na = lay.na;
      double[] f = copy(dNtk, count * na * na);
      double[][][] m = new double[count][na][na];
      for (int k = 0; k < count; k++) {
        for (int a = 0; a < na; a++) {
          System.arraycopy(f, (k * na + a) * na, m[k][a], 0, na);
        }
      }
      return m;
    }

    /** Trains networks [first, first + count). */
    CpuTrainer.Outcome[] batch(long first, int count) {
      if (first + count - 1 > 0xffffffffL) {
        throw new SpecException("--ensemble", "the device kernels index networks with 32 bits");
      }
      long seed = settings.seed();
      launch(fInit, "rg_train_init", count, Pointer.to(i(lay.depth), Pointer.to(dWidths), Pointer.to(dSw),
          Pointer.to(dSb), i((int) seed), i((int) (seed >>> 32)), i((int) first), Pointer.to(dParams),
          l(lay.pStride)));
      CudaEnsemble.check(JCudaDriver.cuMemsetD32(dStatus, 0, count), "cuMemsetD32");
      CudaEnsemble.check(JCudaDriver.cuMemsetD8(dSteps, (byte) 0, 8L * count), "cuMemsetD8");
      double[][] zb0 = forwardTest(count);
      ntk(count, 1);
      double[][] za0 = rows(copy(dOutA, count * lay.na), count, lay.na);
      double[][][] ntk0 = ntkMatrices(count);
      long[] cks = settings.checkpoints();
      double[][][] at = new double[count][cks.length][];
      long done = 0;
      for (int c = 0; c <= cks.length; c++) {
        long target = c < cks.length ? cks[c] : settings.steps();
        while (done < target) {
          int n = (int) Math.min(STEPS_PER_LAUNCH, target - done);
          steps(count, n);
          done += n;
        }
        if (c < cks.length) {
          double[][] zb = target == 0 ? zb0 : forwardTest(count);
          for (int k = 0; k < count; k++) {
            at[k][c] = zb[k].clone();
          }
        }
      }
      int[] status = new int[count];
      long[] st = new long[count];
      CudaEnsemble.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(status), dStatus, 4L * count), "copy status");
      CudaEnsemble.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(st), dSteps, 8L * count), "copy steps");
      ntk(count, 2);
      double[][] za = rows(copy(dOutA, count * lay.na), count, lay.na);
      double[] loss = copy(dLoss, count);
      double[][][] ntkT = ntkMatrices(count);
      int[] flips = new int[count];
      CudaEnsemble.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(flips), dFlips, 4L * count), "copy flips");
      double[][] zb = forwardTest(count);
      launches++;
      long pairs = lay.signPairs();
      CpuTrainer.Outcome[] out = new CpuTrainer.Outcome[count];
      for (int k = 0; k < count; k++) {
        if (status[k] == 2 || !(loss[k] < Limits.OVERFLOW)) {
          throw new TrainingDivergenceException(first + k, st[k]);
        }
        for (int c = 0; c < cks.length; c++) {
          if (cks[c] > st[k]) {
            at[k][c] = zb[k].clone();  // stopped (--tol) before this checkpoint: its final outputs
          }
        }
        out[k] = new CpuTrainer.Outcome(za0[k], zb0[k], za[k], zb[k], ntk0[k], ntkT[k], st[k], loss[k],
            at[k], pairs == 0 ? 0 : (double) flips[k] / pairs);
      }
      return out;
    }

    @Override
    public void close() {
      if (context != null && retained) {
        JCudaDriver.cuCtxSetCurrent(context);
      }
      for (CUdeviceptr p : allocations) {
        JCudaDriver.cuMemFree(p);
      }
      allocations.clear();
      if (module != null) {
        JCudaDriver.cuModuleUnload(module);
        module = null;
      }
      if (retained) {
        JCudaDriver.cuCtxSetCurrent(null);
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
        retained = false;
      }
    }
  }
}

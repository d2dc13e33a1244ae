package org.rgflow.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.ensemble.NetworkSource;
import org.rgflow.ensemble.OrderedReducer;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.exact.ExactEnsemble;
import org.rgflow.rng.Streams;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.LayerData;
import org.rgflow.stats.Need;

/**
 * The exact conditional sampler on CUDA (sampler "exact", device "cuda"):
 * {@code rg_exact_forward_nd<N_D>} (kernels/exact_forward.cu; one thread block per network, the CPU
 * exact sampler's Philox streams, Ĝ and its Cholesky in double, z in float32) writes every layer's
 * z and, with the NTK, {@code rg_exact_gram} (kernels/exact_gram.cu; one thread per network) Θ̂ by
 * the Gram sweep in its per-target layout, only where the CPU takes that path ({@link #ntkRefusal});
 * the source copies them back, widens z to double and emits them, and the
 * {@link org.rgflow.ensemble.EnsembleDriver} forms and merges the statistics in the CPU exact
 * sampler's fixed order.
 *
 * <p>Verification: the kernels run in the host harness against the CPU's ExactNetwork network by
 * network (CudaExactForwardOnHostTest, CudaExactGramOnHostTest). This host class has never run on a GPU (none was available
 * where it was written): its argument lists are the ones those tests pass, and it follows
 * {@link CudaEnsemble}'s loading, memory and release rules, but no launch of it has been observed.
 *
 * <p>Memory: networks per launch from free device memory (half of it, at most {@value #MAX_LAUNCH})
 * and a 256 MiB host budget for the z that come back (Σ_ℓ N_D n_ℓ floats per network). Dense layers
 * only, N_D ≤ 8, and Ĝ's inputs σ of the widest layer in shared memory (4·N_D·max n_ℓ bytes).
 */
public final class CudaExactEnsemble implements SourceFactory {
  static final int THREADS = 256;
  static final int MAX_LAUNCH = 1 << 16;
  static final long HOST_BUDGET = 256L << 20;
  static final String SOURCE = "exact_forward";
  static final String GRAM_SOURCE = "exact_gram";
  /** Threads per block of rg_exact_gram (one network per thread). */
  static final int GRAM_THREADS = 64;

  /** Why a run's NTK cannot be measured here, or null when it can (the per-target Gram sweep). */
  public static String ntkRefusal(NetworkSpec spec, int nd, int ntkNeurons) {
    String why = ExactEnsemble.perTargetGramRefusal(spec, nd, ntkNeurons);
    return why == null ? null : "the exact sampler on cuda has the NTK only where the CPU's takes the"
        + " per-target Gram sweep, and here " + why + "; use --no-ntk, or --backend cpu";
  }

  private final int launchSize;

  public CudaExactEnsemble() {
    this(0);
  }

  /** @param launchSize networks per launch (0: from free device memory); never changes results */
  public CudaExactEnsemble(int launchSize) {
    if (launchSize < 0) {
      throw new IllegalArgumentException("launch size must be >= 0, got " + launchSize);
    }
    this.launchSize = launchSize;
  }

  @Override
  public String sampler() {
    return ExactEnsemble.SAMPLER;
  }

  @Override
  public String device() {
    return "cuda";
  }

  @Override
  public String unsupported(NetworkSpec spec) {
    if (!spec.allDense()) {
      return "its kernel implements dense layers only";
    }
    return SourceFactory.kernelRefusal(spec, CudaActivation::of);
  }

  /** The NTK depends on the network ({@link #ntkRefusal}, checked when a run opens); not the dNTK. */
  @Override
  public String unsupported(Need need) {
    return need == Need.DNTK ? DNTK_REFUSAL : null;
  }

  private static void check(NetworkSpec spec, Inputs inputs, long networks) {
    if (inputs.count() > CudaEnsemble.MAX_KERNEL_INPUTS) {
      throw new SpecException("--inputs", "the CUDA kernels take at most "
          + CudaEnsemble.MAX_KERNEL_INPUTS + " inputs (N_D); got " + inputs.count());
    }
    if (spec.depth() > Streams.MAX_DEPTH) {
      throw new SpecException("--depth", "the exact sampler's random streams allow depth ≤ "
          + Streams.MAX_DEPTH + ", got " + spec.depth());
    }
    EnsembleRun.validateNetworks(spec, inputs, networks);
  }

  @Override
  public NetworkSource open(EnsembleRun run) {
    NetworkSpec spec = run.spec();
    Inputs inputs = run.inputs();
    check(spec, inputs, run.settings().ensemble());
    if (run.stats().needs().contains(Need.DNTK)) {
      throw new SpecException("--observables", DNTK_REFUSAL);
    }
    int depth = spec.depth();
    int nd = inputs.count();
    boolean ntk = run.stats().needs().contains(Need.NTK) && run.ntkNeurons() > 0;
    if (ntk && ntkRefusal(spec, nd, run.ntkNeurons()) != null) {
      throw new SpecException("--backend", ntkRefusal(spec, nd, run.ntkNeurons()));
    }
    Session s = new Session(spec, inputs, run.settings().seed(), ntk ? run.ntkNeurons() : 0,
        run.settings().ensemble());
    return new NetworkSource() {
      long hostNanos;

      @Override
      public int parallelism() {
        return 1;
      }

      @Override
      public int batch() {
        return s.capacity;
      }

      @Override
      public Worker worker() {
        LayerData data = new LayerData(nd);
        double[][][] z = new double[depth + 1][][];
        double[][][] th = new double[depth + 1][][];
        return (first, count, sink) -> {
          float[] zc = s.launch(first, count);
          long h0 = System.nanoTime();
          for (int g = 0; g < count; g++) {
            for (int l = 1; l <= depth; l++) {
              z[l] = s.z(zc, g, l, z[l]);
              if (ntk) {
                th[l] = s.theta(g, l, th[l]);
              }
              data.fromZ(z[l], spec.width(l), ntk ? th[l] : null, ntk ? s.gl.m[l] : 0,
                  run.stats().needs());
              sink.layer(first + g, l, data);
            }
          }
          hostNanos += System.nanoTime() - h0;
        };
      }

      @Override
      public Report report() {
        CudaEnsemble.Timing t = s.timing(hostNanos * 1e-6);
        List<String> notes = new ArrayList<>();
        notes.add("executed=CUDA device=" + s.deviceName + " kernels=" + s.loadedFrom
            + " precision=fp32 z (Ĝ and its Cholesky in fp64)");
        notes.add("sampler=exact on the device: z^(l) ~ N(0, G^(l)) given the layer below" + (ntk
            ? ", the NTK by the Gram sweep (per-target layout, rg_exact_gram)" : ", forward pass only")
            + "; no weight is drawn (docs/EXACT_SAMPLER.md)");
        notes.add("launchSize=" + s.capacity + " launches=" + s.launches + " reductionBlock="
            + OrderedReducer.BLOCK);
        notes.add(String.format(java.util.Locale.ROOT, "deviceMs forward=%.1f ntk=%.1f d2h=%.2f"
            + " hostMs=%.1f", t.forwardMs(), t.ntkMs(), t.d2hMs(), t.hostMs()));
        notes.add("rng=philox4x32-10, the CPU exact sampler's forward streams c2 = l|"
            + Streams.hex(Streams.EXACT_FORWARD) + " on the device (float32 Box-Muller)");
        return new Report(s.deviceName, notes, t);
      }

      @Override
      public void close() {
        s.close();
      }
    };
  }

  /**
   * The per-network hook (z as float32 widened to double, and Θ̂ of min(n_ℓ, ntkNeurons) neurons when
   * ntkNeurons &gt; 0), for network-by-network checks on a GPU.
   */
  public List<NetworkSample> networks(NetworkSpec spec, Inputs inputs, long seed, long first,
      int count, int ntkNeurons) {
    check(spec, inputs, first + count);
    if (ntkNeurons > 0 && ntkRefusal(spec, inputs.count(), ntkNeurons) != null) {
      throw new SpecException("--backend", ntkRefusal(spec, inputs.count(), ntkNeurons));
    }
    String why = unsupported(spec);
    if (why != null) {
      throw new SpecException("--backend", "the exact sampler on cuda cannot sample this network: "
          + why);
    }
    List<NetworkSample> out = new ArrayList<>();
    int depth = spec.depth();
    try (Session s = new Session(spec, inputs, seed, ntkNeurons, count)) {
      long done = 0;
      while (done < count) {
        int c = (int) Math.min(s.capacity, count - done);
        float[] zc = s.launch(first + done, c);
        for (int g = 0; g < c; g++) {
          double[][][] z = new double[depth][][];
          double[][][] th = ntkNeurons > 0 ? new double[depth][][] : null;
          int[] measured = new int[depth];
          for (int l = 1; l <= depth; l++) {
            z[l - 1] = s.z(zc, g, l, null);
            if (th != null) {
              th[l - 1] = s.theta(g, l, null);
              measured[l - 1] = s.gl.m[l];
            }
          }
          out.add(new NetworkSample(seed, first + done + g, z, measured, th));
        }
        done += c;
      }
    }
    return out;
  }

  /** One run's context, module, buffers (released by close, also after a failure). */
  private final class Session implements AutoCloseable {
    final long seed;
    final int depth;
    final int nd;
    final int[] widths;
    final int[] zOff;
    final long stride;
    final int shmBytes;
    final int capacity;
    final CudaActivation act;
    final List<CUdeviceptr> allocations = new ArrayList<>();
    final List<CUevent> events = new ArrayList<>();
    CUevent ev0;
    CUevent ev1;
    CUevent ev2;
    CUevent ev3;
    double forwardMs;
    double gramMs;
    double d2hMs;
    CUdevice device;
    CUcontext context;
    boolean retained;
    CUmodule module;
    CUmodule gramModule;
    CUfunction fn;
    CUfunction gramFn;
    /** The NTK kernel's layout, null without the NTK. */
    final ExactGramLayout gl;
    final NetworkSpec spec;
    double[] thetaHost;
    CUdeviceptr dML;
    CUdeviceptr dTOff;
    CUdeviceptr dTgOff;
    CUdeviceptr dTyOff;
    CUdeviceptr dSw;
    CUdeviceptr dSb;
    CUdeviceptr dLamB;
    CUdeviceptr dLamWn;
    CUdeviceptr dSlopes;
    CUdeviceptr dWs;
    CUdeviceptr dIws;
    CUdeviceptr dTheta;
    String loadedFrom = "";
    String deviceName = "";
    CUdeviceptr dWidths;
    CUdeviceptr dZOff;
    CUdeviceptr dX;
    CUdeviceptr dCwn;
    CUdeviceptr dCb;
    CUdeviceptr dZ;
    CUdeviceptr dDiv;
    int launches;

    Session(NetworkSpec spec, Inputs inputs, long seed, int ntkNeurons, long networks) {
      this.seed = seed;
      this.spec = spec;
      gl = ntkNeurons > 0 ? new ExactGramLayout(spec, inputs.count(), ntkNeurons) : null;
      depth = spec.depth();
      nd = inputs.count();
      act = CudaActivation.of(spec.activation());
      widths = new int[depth + 1];
      zOff = new int[depth + 1];
      long st = 0;
      int ld = 0;
      widths[0] = spec.n0();
      ld = widths[0];
      for (int l = 1; l <= depth; l++) {
        widths[l] = spec.width(l);
        ld = Math.max(ld, widths[l]);
        if (st > Integer.MAX_VALUE) {
          throw new SpecException("--width", "one network's pre-activations exceed the kernel's"
              + " int offsets");
        }
        zOff[l] = (int) st;
        st += (long) nd * widths[l];
      }
      stride = st;
      long shm = 4L * nd * ld;
      if (shm > Integer.MAX_VALUE) {
        throw new SpecException("--width", "the widest layer needs " + shm + " bytes of shared memory");
      }
      shmBytes = (int) shm;
      try {
        open();
        long[] free = new long[1];
        long[] total = new long[1];
        CudaEnsemble.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        long perNet = 4 * stride + 4 + (gl == null ? 0
            : 8 * gl.wsStride + 4 * gl.iwsStride + 8 * gl.thetaStride);
        long cap = launchSize > 0 ? launchSize : Math.max(1, Math.min(MAX_LAUNCH,
            Math.min(free[0] / 2 / perNet, HOST_BUDGET / perNet)));
        cap = Math.min(cap, (Integer.MAX_VALUE - 8) / Math.max(1, stride));
        if (gl != null) {
          cap = Math.min(cap, (Integer.MAX_VALUE - 8) / gl.thetaStride);
        }
        capacity = (int) Math.max(1, Math.min(cap, networks));
        if ((long) capacity * perNet > free[0]) {
          throw new IllegalStateException("a launch of " + capacity + " networks needs "
              + capacity * perNet + " bytes of device memory, " + free[0] + " free");
        }
        allocate(spec, inputs);
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
      CudaProbe.Device d = CudaProbe.describe(ordinal, device);
      deviceName = d.name() + " (cc " + d.major() + "." + d.minor() + ")";
      context = new CUcontext();
      CudaEnsemble.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device),
          "cuDevicePrimaryCtxRetain");
      retained = true;
      CudaEnsemble.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
      CUmodule mod = new CUmodule();
      if (v[0] >= CudaProbe.PTX_DRIVER) {
        CudaEnsemble.check(JCudaDriver.cuModuleLoadData(mod, CudaEnsemble.ptx(SOURCE)),
            "cuModuleLoadData(exact_forward PTX)");
        loadedFrom = "ptx";
      } else {
        int cc = d.major() * 10 + d.minor();
        try {
          CudaEnsemble.check(JCudaDriver.cuModuleLoadData(mod, CudaEnsemble.nvrtcCompile(SOURCE, cc)),
              "cuModuleLoadData");
        } catch (RuntimeException | UnsatisfiedLinkError | NoClassDefFoundError ex) {
          throw new IllegalStateException("CUDA driver " + CudaProbe.versionString(v[0])
              + " is older than 13.0 and cannot load the shipped PTX; run-time compilation failed: "
              + CudaProbe.firstLine(ex), ex);
        }
        loadedFrom = "nvrtc";
      }
      module = mod;
      ev0 = event();
      ev1 = event();
      ev2 = event();
      ev3 = event();
      if (gl != null) {
        CUmodule gm = new CUmodule();
        if (loadedFrom.equals("ptx")) {
          CudaEnsemble.check(JCudaDriver.cuModuleLoadData(gm, CudaEnsemble.ptx(GRAM_SOURCE)),
              "cuModuleLoadData(exact_gram PTX)");
        } else {
          CudaEnsemble.check(JCudaDriver.cuModuleLoadData(gm, CudaEnsemble.nvrtcCompile(GRAM_SOURCE,
              d.major() * 10 + d.minor())), "cuModuleLoadData(exact_gram)");
        }
        gramModule = gm;
        gramFn = new CUfunction();
        CudaEnsemble.check(JCudaDriver.cuModuleGetFunction(gramFn, gm, "rg_exact_gram"),
            "get rg_exact_gram");
      }
      fn = new CUfunction();
      CudaEnsemble.check(JCudaDriver.cuModuleGetFunction(fn, mod, "rg_exact_forward_nd" + nd),
          "get rg_exact_forward_nd" + nd);
      int[] staticShm = new int[1];
      CudaEnsemble.check(JCudaDriver.cuFuncGetAttribute(staticShm,
          CUfunction_attribute.CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, fn), "static shared memory");
      int optIn = CudaLimits.sharedMemoryOptIn(shmBytes, staticShm[0], () -> {
        int[] o = new int[1];
        CudaEnsemble.check(JCudaDriver.cuDeviceGetAttribute(o,
            CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device), "optin");
        return o[0];
      });
      if (optIn > 0) {
        CudaEnsemble.check(JCudaDriver.cuFuncSetAttribute(fn,
            CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, optIn),
            "cuFuncSetAttribute(shared memory)");
      }
    }

    private CUevent event() {
      CUevent e = new CUevent();
      CudaEnsemble.check(JCudaDriver.cuEventCreate(e, 0), "cuEventCreate");
      events.add(e);
      return e;
    }

    private double elapsed(CUevent a, CUevent b) {
      float[] ms = new float[1];
      CudaEnsemble.check(JCudaDriver.cuEventElapsedTime(ms, a, b), "cuEventElapsedTime");
      return ms[0];
    }

    /** Kernel and copy times so far (CUDA events), as the direct source reports them. */
    CudaEnsemble.Timing timing(double hostMs) {
      return new CudaEnsemble.Timing(loadedFrom, deviceName, launches, capacity, forwardMs, gramMs, 0,
          d2hMs, hostMs);
    }

    private CUdeviceptr alloc(long bytes) {
      CUdeviceptr p = new CUdeviceptr();
      CudaEnsemble.check(JCudaDriver.cuMemAlloc(p, Math.max(bytes, 4)),
          "cuMemAlloc(" + bytes + " bytes)");
      allocations.add(p);
      return p;
    }

    private CUdeviceptr upload(Pointer host, long bytes) {
      CUdeviceptr p = alloc(bytes);
      CudaEnsemble.check(JCudaDriver.cuMemcpyHtoD(p, host, bytes), "cuMemcpyHtoD");
      return p;
    }

    private void allocate(NetworkSpec spec, Inputs inputs) {
      int n0 = spec.n0();
      float[] x = new float[nd * n0];
      for (int a = 0; a < nd; a++) {
        for (int j = 0; j < n0; j++) {
          x[a * n0 + j] = (float) inputs.get(a, j);
        }
      }
      double[] cwn = new double[depth + 1];
      double[] cb = new double[depth + 1];
      for (int l = 1; l <= depth; l++) {
        cwn[l] = spec.cw(l) / widths[l - 1];
        cb[l] = spec.cb(l);
      }
      dWidths = upload(Pointer.to(widths), 4L * widths.length);
      dZOff = upload(Pointer.to(zOff), 4L * zOff.length);
      dX = upload(Pointer.to(x), 4L * x.length);
      dCwn = upload(Pointer.to(cwn), 8L * cwn.length);
      dCb = upload(Pointer.to(cb), 8L * cb.length);
      dZ = alloc(4 * stride * capacity);
      dDiv = alloc(4L * capacity);
      if (gl != null) {
        double[] sw = new double[depth + 1];
        double[] sb = new double[depth + 1];
        double[] lamB = new double[depth + 1];
        double[] lamWn = new double[depth + 1];
        for (int l = 1; l <= depth; l++) {
          sw[l] = Math.sqrt(spec.cw(l) / widths[l - 1]);
          sb[l] = Math.sqrt(spec.cb(l));
          lamB[l] = spec.lambdaB(l);
          lamWn[l] = spec.lambdaW(l) / widths[l - 1];
        }
        double[] slopes = spec.activation().scaleInvariantSlopes();
        dML = upload(Pointer.to(gl.m), 4L * gl.m.length);
        dTOff = upload(Pointer.to(gl.tOff), 4L * gl.tOff.length);
        dTgOff = upload(Pointer.to(gl.tgOff), 4L * gl.tgOff.length);
        dTyOff = upload(Pointer.to(gl.tyOff), 4L * gl.tyOff.length);
        dSw = upload(Pointer.to(sw), 8L * sw.length);
        dSb = upload(Pointer.to(sb), 8L * sb.length);
        dLamB = upload(Pointer.to(lamB), 8L * lamB.length);
        dLamWn = upload(Pointer.to(lamWn), 8L * lamWn.length);
        dSlopes = upload(Pointer.to(slopes), 8L * slopes.length);
        dWs = alloc(8 * gl.wsStride * capacity);
        dIws = alloc(4 * gl.iwsStride * capacity);
        dTheta = alloc(8 * gl.thetaStride * capacity);
        thetaHost = new double[(int) (gl.thetaStride * capacity)];
      }
    }

    /** Launches networks [first, first + count) and returns their z (count · stride floats). */
    float[] launch(long first, int count) {
      // the argument list of rg_exact_forward_nd<N_D>, as CudaExactForwardOnHostTest passes it
      CudaEnsemble.check(JCudaDriver.cuEventRecord(ev0, null), "cuEventRecord");
      Pointer args = Pointer.to(Pointer.to(new int[] {depth}), Pointer.to(dWidths),
          Pointer.to(dZOff), Pointer.to(dX), Pointer.to(dCwn), Pointer.to(dCb),
          Pointer.to(new int[] {act.code()}), Pointer.to(new float[] {act.a()}),
          Pointer.to(new float[] {act.b()}), Pointer.to(new int[] {(int) seed}),
          Pointer.to(new int[] {(int) (seed >>> 32)}), Pointer.to(new int[] {(int) first}),
          Pointer.to(dZ), Pointer.to(new long[] {stride}), Pointer.to(dDiv));
      CudaEnsemble.check(JCudaDriver.cuLaunchKernel(fn, count, 1, 1, THREADS, 1, 1, shmBytes, null,
          args, null), "cuLaunchKernel(rg_exact_forward_nd" + nd + ")");
      CudaEnsemble.check(JCudaDriver.cuEventRecord(ev1, null), "cuEventRecord");
      if (gl != null) {
        // the argument list of rg_exact_gram, as CudaExactGramOnHostTest passes it
        Pointer gArgs = Pointer.to(Pointer.to(new int[] {depth}), Pointer.to(new int[] {nd}),
            Pointer.to(new int[] {gl.mMax}), Pointer.to(new int[] {gl.gMax}),
            Pointer.to(new int[] {gl.maxW}), Pointer.to(dWidths), Pointer.to(dZOff),
            Pointer.to(dML), Pointer.to(dTOff), Pointer.to(dTgOff), Pointer.to(dTyOff),
            Pointer.to(dX), Pointer.to(dSw), Pointer.to(dSb), Pointer.to(dLamB),
            Pointer.to(dLamWn), Pointer.to(dCwn), Pointer.to(dCb), Pointer.to(dSlopes),
            Pointer.to(new int[] {(int) seed}), Pointer.to(new int[] {(int) (seed >>> 32)}),
            Pointer.to(new int[] {(int) first}), Pointer.to(new int[] {count}), Pointer.to(dZ),
            Pointer.to(new long[] {stride}), Pointer.to(dWs), Pointer.to(new long[] {gl.wsStride}),
            Pointer.to(dIws), Pointer.to(new long[] {gl.iwsStride}), Pointer.to(dTheta),
            Pointer.to(new long[] {gl.thetaStride}));
        int blocks = (count + GRAM_THREADS - 1) / GRAM_THREADS;
        CudaEnsemble.check(JCudaDriver.cuLaunchKernel(gramFn, blocks, 1, 1, GRAM_THREADS, 1, 1, 0,
            null, gArgs, null), "cuLaunchKernel(rg_exact_gram)");
      }
      CudaEnsemble.check(JCudaDriver.cuEventRecord(ev2, null), "cuEventRecord");
      int[] div = new int[count];
      float[] z = new float[(int) (count * stride)];
      CudaEnsemble.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(div), dDiv, 4L * count), "copy diverged");
      CudaEnsemble.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(z), dZ, 4L * z.length), "copy z");
      if (gl != null) {
        CudaEnsemble.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(thetaHost), dTheta,
            8L * gl.thetaStride * count), "copy theta");
      }
      CudaEnsemble.check(JCudaDriver.cuEventRecord(ev3, null), "cuEventRecord");
      CudaEnsemble.check(JCudaDriver.cuEventSynchronize(ev3), "kernel execution (cuEventSynchronize)");
      forwardMs += elapsed(ev0, ev1);
      gramMs += elapsed(ev1, ev2);
      d2hMs += elapsed(ev2, ev3);
      launches++;
      for (int g = 0; g < count; g++) {
        if (div[g] != 0) {
          throw CudaLimits.divergence(first + g, div[g]);
        }
      }
      return z;
    }

    /** z^{(ℓ)} of network g of a launch as [α][i] (the kernel's layout is [α][i] too). */
    double[][] z(float[] zc, int g, int l, double[][] into) {
      int n = widths[l];
      double[][] out = into != null ? into : new double[nd][n];
      long b = g * stride + zOff[l];
      for (int a = 0; a < nd; a++) {
        for (int i = 0; i < n; i++) {
          out[a][i] = zc[(int) (b + (long) a * n + i)];
        }
      }
      return out;
    }

    /** Θ̂^{(ℓ)} of network g of the last launch as [i·N_D+α][k·N_D+β]. */
    double[][] theta(int g, int l, double[][] into) {
      int b = gl.m[l] * nd;
      double[][] out = into != null ? into : new double[b][b];
      int o = (int) (g * gl.thetaStride) + gl.tOff[l];
      for (int p = 0; p < b; p++) {
        System.arraycopy(thetaHost, o + p * b, out[p], 0, b);
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
      for (CUevent e : events) {
        JCudaDriver.cuEventDestroy(e);
      }
      events.clear();
      if (module != null) {
        JCudaDriver.cuModuleUnload(module);
        module = null;
      }
      if (gramModule != null) {
        JCudaDriver.cuModuleUnload(gramModule);
        gramModule = null;
      }
      if (retained) {
        JCudaDriver.cuCtxSetCurrent(null);
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
        retained = false;
      }
    }
  }
}

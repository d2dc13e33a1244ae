package org.rgflow.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.DivergenceException;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.ensemble.NetworkSource;
import org.rgflow.ensemble.OrderedReducer;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.LayerData;
import org.rgflow.stats.Need;
import org.rgflow.stats.PowerSums;
import org.rgflow.stats.StatSet;
import org.rgflow.stats.ThreePointBlock;

/**
 * The CUDA source (sampler "direct", device "cuda"), through JCuda's driver API. Kernels (kernels/*.cu, shipped as
 * PTX under {@code /kernels/}): {@code rg_forward_nd<N_D>} samples network e = e0 + block on the fly
 * from the randomness contract (float32) and reduces each layer's power sums on the device;
 * {@code rg_ntk_vt<VT>} adds the NTK sub-blocks Θ̂ of the first m = min(n_ℓ, ntkNeurons) neurons by one
 * downward sweep. Only per-network statistics leave the device (L·S doubles of power sums, Θ̂ blocks
 * of (m·N_D)² doubles and the first m pre-activations per layer); nothing of size n² is stored.
 *
 * <p>The source emits each network's power sums ({@link LayerData#fromSums}) to the
 * {@link org.rgflow.ensemble.EnsembleDriver}, which forms and merges the statistics exactly as for
 * the CPU reference: results depend only on (seed, E) and the device's float32 rounding, never on
 * the launch size.
 *
 * <p>Memory: networks per launch from the device's free memory (half of it, at most
 * {@value #MAX_LAUNCH}), so E = 10⁶ networks of width 4096 run in bounded memory. Loading: the
 * shipped PTX with {@code cuModuleLoadData} when the driver is CUDA ≥ 13.0; else the shipped .cu
 * compiled with NVRTC at run time; else unavailable, with the reason. No static mutable GPU state:
 * each opened source retains the primary context, allocates, and releases everything when closed.
 * Timing with CUDA events, in the run's report ({@link Timing}).
 */
public final class CudaEnsemble implements SourceFactory {
  /** Threads per block (a multiple of 32: the kernels' warp reductions assume full warps). */
  static final int THREADS = 256;
  /** Largest N_D the kernels are instantiated for (rg_forward_nd1..8). */
  public static final int MAX_KERNEL_INPUTS = 8;
  static final int MAX_LAUNCH = 1 << 16;
  /**
   * Whether the forward kernel also returns Σ z_α and Σ z_α³ per layer (appended after the S power
   * sums, kernels/ensemble_forward.cu; checked against the reference by CudaKernelsOnHostTest): the
   * stride passed to the kernel is then S + 2·N_D, and the three-point block is measured.
   */
  static final boolean ODD_POWER_SUMS = true;
  /** Host bytes per launch for the statistics that come back (bounds host memory per chunk). */
  static final long HOST_BUDGET = 256L << 20;
  static final String[] SOURCES = {"ensemble_forward", "ensemble_ntk", "ensemble_dntk"};
  static final String[] HEADERS = {"philox.cuh", "activations.cuh"};

  private final int launchSize;
  private final int ntkTile;

  /**
   * Where and how long the last run took (CUDA events; milliseconds summed over launches).
   *
   * @param loadedFrom "ptx" (shipped PTX) or "nvrtc" (compiled at run time)
   * @param device device name and compute capability
   * @param launches kernel launch rounds (chunks)
   * @param launchSize networks per launch
   * @param forwardMs rg_forward time
   * @param ntkMs rg_ntk time (0 without NTK)
   * @param h2dMs host-to-device copies (parameters)
   * @param d2hMs device-to-host copies (statistics)
   * @param hostMs host-side statistic assembly and reduction
   */
  public record Timing(String loadedFrom, String device, int launches, int launchSize,
      double forwardMs, double ntkMs, double h2dMs, double d2hMs, double hostMs) {
    /** The timing of a CUDA run, from its result. */
    public static Timing of(EnsembleResult r) {
      return (Timing) r.detail();
    }
  }

  /** Launch size from free device memory; NTK register tile VT = 16. */
  public CudaEnsemble() {
    this(0, 16);
  }

  /**
   * @param launchSize networks per launch (0: from free device memory); never changes results
   * @param ntkTile NTK register tile, 8 or 16 (speed only)
   */
  public CudaEnsemble(int launchSize, int ntkTile) {
    if (launchSize < 0) {
      throw new IllegalArgumentException("launch size must be >= 0, got " + launchSize);
    }
    if (ntkTile != 8 && ntkTile != 16) {
      throw new IllegalArgumentException("ntk tile must be 8 or 16, got " + ntkTile);
    }
    this.launchSize = launchSize;
    this.ntkTile = ntkTile;
  }

  /** The capability probe (safe without libcuda; never throws). */
  public static CudaProbe probe() {
    return CudaProbe.run();
  }

  @Override
  public String sampler() {
    return "direct";
  }

  @Override
  public String device() {
    return "cuda";
  }

  @Override
  public String unsupported(NetworkSpec spec) {
    return org.rgflow.layer.Residual.kernelRefusal(spec, CudaActivation::of);
  }

  @Override
  public String unsupported(Need need) {
    return need == Need.ODD_SUMS && !ODD_POWER_SUMS ? "the CUDA kernels reduce only the even power"
        + " sums (Σz and Σz³ are not reduced on the device)" : null;
  }

  @Override
  public NetworkSource open(EnsembleRun run) {
    NetworkSpec spec = run.spec();
    Inputs inputs = run.inputs();
    long e = run.settings().ensemble();
    check(spec, inputs, e);
    int depth = spec.depth();
    int nd = inputs.count();
    boolean ntk = run.settings().ntk();
    boolean dntk = run.stats().needs().contains(Need.DNTK);
    if (dntk && CpuEnsemble.dntkUnsupported(spec) != null) {
      throw new SpecException("--observables", "dntk: " + CpuEnsemble.dntkUnsupported(spec));
    }
    int md = dntk ? Math.max(1, run.settings().ntkNeurons()) : 0;
    Session s = new Session(spec, inputs, run.settings().seed(), run.ntkNeurons(), false, e, md);
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
        return (first, count, sink) -> {
          Chunk c = s.launch(first, count);
          long h0 = System.nanoTime();
          for (int g = 0; g < count; g++) {
            for (int l = 1; l <= depth; l++) {
              data.fromSums(c.sums, (g * depth + (l - 1)) * s.sumsPer, ODD_POWER_SUMS,
                  spec.width(l), ntk ? c.theta(g, l) : null, ntk ? c.zHead(g, l) : null, s.m[l]);
              if (dntk) {
                data.withDntk(s.dl.stats(c.dntk, g, l));
              }
              sink.layer(first + g, l, data);
            }
          }
          hostNanos += System.nanoTime() - h0;
        };
      }

      @Override
      public Report report() {
        Timing t = s.timing(hostNanos * 1e-6);
        List<String> notes = new ArrayList<>();
        notes.add("executed=CUDA device=" + t.device() + " kernels=" + t.loadedFrom()
            + " precision=fp32 (power sums and Θ̂ in fp64)");
        notes.add("launchSize=" + t.launchSize() + " launches=" + t.launches() + " reductionBlock="
            + OrderedReducer.BLOCK);
        notes.add(String.format("deviceMs forward=%.1f ntk=%.1f h2d=%.2f d2h=%.2f hostMs=%.1f",
            t.forwardMs(), t.ntkMs(), t.h2dMs(), t.d2hMs(), t.hostMs()));
        notes.add("rng=philox4x32-10 contract v1 on the device (float32 Box-Muller)");
        return new Report(t.device(), notes, t);
      }

      @Override
      public void close() {
        s.close();
      }
    };
  }

  /**
   * The per-network hook, the twin of {@link CpuEnsemble#network}: networks first..first+count−1 as
   * the kernels compute them (float32 values widened to double), for network-by-network checks.
   * Copies every layer's pre-activations back (E·Σ N_D n_ℓ floats) — a test path, not for big runs.
   */
  public List<NetworkSample> networks(NetworkSpec spec, Inputs inputs, long seed, long first,
      int count, int ntkNeurons) {
    check(spec, inputs, first + count);
    List<NetworkSample> out = new ArrayList<>();
    int depth = spec.depth();
    int nd = inputs.count();
    try (Session s = new Session(spec, inputs, seed, ntkNeurons, true, count, 0)) {
      long done = 0;
      while (done < count) {
        int c = (int) Math.min(s.capacity, count - done);
        Chunk ch = s.launch(first + done, c);
        for (int g = 0; g < c; g++) {
          double[][][] z = new double[depth][][];
          double[][][] th = ntkNeurons > 0 ? new double[depth][][] : null;
          int[] measured = new int[depth];
          for (int l = 1; l <= depth; l++) {
            z[l - 1] = s.z(ch.z, g, l);
            measured[l - 1] = s.m[l];
            if (th != null) {
              th[l - 1] = ch.theta(g, l);
            }
          }
          out.add(new NetworkSample(seed, first + done + g, z, measured, th));
        }
        done += c;
      }
    }
    return out;
  }

  /**
   * Per-network statistic vectors x[g][ℓ−1] of networks first..first+count−1, from the device's power
   * sums (the path {@link #run} takes), for comparison with {@link StatSet#compute} on the CPU
   * reference's networks.
   */
  public double[][][] statisticVectors(NetworkSpec spec, Inputs inputs, long seed, long first,
      int count, int ntkNeurons) {
    check(spec, inputs, first + count);
    int depth = spec.depth();
    StatSet stats = statSet(inputs.count(), ntkNeurons > 0);
    LayerData data = new LayerData(inputs.count());
    double[][][] out = new double[count][depth][stats.dim()];
    try (Session s = new Session(spec, inputs, seed, ntkNeurons, false, count, 0)) {
      long done = 0;
      while (done < count) {
        int c = (int) Math.min(s.capacity, count - done);
        Chunk ch = s.launch(first + done, c);
        for (int g = 0; g < c; g++) {
          for (int l = 1; l <= depth; l++) {
            stats.compute(data.fromSums(ch.sums, (g * depth + (l - 1)) * s.sumsPer, ODD_POWER_SUMS,
                spec.width(l), ntkNeurons > 0 ? ch.theta(g, l) : null,
                ntkNeurons > 0 ? ch.zHead(g, l) : null, s.m[l]), out[(int) done + g][l - 1]);
          }
        }
        done += c;
      }
    }
    return out;
  }

  /**
   * The dNTK twin of {@link #networks}: networks first..first+count−1's per-layer dNTK statistics
   * from rg_dntk, [network][ℓ−1][2·N_D⁴], with min(n_ℓ, neurons) measured neurons (the twin of
   * {@link CpuEnsemble#dntk}).
   */
  public double[][][] dntk(NetworkSpec spec, Inputs inputs, long seed, long first, int count,
      int neurons) {
    check(spec, inputs, first + count);
    if (CpuEnsemble.dntkUnsupported(spec) != null) {
      throw new SpecException("--observables", "dntk: " + CpuEnsemble.dntkUnsupported(spec));
    }
    int depth = spec.depth();
    double[][][] out = new double[count][depth][];
    try (Session s = new Session(spec, inputs, seed, 0, false, count, Math.max(1, neurons))) {
      long done = 0;
      while (done < count) {
        int c = (int) Math.min(s.capacity, count - done);
        Chunk ch = s.launch(first + done, c);
        for (int g = 0; g < c; g++) {
          for (int l = 1; l <= depth; l++) {
            out[(int) done + g][l - 1] = s.dl.stats(ch.dntk, g, l);
          }
        }
        done += c;
      }
    }
    return out;
  }

  /** The standard blocks this source measures. */
  public static StatSet statSet(int nd, boolean ntk) {
    StatSet s = StatSet.standard(nd, ntk);
    return ODD_POWER_SUMS ? s : s.without(ThreePointBlock.INSTANCE);
  }

  private static void check(NetworkSpec spec, Inputs inputs, long networks) {
    if (inputs.count() > MAX_KERNEL_INPUTS) {
      throw new SpecException("--inputs", "the CUDA kernels take at most " + MAX_KERNEL_INPUTS
          + " inputs (N_D); got " + inputs.count() + " (larger N_D needs the GEMM path, docs/CUDA.md)");
    }
    EnsembleRun.validateNetworks(spec, inputs, networks);
  }

  // ---------------------------------------------------------------------------------------------
  // Driver helpers

  /** Throws {@link IllegalStateException} naming the call and the CUDA error when rc ≠ 0. */
  static void check(int rc, String what) {
    if (rc != CUresult.CUDA_SUCCESS) {
      throw new IllegalStateException("CUDA " + what + " failed: " + errorName(rc));
    }
  }

  static String errorName(int rc) {
    try {
      return CUresult.stringFor(rc) + " (" + rc + ")";
    } catch (Throwable t) {
      return "error " + rc;
    }
  }

  /** "NVRTC 12.6" when JCuda's NVRTC binding loads (libnvrtc.so.12), else why not. */
  static String nvrtcStatus() {
    try {
      int[] major = new int[1];
      int[] minor = new int[1];
      int rc = JNvrtc.nvrtcVersion(major, minor);
      return rc == 0 ? "NVRTC " + major[0] + "." + minor[0] : "nvrtcVersion failed (" + rc + ")";
    } catch (Throwable t) {
      return "JCuda's NVRTC binding could not be loaded (it needs libnvrtc.so.12): "
          + CudaProbe.firstLine(t);
    }
  }

  static byte[] resource(String name) {
    try (InputStream in = CudaEnsemble.class.getResourceAsStream("/kernels/" + name)) {
      if (in == null) {
        throw new IllegalStateException("kernel resource /kernels/" + name + " missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** The shipped PTX of {@code name}, NUL-terminated for cuModuleLoadData. */
  static byte[] ptx(String name) {
    byte[] b = resource(name + ".ptx");
    byte[] z = new byte[b.length + 1];
    System.arraycopy(b, 0, z, 0, b.length);
    return z;
  }

  /** Compiles the shipped .cu with NVRTC for compute capability {@code cc} (e.g. 90). */
  static String nvrtcCompile(String name, int cc) {
    String src = new String(resource(name + ".cu"), StandardCharsets.UTF_8);
    String[] hdr = new String[HEADERS.length];
    for (int i = 0; i < HEADERS.length; i++) {
      hdr[i] = new String(resource(HEADERS[i]), StandardCharsets.UTF_8);
    }
    nvrtcProgram prog = new nvrtcProgram();
    check(JNvrtc.nvrtcCreateProgram(prog, src, name + ".cu", HEADERS.length, hdr, HEADERS),
        "nvrtcCreateProgram");
    try {
      String[] opts = {"--gpu-architecture=compute_" + cc, "-std=c++17"};
      int rc = JNvrtc.nvrtcCompileProgram(prog, opts.length, opts);
      if (rc != 0) {
        String[] log = new String[1];
        JNvrtc.nvrtcGetProgramLog(prog, log);
        throw new IllegalStateException("NVRTC failed to compile " + name + ".cu for compute_" + cc
            + ": " + log[0]);
      }
      String[] ptx = new String[1];
      check(JNvrtc.nvrtcGetPTX(prog, ptx), "nvrtcGetPTX");
      return ptx[0];
    } finally {
      JNvrtc.nvrtcDestroyProgram(prog);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One run's context, modules, buffers

  /** Host copies of one launch's outputs. */
  private static final class Chunk {
    final Session s;
    final double[] sums;
    final int[] diverged;
    final double[] theta;
    final float[] zHead;
    final float[] z;
    final double[] dntk;

    Chunk(Session s, int count) {
      this.s = s;
      sums = new double[count * s.depth * s.sumsPer];
      diverged = new int[count];
      theta = s.ntk ? new double[(int) (count * s.thetaStride)] : null;
      zHead = s.ntk ? new float[(int) (count * s.zHeadStride)] : null;
      z = s.keepZ ? new float[(int) (count * s.zStride)] : null;
      dntk = s.dl != null ? new double[count * s.dl.outPer] : null;
    }

    double[][] theta(int g, int l) {
      return s.theta(theta, g, l);
    }

    double[][] zHead(int g, int l) {
      return s.zHead(zHead, g, l);
    }
  }

  private final class Session extends BufferLayout implements AutoCloseable {
    final long seed;
    final int capacity;
    final CudaActivation act;
    final List<CUdeviceptr> allocations = new ArrayList<>();
    final List<CUevent> events = new ArrayList<>();
    CUdevice device;
    CUcontext context;
    boolean retained;
    final List<CUmodule> modules = new ArrayList<>();
    CUfunction forward;
    CUfunction ntkFn;
    CUfunction dntkFn;
    /** The dNTK kernel's layout, null when the dNTK is not measured. */
    final DntkLayout dl;
    CUdeviceptr dDm;
    CUdeviceptr dGLOff;
    CUdeviceptr dWork;
    CUdeviceptr dDntk;
    String loadedFrom = "";
    String deviceName = "";
    CUdeviceptr dWidths;
    CUdeviceptr dZOff;
    CUdeviceptr dX;
    CUdeviceptr dSw;
    CUdeviceptr dSb;
    CUdeviceptr dVOff;
    CUdeviceptr dTOff;
    CUdeviceptr dM;
    CUdeviceptr dLamB;
    CUdeviceptr dLamW;
    CUdeviceptr dGamma;
    CUdeviceptr dXi;
    CUdeviceptr dZ;
    CUdeviceptr dSums;
    CUdeviceptr dDiv;
    CUdeviceptr dG;
    CUdeviceptr dTheta;
    CUdeviceptr dZHead;
    CUevent ev0;
    CUevent ev1;
    CUevent ev2;
    CUevent ev3;
    int launches;
    double forwardMs;
    double ntkMs;
    double h2dMs;
    double d2hMs;

    /**
     * @param dntkNeurons measured neurons of the dNTK kernel (0: no dNTK); it needs every layer's z on
     *     the device, which the forward kernel keeps with the NTK or keepZ (so keepZ is forced on
     *     without the NTK)
     */
    Session(NetworkSpec spec, Inputs inputs, long seed, int ntkNeurons, boolean keepZ, long networks,
        int dntkNeurons) {
      super(spec, inputs.count(), ntkNeurons, keepZ || (dntkNeurons > 0 && ntkNeurons == 0),
          PowerSums.deviceLength(inputs.count(), ODD_POWER_SUMS));
      this.seed = seed;
      this.act = CudaActivation.of(spec.activation());
      this.dl = dntkNeurons > 0 ? new DntkLayout(spec, inputs.count(), dntkNeurons, zStride) : null;
      long devPerNet = deviceBytesPerNetwork()
          + (dl != null ? 4 * dl.workStride + 8L * dl.outPer : 0);
      long hostPerNet = hostBytesPerNetwork() + (dl != null ? 8L * dl.outPer : 0);
      try {
        open();
        long[] free = new long[1];
        long[] total = new long[1];
        check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        long cap = launchSize > 0 ? launchSize : Math.max(1, Math.min(MAX_LAUNCH,
            Math.min(free[0] / 2 / devPerNet, HOST_BUDGET / hostPerNet)));
        // Java arrays are int-indexed: keep every host buffer below 2^31 elements.
        long maxElems = Math.max(Math.max(depth * (long) sumsPer, thetaStride),
            Math.max(zHeadStride, keepZ ? zStride : 1));
        if (dl != null) {
          maxElems = Math.max(maxElems, Math.max(dl.outPer, dl.workStride));
        }
        cap = Math.min(cap, (Integer.MAX_VALUE - 8) / Math.max(1, maxElems));
        capacity = (int) Math.max(1, Math.min(cap, networks));
        if ((long) capacity * devPerNet > free[0]) {
          throw new IllegalStateException("a launch of " + capacity + " networks needs "
              + capacity * devPerNet + " bytes of device memory, " + free[0] + " free");
        }
        allocate(spec, inputs);
      } catch (RuntimeException | Error ex) {
        close();
        throw ex;
      }
    }

    private void open() {
      check(JCudaDriver.cuInit(0), "cuInit");
      int[] v = new int[1];
      check(JCudaDriver.cuDriverGetVersion(v), "cuDriverGetVersion");
      int ordinal = Integer.getInteger("rgflow.cuda.device", 0);
      device = new CUdevice();
      check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
      CudaProbe.Device d = CudaProbe.describe(ordinal, device);
      deviceName = d.name() + " (cc " + d.major() + "." + d.minor() + ")";
      context = new CUcontext();
      check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
      retained = true;
      check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
      CUmodule fwdMod = new CUmodule();
      CUmodule ntkMod = new CUmodule();
      CUmodule dntkMod = new CUmodule();
      if (v[0] >= CudaProbe.PTX_DRIVER) {
        check(JCudaDriver.cuModuleLoadData(fwdMod, ptx(SOURCES[0])), "cuModuleLoadData(forward PTX)");
        modules.add(fwdMod);
        check(JCudaDriver.cuModuleLoadData(ntkMod, ptx(SOURCES[1])), "cuModuleLoadData(ntk PTX)");
        modules.add(ntkMod);
        if (dl != null) {
          check(JCudaDriver.cuModuleLoadData(dntkMod, ptx(SOURCES[2])), "cuModuleLoadData(dntk PTX)");
          modules.add(dntkMod);
        }
        loadedFrom = "ptx";
      } else {
        int cc = d.major() * 10 + d.minor();
        try {
          check(JCudaDriver.cuModuleLoadData(fwdMod, nvrtcCompile(SOURCES[0], cc)), "cuModuleLoadData");
          modules.add(fwdMod);
          check(JCudaDriver.cuModuleLoadData(ntkMod, nvrtcCompile(SOURCES[1], cc)), "cuModuleLoadData");
          modules.add(ntkMod);
          if (dl != null) {
            check(JCudaDriver.cuModuleLoadData(dntkMod, nvrtcCompile(SOURCES[2], cc)),
                "cuModuleLoadData");
            modules.add(dntkMod);
          }
        } catch (RuntimeException | UnsatisfiedLinkError | NoClassDefFoundError ex) {
          throw new IllegalStateException("CUDA driver " + CudaProbe.versionString(v[0])
              + " is older than 13.0 and cannot load the shipped PTX; run-time compilation failed: "
              + CudaProbe.firstLine(ex), ex);
        }
        loadedFrom = "nvrtc";
      }
      forward = new CUfunction();
      check(JCudaDriver.cuModuleGetFunction(forward, fwdMod, "rg_forward_nd" + nd), "get rg_forward");
      // Static (red[], overflow) plus dynamic shared memory must fit 48 KiB or the opt-in limit.
      int[] staticShm = new int[1];
      check(JCudaDriver.cuFuncGetAttribute(staticShm,
          CUfunction_attribute.CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, forward), "static shared memory");
      int optInBytes = CudaLimits.sharedMemoryOptIn(shmBytes, staticShm[0], () -> {
        int[] optin = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(optin,
            CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device), "optin");
        return optin[0];
      });
      if (optInBytes > 0) {
        check(JCudaDriver.cuFuncSetAttribute(forward,
            CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, optInBytes),
            "cuFuncSetAttribute(shared memory)");
      }
      if (ntk) {
        ntkFn = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(ntkFn, ntkMod, "rg_ntk_vt" + ntkTile), "get rg_ntk");
      }
      if (dl != null) {
        dntkFn = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(dntkFn, dntkMod, "rg_dntk"), "get rg_dntk");
      }
      ev0 = event();
      ev1 = event();
      ev2 = event();
      ev3 = event();
    }

    private CUevent event() {
      CUevent e = new CUevent();
      check(JCudaDriver.cuEventCreate(e, 0), "cuEventCreate");
      events.add(e);
      return e;
    }

    private CUdeviceptr alloc(long bytes) {
      CUdeviceptr p = new CUdeviceptr();
      check(JCudaDriver.cuMemAlloc(p, Math.max(bytes, 4)), "cuMemAlloc(" + bytes + " bytes)");
      allocations.add(p);
      return p;
    }

    private CUdeviceptr upload(Pointer host, long bytes) {
      CUdeviceptr p = alloc(bytes);
      check(JCudaDriver.cuMemcpyHtoD(p, host, bytes), "cuMemcpyHtoD");
      return p;
    }

    private void allocate(NetworkSpec spec, Inputs inputs) {
      float[] x = new float[nd * spec.n0()];
      for (int a = 0; a < nd; a++) {
        for (int j = 0; j < spec.n0(); j++) {
          x[a * spec.n0() + j] = (float) inputs.get(a, j);
        }
      }
      float[] sw = new float[depth + 1];
      float[] sb = new float[depth + 1];
      double[] lamB = new double[depth + 1];
      double[] lamW = new double[depth + 1];
      for (int l = 1; l <= depth; l++) {
        sw[l] = (float) Math.sqrt(spec.cw(l) / widths[l - 1]);
        sb[l] = (float) Math.sqrt(spec.cb(l));
        lamB[l] = spec.lambdaB(l);
        lamW[l] = spec.lambdaW(l);
      }
      check(JCudaDriver.cuEventRecord(ev0, null), "cuEventRecord");
      dWidths = upload(Pointer.to(widths), 4L * widths.length);
      dZOff = upload(Pointer.to(zOff), 4L * zOff.length);
      dX = upload(Pointer.to(x), 4L * x.length);
      dSw = upload(Pointer.to(sw), 4L * sw.length);
      dSb = upload(Pointer.to(sb), 4L * sb.length);
      dVOff = upload(Pointer.to(vOff), 4L * vOff.length);
      dTOff = upload(Pointer.to(tOff), 4L * tOff.length);
      dM = upload(Pointer.to(m), 4L * m.length);
      dLamB = upload(Pointer.to(lamB), 8L * lamB.length);
      dLamW = upload(Pointer.to(lamW), 8L * lamW.length);
      dGamma = upload(Pointer.to(gamma), 4L * gamma.length);
      dXi = upload(Pointer.to(xi), 4L * xi.length);
      check(JCudaDriver.cuEventRecord(ev1, null), "cuEventRecord");
      check(JCudaDriver.cuEventSynchronize(ev1), "cuEventSynchronize");
      h2dMs += elapsed(ev0, ev1);
      dZ = alloc(4 * zStride * capacity);
      dSums = alloc(8L * depth * sumsPer * capacity);
      dDiv = alloc(4L * capacity);
      if (ntk) {
        dG = alloc(4 * gStride * capacity);
        dTheta = alloc(8 * thetaStride * capacity);
        dZHead = alloc(4 * zHeadStride * capacity);
      }
      if (dl != null) {
        dDm = upload(Pointer.to(dl.dm), 4L * dl.dm.length);
        dGLOff = upload(Pointer.to(dl.gLOff), 4L * dl.gLOff.length);
        dWork = alloc(4 * dl.workStride * capacity);
        dDntk = alloc(8L * dl.outPer * capacity);
      }
    }

    private double elapsed(CUevent a, CUevent b) {
      float[] ms = new float[1];
      check(JCudaDriver.cuEventElapsedTime(ms, a, b), "cuEventElapsedTime");
      return ms[0];
    }

    Chunk launch(long first, int count) {
      int lo = (int) seed;
      int hi = (int) (seed >>> 32);
      int e0 = (int) first;
      check(JCudaDriver.cuEventRecord(ev0, null), "cuEventRecord");
      Pointer fwdArgs = Pointer.to(Pointer.to(new int[] {depth}), Pointer.to(dWidths),
          Pointer.to(dZOff), Pointer.to(dX), Pointer.to(dSw), Pointer.to(dSb),
          Pointer.to(new int[] {act.code()}), Pointer.to(new float[] {act.a()}),
          Pointer.to(new float[] {act.b()}), Pointer.to(new int[] {lo}), Pointer.to(new int[] {hi}),
          Pointer.to(new int[] {e0}), Pointer.to(dZ), Pointer.to(new long[] {zStride}),
          Pointer.to(dSums), Pointer.to(new int[] {sumsPer}), Pointer.to(dDiv), Pointer.to(dGamma),
          Pointer.to(dXi));
      check(JCudaDriver.cuLaunchKernel(forward, count, 1, 1, THREADS, 1, 1, shmBytes, null, fwdArgs,
          null), "cuLaunchKernel(rg_forward_nd" + nd + ")");
      check(JCudaDriver.cuEventRecord(ev1, null), "cuEventRecord");
      if (ntk) {
        Pointer ntkArgs = Pointer.to(Pointer.to(new int[] {depth}), Pointer.to(new int[] {nd}),
            Pointer.to(dWidths), Pointer.to(dZOff), Pointer.to(dVOff), Pointer.to(dTOff),
            Pointer.to(dM), Pointer.to(dX), Pointer.to(dSw), Pointer.to(dLamB), Pointer.to(dLamW),
            Pointer.to(new int[] {act.code()}), Pointer.to(new float[] {act.a()}),
            Pointer.to(new float[] {act.b()}), Pointer.to(new int[] {lo}),
            Pointer.to(new int[] {hi}), Pointer.to(new int[] {e0}), Pointer.to(dZ),
            Pointer.to(new long[] {zStride}), Pointer.to(dG), Pointer.to(new long[] {gStride}),
            Pointer.to(new int[] {ldG}), Pointer.to(dTheta), Pointer.to(new long[] {thetaStride}),
            Pointer.to(dZHead), Pointer.to(new long[] {zHeadStride}), Pointer.to(dGamma),
            Pointer.to(dXi));
        check(JCudaDriver.cuLaunchKernel(ntkFn, count, 1, 1, THREADS, 1, 1, 0, null, ntkArgs, null),
            "cuLaunchKernel(rg_ntk_vt" + ntkTile + ")");
      }
      if (dl != null) {
        // the argument list of rg_dntk (kernels/ensemble_dntk.cu; HostHarness.dntk mirrors it)
        Pointer dArgs = Pointer.to(Pointer.to(new int[] {depth}), Pointer.to(new int[] {nd}),
            Pointer.to(dWidths), Pointer.to(dZOff), Pointer.to(dDm), Pointer.to(dGLOff),
            Pointer.to(new int[] {dl.gStride}), Pointer.to(new int[] {dl.dDirs}),
            Pointer.to(new int[] {dl.dPairs}), Pointer.to(new int[] {dl.nmax}), Pointer.to(dX),
            Pointer.to(dSw), Pointer.to(dLamB), Pointer.to(dLamW), Pointer.to(new int[] {act.code()}),
            Pointer.to(new float[] {act.a()}), Pointer.to(new float[] {act.b()}),
            Pointer.to(new int[] {lo}), Pointer.to(new int[] {hi}), Pointer.to(new int[] {e0}),
            Pointer.to(dZ), Pointer.to(new long[] {zStride}), Pointer.to(dWork),
            Pointer.to(new long[] {dl.workStride}), Pointer.to(dDntk), Pointer.to(new int[] {0}));
        check(JCudaDriver.cuLaunchKernel(dntkFn, count, 1, 1, THREADS, 1, 1, 0, null, dArgs, null),
            "cuLaunchKernel(rg_dntk)");
      }
      check(JCudaDriver.cuEventRecord(ev2, null), "cuEventRecord");
      Chunk c = new Chunk(this, count);
      check(JCudaDriver.cuMemcpyDtoH(Pointer.to(c.diverged), dDiv, 4L * count), "copy diverged");
      check(JCudaDriver.cuMemcpyDtoH(Pointer.to(c.sums), dSums, 8L * c.sums.length), "copy sums");
      if (ntk) {
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(c.theta), dTheta, 8L * c.theta.length), "copy theta");
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(c.zHead), dZHead, 4L * c.zHead.length), "copy zHead");
      }
      if (keepZ) {
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(c.z), dZ, 4L * c.z.length), "copy z");
      }
      if (dl != null) {
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(c.dntk), dDntk, 8L * c.dntk.length), "copy dntk");
      }
      check(JCudaDriver.cuEventRecord(ev3, null), "cuEventRecord");
      check(JCudaDriver.cuEventSynchronize(ev3), "kernel execution (cuEventSynchronize)");
      forwardMs += elapsed(ev0, ev1);
      ntkMs += elapsed(ev1, ev2);
      d2hMs += elapsed(ev2, ev3);
      launches++;
      for (int g = 0; g < count; g++) {
        if (c.diverged[g] != 0) {
          throw CudaLimits.divergence(first + g, c.diverged[g]);  // float32 bound in the message
        }
      }
      return c;
    }

    Timing timing(double hostMs) {
      return new Timing(loadedFrom, deviceName, launches, capacity, forwardMs, ntkMs, h2dMs, d2hMs,
          hostMs);
    }

    @Override
    public void close() {
      // Release in reverse order of acquisition; keep going after a failure (best effort).
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
      for (CUmodule mod : modules) {
        JCudaDriver.cuModuleUnload(mod);
      }
      modules.clear();
      if (retained) {
        JCudaDriver.cuCtxSetCurrent(null);
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
        retained = false;
      }
    }
  }
}

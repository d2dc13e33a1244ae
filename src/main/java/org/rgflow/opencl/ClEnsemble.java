package org.rgflow.opencl;

import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.JavaDevice;
import com.aparapi.device.OpenCLDevice;
import java.util.ArrayList;
import java.util.List;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.ensemble.NetworkSource;
import org.rgflow.ensemble.OrderedReducer;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.layer.Residual;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.LayerData;
import org.rgflow.stats.Need;

/**
 * The OpenCL source (sampler "direct", device "opencl"), through Aparapi: {@link ClNetworkKernel}
 * samples each network on the device (one work-item per network, weights generated on the device
 * from the randomness contract, double precision) and returns its pre-activations z and NTK
 * sub-blocks Θ̂, which the source emits as they are; the {@link org.rgflow.ensemble.EnsembleDriver}
 * forms and reduces the statistics exactly as for the CPU reference. Results are therefore
 * independent of the launch size, and agree with {@link CpuEnsemble} to rounding (ClContractTest).
 *
 * <p>The ensemble is cut into launches of at most {@link #launchSize()} networks; device memory is
 * proportional to the launch size, never to E. Where no OpenCL device exists (or the kernel fails
 * to compile for it) the same kernel runs on Aparapi's Java thread pool and the report says why
 * ({@link Execution}).
 *
 * <p>Host side per network: unpacking and the statistics, O(L·n·N_D⁴) — small next to the
 * device's O(L·n²) weight generation.
 */
public final class ClEnsemble implements SourceFactory {
  /** Device scratch budget that picks the default launch size. */
  static final long DEFAULT_BUDGET_BYTES = 256L << 20;
  static final int MAX_LAUNCH = 4096;
  /** Work-group size on Aparapi's Java thread pool (threads per group). */
  static final int JTP_GROUP = 4;
  /**
   * Test hook run between a launch's kernel execution and the host's read-back of its outputs (null in
   * runs): ClBufferMoveTest forces a compacting GC there, the window in which Aparapi has unpinned the
   * Java arrays.
   */
  static volatile Runnable afterExecute;

  private final int launchSize;
  private final boolean forceJava;

  /**
   * Where the kernels of a run executed.
   *
   * @param openCl every launch ran as OpenCL (Aparapi's {@code isRunningCL()} after each launch)
   * @param device the device name ("Java thread pool" in fallback)
   * @param platform OpenCL platform name and version ("" in fallback)
   * @param launches kernel launches made
   * @param launchSize networks per launch
   * @param reason why the thread pool was used ("" on OpenCL)
   */
  public record Execution(boolean openCl, String device, String platform, int launches,
      int launchSize, String reason) {}

  /** Launch size chosen from a 256 MiB scratch budget; OpenCL when available. */
  public ClEnsemble() {
    this(0, false);
  }

  /**
   * @param launchSize networks per kernel launch (0: from the memory budget); never changes results
   * @param forceJava run on Aparapi's Java thread pool even where OpenCL exists (tests, comparison)
   */
  public ClEnsemble(int launchSize, boolean forceJava) {
    if (launchSize < 0) {
      throw new IllegalArgumentException("launch size must be ≥ 0, got " + launchSize);
    }
    this.launchSize = launchSize;
    this.forceJava = forceJava;
  }

  /** The capability probe for a {@code devices} command: OpenCL device, platform, or why none. */
  public static ClProbe probe() {
    return ClProbe.run();
  }

  /** The configured launch size (0 = chosen per run from the memory budget). */
  public int launchSize() {
    return launchSize;
  }

  @Override
  public String sampler() {
    return "direct";
  }

  @Override
  public String device() {
    return "opencl";
  }

  @Override
  public String unsupported(NetworkSpec spec) {
    return Residual.kernelRefusal(spec, ClActivation::of);
  }

  /** The kernel measures the dNTK too (dense layers, σ′ without a Dirac delta: see {@link #open}). */
  @Override
  public String unsupported(Need need) {
    return null;
  }

  @Override
  public NetworkSource open(EnsembleRun run) {
    NetworkSpec spec = run.spec();
    int depth = spec.depth();
    int nd = run.inputs().count();
    boolean ntk = run.settings().ntk();
    boolean dntk = run.stats().needs().contains(Need.DNTK);
    if (dntk && CpuEnsemble.dntkUnsupported(spec) != null) {
      throw new SpecException("--observables", "dntk: " + CpuEnsemble.dntkUnsupported(spec));
    }
    int md = dntk ? Math.max(1, run.settings().ntkNeurons()) : 0;
    Launcher l = new Launcher(spec, run.inputs(), run.settings().seed(), run.ntkNeurons(), md,
        run.settings().ensemble());
    return new NetworkSource() {
      @Override
      public int parallelism() {
        return 1;
      }

      @Override
      public int batch() {
        return l.capacity;
      }

      @Override
      public Worker worker() {
        LayerData data = new LayerData(nd);
        double[][][] z = new double[depth + 1][][];
        double[][][] th = new double[depth + 1][][];
        double[][] ds = new double[depth + 1][];
        return (first, count, sink) -> {
          l.launch(first, count);
          for (int g = 0; g < count; g++) {
            for (int layer = 1; layer <= depth; layer++) {
              z[layer] = l.z(g, layer, z[layer]);
              if (ntk) {
                th[layer] = l.theta(g, layer, th[layer]);
              }
              data.fromZ(z[layer], spec.width(layer), ntk ? th[layer] : null, l.m[layer],
                  run.stats().needs());
              if (dntk) {
                ds[layer] = l.dntk(g, layer, ds[layer]);
                data.withDntk(ds[layer]);
              }
              sink.layer(first + g, layer, data);
            }
          }
        };
      }

      @Override
      public Report report() {
        Execution ex = l.execution();
        List<String> notes = new ArrayList<>();
        notes.add(ex.openCl() ? "executed=OpenCL device=" + ex.device() + " platform=" + ex.platform()
            : "executed=Aparapi Java thread pool (fallback: " + ex.reason() + "); no OpenCL device"
            + " was used, the same kernel ran on Aparapi's Java thread pool");
        notes.add("precision=fp64 launchSize=" + ex.launchSize() + " launches=" + ex.launches()
            + " reductionBlock=" + OrderedReducer.BLOCK);
        notes.add("rng=philox4x32-10 contract v1 on the device (ln/sin/cos: OpenCL built-ins)");
        return new Report(ex.openCl() ? ex.device() : "Aparapi Java thread pool", notes, ex);
      }

      @Override
      public void close() {
        l.close();
      }
    };
  }

  /** Networks of the per-network hook and where the kernel ran them. */
  public record Networks(List<NetworkSample> samples, Execution execution) {}

  /**
   * The per-network hook, the twin of {@link CpuEnsemble#network}: networks first..first+count−1
   * computed by the kernel (for network-by-network comparisons).
   */
  public Networks networks(NetworkSpec spec, Inputs inputs, long seed, long first, int count,
      int ntkNeurons) {
    EnsembleRun.validateNetworks(spec, inputs, first + count);
    List<NetworkSample> out = new ArrayList<>();
    int depth = spec.depth();
    try (Launcher l = new Launcher(spec, inputs, seed, ntkNeurons, 0, count)) {
      long done = 0;
      while (done < count) {
        int c = (int) Math.min(l.capacity, count - done);
        l.launch(first + done, c);
        for (int g = 0; g < c; g++) {
          double[][][] z = new double[depth][][];
          double[][][] th = ntkNeurons > 0 ? new double[depth][][] : null;
          int[] measured = new int[depth];
          for (int layer = 1; layer <= depth; layer++) {
            z[layer - 1] = l.z(g, layer, null);
            measured[layer - 1] = l.m[layer];
            if (th != null) {
              th[layer - 1] = l.theta(g, layer, null);
            }
          }
          out.add(new NetworkSample(seed, first + done + g, z, measured, th));
        }
        done += c;
      }
      return new Networks(out, l.execution());
    }
  }

  /** Per-network dNTK statistics of the kernel, [network][ℓ−1][2·N_D⁴], and where it ran. */
  public record DntkNetworks(double[][][] stats, Execution execution) {}

  /**
   * The dNTK twin of {@link #networks}: networks first..first+count−1's dNTK statistics (the twin of
   * {@link CpuEnsemble#dntk}), with min(n_ℓ, neurons) measured neurons.
   */
  public DntkNetworks dntk(NetworkSpec spec, Inputs inputs, long seed, long first, int count,
      int neurons) {
    return dntk(spec, inputs, seed, first, count, neurons, 0);
  }

  /** {@link #dntk} with the kernel's test knob (1: σ″ term dropped, 2: cross term dropped). */
  DntkNetworks dntk(NetworkSpec spec, Inputs inputs, long seed, long first, int count, int neurons,
      int drop) {
    EnsembleRun.validateNetworks(spec, inputs, first + count);
    if (CpuEnsemble.dntkUnsupported(spec) != null) {
      throw new SpecException("--observables", "dntk: " + CpuEnsemble.dntkUnsupported(spec));
    }
    int depth = spec.depth();
    double[][][] out = new double[count][depth][];
    try (Launcher l = new Launcher(spec, inputs, seed, 0, Math.max(1, neurons), count)) {
      l.k.dntkDrop = drop;
      long done = 0;
      while (done < count) {
        int c = (int) Math.min(l.capacity, count - done);
        l.launch(first + done, c);
        for (int g = 0; g < c; g++) {
          for (int layer = 1; layer <= depth; layer++) {
            out[(int) done + g][layer - 1] = l.dntk(g, layer, null);
          }
        }
        done += c;
      }
      return new DntkNetworks(out, l.execution());
    }
  }

  /** One run's kernel, buffers and device: sized once, launched per chunk, disposed at the end. */
  private final class Launcher implements AutoCloseable {
    final ClNetworkKernel k = new ClNetworkKernel();
    final int depth;
    final int nd;
    final int capacity;
    final int[] m;
    final Device device;
    final String platform;
    String reason = "";
    int launches;
    boolean allCl = true;

    Launcher(NetworkSpec spec, Inputs inputs, long seed, int ntkNeurons, int dntkNeurons,
        long networks) {
      ClActivation act = ClActivation.of(spec.activation());
      depth = spec.depth();
      nd = inputs.count();
      k.nd = nd;
      k.depth = depth;
      k.key0 = (int) seed;
      k.key1 = (int) (seed >>> 32);
      k.ntk = ntkNeurons > 0 ? 1 : 0;
      k.act = act.code();
      k.actA = act.a();
      k.actB = act.b();
      k.width = new int[depth + 1];
      k.zOff = new int[depth + 1];
      k.vOff = new int[depth + 2];
      k.tOff = new int[depth + 1];
      m = new int[depth + 1];
      k.wScale = new double[depth + 1];
      k.bScale = new double[depth + 1];
      k.lamB = new double[depth + 1];
      k.lamWn = new double[depth + 1];
      k.gam = new double[depth + 1];
      k.xiL = new double[depth + 1];
      long zPer = 0;
      long vPer = 0;
      long tPer = 0;
      int nmax = 1;
      for (int l = 0; l <= depth; l++) {
        int n = spec.width(l);
        k.width[l] = n;
        k.zOff[l] = (int) zPer;
        zPer += (long) n * nd;
        nmax = Math.max(nmax, n);
        if (l >= 1) {
          m[l] = ntkNeurons > 0 ? Math.min(ntkNeurons, n) : 0;
          k.vOff[l] = (int) vPer;
          vPer += (long) m[l] * nd;
          k.tOff[l] = (int) tPer;
          tPer += (long) m[l] * nd * m[l] * nd;
          int nPrev = spec.width(l - 1);
          k.wScale[l] = Math.sqrt(spec.cw(l) / nPrev);
          k.bScale[l] = Math.sqrt(spec.cb(l));
          k.lamB[l] = spec.lambdaB(l);
          k.lamWn[l] = spec.lambdaW(l) / nPrev;
          k.xiL[l] = 1.0;
          if (spec.layer(l) instanceof Residual r) {
            k.gam[l] = r.gamma();
            k.xiL[l] = r.xi();
          }
        }
      }
      k.vOff[depth + 1] = (int) vPer;
      k.nmax = nmax;
      k.zPer = (int) zPer;
      k.vPer = (int) vPer;
      k.tPer = (int) Math.max(tPer, 1);
      k.mL = m.clone();
      double[] x = new double[inputs.dim() * nd];
      for (int j = 0; j < inputs.dim(); j++) {
        for (int a = 0; a < nd; a++) {
          x[j * nd + a] = inputs.get(a, j);
        }
      }
      k.x = x;
      // The dNTK sweep's sizes (docs in ClNetworkKernel.dntkSweep); all 0 / length 1 when off.
      k.dntk = dntkNeurons > 0 ? 1 : 0;
      k.dmL = new int[depth + 1];
      k.gLOff = new int[depth + 1];
      long gStride = 0;
      long dDirs = 0;
      long dPairs = 0;
      for (int l = 1; l <= depth; l++) {
        int dm = dntkNeurons > 0 ? Math.min(dntkNeurons, spec.width(l)) : 0;
        k.dmL[l] = dm;
        k.gLOff[l] = (int) gStride;
        gStride += spec.width(l);
        dDirs = Math.max(dDirs, (long) dm * nd + (long) nd * nd);
        dPairs = Math.max(dPairs, (long) dm * nd * nd * (1 + nd));
      }
      int n4 = nd * nd * nd * nd;
      long dPer = k.dntk != 0 ? 2L * n4 * depth : 0;
      long dScratch = k.dntk != 0
          ? zPer + dDirs * gStride + 2 * dDirs * nd * nmax + 2 * dPairs * nd * nmax + dPer : 0;
      if (k.dntk == 0) {
        dDirs = 0;
        dPairs = 0;
      }
      k.gStride = (int) gStride;
      k.dDirs = (int) dDirs;
      k.dPairs = (int) dPairs;
      k.dPer = (int) dPer;
      // Per-network doubles on the device, and the launch size that fits the budget and int indexing.
      long perNet = 3 * zPer + 2 * vPer * nmax + tPer + 4 + (long) nd * nd + 1 + dScratch;
      long maxElems = Math.max(Math.max(zPer, 2 * vPer * nmax), Math.max(tPer, 1));
      if (k.dntk != 0) {
        maxElems = Math.max(maxElems, Math.max(dDirs * gStride, 2 * dPairs * nd * nmax));
      }
      int cap = launchSize > 0 ? launchSize
          : (int) Math.max(1, Math.min(MAX_LAUNCH, DEFAULT_BUDGET_BYTES / (8 * perNet)));
      cap = (int) Math.min(cap, Math.max(1, (Integer.MAX_VALUE - 8) / maxElems));
      capacity = (int) Math.max(1, Math.min(cap, networks));
      k.z = new double[capacity * k.zPer];
      k.sig = new double[capacity * k.zPer];
      k.dsig = new double[capacity * k.zPer];
      k.g = new double[Math.max(1, capacity * 2 * k.vPer * nmax)];
      k.theta = new double[capacity * k.tPer];
      k.rnd = new double[capacity * 4];
      k.coef = new double[capacity * nd * nd];
      k.diverged = new int[capacity];
      boolean dn = k.dntk != 0;
      k.d2sig = new double[dn ? capacity * k.zPer : 1];
      k.dg = new double[dn ? capacity * k.dDirs * k.gStride : 1];
      k.dzd = new double[dn ? capacity * 2 * k.dDirs * nd * nmax : 1];
      k.dzdd = new double[dn ? capacity * 2 * k.dPairs * nd * nmax : 1];
      k.dntkOut = new double[dn ? capacity * k.dPer : 1];
      k.launch = new int[2];

      ClBinding bound = ClBinding.bind(k, forceJava);
      OpenCLDevice cl = bound.device();
      reason = bound.reason();
      device = cl != null ? cl : JavaDevice.THREAD_POOL;
      platform = bound.platform();
      // No explicit buffer management (Kernel.setExplicit) on OpenCL: Aparapi then copies every
      // array in and every written array out inside execute(), while it holds the arrays pinned.
      // With explicit get() the read-back runs after execute() has unpinned them; a GC in between
      // moves a small array (diverged, z, dntkOut), and on a CPU device (POCL), where the cl_mem was
      // created with CL_MEM_USE_HOST_PTR on the array's old address, get() copies whatever now lies
      // there (ClBufferMoveTest: "diverged at layer 1072693248", the high word of a double 1.0).
    }

    void launch(long first, int count) {
      k.launch[0] = (int) first;
      k.launch[1] = count;
      // outputs of a work-item that fails to write them must not pass for a previous launch's
      java.util.Arrays.fill(k.diverged, ClOutputs.NOT_WRITTEN);
      if (device instanceof OpenCLDevice) {
        k.execute(Range.create(device, count));
      } else {
        // Aparapi's thread pool runs one thread per work-item of a group; an explicit group size
        // (global rounded up, surplus items return at once) avoids its default group sizes, which
        // left work-items unexecuted for some global sizes (seen with 3 on Aparapi 3.0.2).
        int local = JTP_GROUP;
        int global = (count + local - 1) / local * local;
        k.execute(Range.create(device, global, local));
      }
      launches++;
      Runnable hook = afterExecute;
      if (hook != null) {
        hook.run();
      }
      if (device instanceof OpenCLDevice) {
        allCl &= k.isRunningCL();
        if (!allCl && reason.isEmpty()) {
          reason = "Aparapi fell back from OpenCL during launch " + launches;
        }
      }
      ClOutputs.checkDiverged(k, first, count, depth);
    }

    /** z^{(ℓ)} of work-item g as [α][i] (into {@code into} when it has the right shape). */
    double[][] z(int g, int layer, double[][] into) {
      return ClOutputs.z(k, nd, g, layer, into);
    }

    /** Θ̂^{(ℓ)} of work-item g as [i·N_D+α][k·N_D+β]. */
    double[][] theta(int g, int layer, double[][] into) {
      return ClOutputs.theta(k, m[layer] * nd, g, layer, into);
    }

    /** The dNTK statistics of work-item g's layer ℓ (2·N_D⁴ numbers, p then q). */
    double[] dntk(int g, int layer, double[] into) {
      int len = 2 * nd * nd * nd * nd;
      double[] out = into != null ? into : new double[len];
      System.arraycopy(k.dntkOut, g * k.dPer + (layer - 1) * len, out, 0, len);
      return out;
    }

    Execution execution() {
      boolean cl = device instanceof OpenCLDevice && allCl && launches > 0;
      String name = device instanceof OpenCLDevice d ? d.getName() : "Java thread pool";
      return new Execution(cl, name, platform, launches, capacity, reason);
    }

    @Override
    public void close() {
      k.dispose();
    }
  }
}

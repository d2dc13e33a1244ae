package org.rgflow.opencl;

import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.JavaDevice;
import com.aparapi.device.OpenCLDevice;
import java.util.ArrayList;
import java.util.List;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.ensemble.NetworkSource;
import org.rgflow.ensemble.OrderedReducer;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.exact.ExactEnsemble;
import org.rgflow.layer.Residual;
import org.rgflow.rng.Streams;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.LayerData;
import org.rgflow.stats.Need;

/**
 * The exact conditional sampler on OpenCL (sampler "exact", device "opencl"): {@link ClExactKernel}
 * draws network e's pre-activations z^{(ℓ)} from their conditional law given the layer below and,
 * with the NTK, Θ̂ by the Gram sweep (per-target layout), on the same Philox streams as the CPU's
 * exact sampler ({@link ExactEnsemble}), in double precision; the source emits them as they are, and
 * the {@link org.rgflow.ensemble.EnsembleDriver} forms each network's statistics and merges them in
 * the fixed order of the CPU exact sampler. So the two agree network by network and statistic by
 * statistic to rounding (ClExactTest), for every launch size.
 *
 * <p>The NTK only where the CPU takes the same path ({@link #ntkRefusal}: relu, leaky relu, linear,
 * dense, the per-target layout); otherwise a run with the NTK is refused with the reason. The dNTK is
 * not measured. Launches hold at most {@link #launchSize()} networks (default: what fits a 256 MiB
 * budget, ≤ 4096); memory never grows with E. Without an OpenCL device the same kernel runs on
 * Aparapi's Java thread pool, and the report says why ({@link ClEnsemble.Execution}).
 */
public final class ClExactEnsemble implements SourceFactory {
  static final long DEFAULT_BUDGET_BYTES = 256L << 20;
  static final int MAX_LAUNCH = 4096;
  /** Most bytes of buffers one network may need (host and device each hold a copy). */
  static final long MAX_NETWORK_BYTES = 1L << 30;
  /** The kernel keeps Ĝ and its factor in 8 × 8 blocks. */
  public static final int MAX_KERNEL_INPUTS = 8;
  /** Why a run's NTK cannot be measured here, or null when it can (the per-target Gram sweep). */
  public static String ntkRefusal(NetworkSpec spec, int nd, int ntkNeurons) {
    String why = ExactEnsemble.perTargetGramRefusal(spec, nd, ntkNeurons);
    return why == null ? null : "the exact sampler on opencl has the NTK only where the CPU's takes the"
        + " per-target Gram sweep, and here " + why + "; use --no-ntk, or --backend cpu";
  }

  private final int launchSize;
  private final boolean forceJava;

  /** Launch size from the memory budget; OpenCL when available. */
  public ClExactEnsemble() {
    this(0, false);
  }

  /**
   * @param launchSize networks per launch (0: from the memory budget); never changes results
   * @param forceJava run on Aparapi's Java thread pool even where OpenCL exists (tests)
   */
  public ClExactEnsemble(int launchSize, boolean forceJava) {
    if (launchSize < 0) {
      throw new IllegalArgumentException("launch size must be ≥ 0, got " + launchSize);
    }
    this.launchSize = launchSize;
    this.forceJava = forceJava;
  }

  public int launchSize() {
    return launchSize;
  }

  @Override
  public String sampler() {
    return ExactEnsemble.SAMPLER;
  }

  @Override
  public String device() {
    return "opencl";
  }

  @Override
  public String unsupported(NetworkSpec spec) {
    String why = new ExactEnsemble().unsupported(spec);
    return why != null ? why : Residual.kernelRefusal(spec, ClActivation::of);
  }

  /** The NTK depends on the network ({@link #ntkRefusal}, checked when a run opens); not the dNTK. */
  @Override
  public String unsupported(Need need) {
    return need == Need.DNTK ? DNTK_REFUSAL : null;
  }

  @Override
  public NetworkSource open(EnsembleRun run) {
    NetworkSpec spec = run.spec();
    int depth = spec.depth();
    int nd = run.inputs().count();
    if (run.stats().needs().contains(Need.DNTK)) {
      throw new SpecException("--observables", DNTK_REFUSAL);
    }
    boolean ntk = run.stats().needs().contains(Need.NTK) && run.ntkNeurons() > 0;
    if (ntk && ntkRefusal(spec, nd, run.ntkNeurons()) != null) {
      throw new SpecException("--backend", ntkRefusal(spec, nd, run.ntkNeurons()));
    }
    Launcher l = new Launcher(spec, run.inputs(), run.settings().seed(), ntk ? run.ntkNeurons() : 0,
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
              sink.layer(first + g, layer, data);
            }
          }
        };
      }

      @Override
      public Report report() {
        ClEnsemble.Execution ex = l.execution();
        List<String> notes = new ArrayList<>();
        notes.add(ex.openCl() ? "executed=OpenCL device=" + ex.device() + " platform=" + ex.platform()
            : "executed=Aparapi Java thread pool (fallback: " + ex.reason() + "); no OpenCL device"
            + " was used, the same kernel ran on Aparapi's Java thread pool");
        notes.add("sampler=exact on the device: z^(l) ~ N(0, G^(l)) given the layer below" + (ntk
            ? ", the NTK by the Gram sweep (per-target layout)" : ", forward pass only")
            + "; no weight is drawn (docs/EXACT_SAMPLER.md)");
        notes.add("precision=fp64 launchSize=" + ex.launchSize() + " launches=" + ex.launches()
            + " reductionBlock=" + OrderedReducer.BLOCK);
        notes.add("rng=philox4x32-10, the CPU exact sampler's streams c2 = l|"
            + Streams.hex(Streams.EXACT_FORWARD) + " (forward)" + (ntk ? ", "
            + Streams.hex(Streams.GRAM_GAUSS) + " and " + Streams.hex(Streams.GRAM_CHI)
            + "|t<<14|l' (NTK, Gram sweep)" : "") + " on the device (ln/sin/cos: OpenCL built-ins)");
        return new Report(ex.openCl() ? ex.device() : "Aparapi Java thread pool", notes, ex);
      }

      @Override
      public void close() {
        l.close();
      }
    };
  }

  /** Networks of the per-network hook and where the kernel ran them. */
  public record Networks(List<NetworkSample> samples, ClEnsemble.Execution execution) {}

  /** {@link #networks(NetworkSpec, Inputs, long, long, int, int)} without the NTK. */
  public Networks networks(NetworkSpec spec, Inputs inputs, long seed, long first, int count) {
    return networks(spec, inputs, seed, first, count, 0);
  }

  /**
   * The per-network hook, the twin of {@link ExactEnsemble#network}: networks first..first+count−1
   * computed by the kernel, with Θ̂ of min(n_ℓ, ntkNeurons) neurons when ntkNeurons &gt; 0 (for
   * network-by-network comparisons).
   */
  public Networks networks(NetworkSpec spec, Inputs inputs, long seed, long first, int count,
      int ntkNeurons) {
    EnsembleRun.validateNetworks(spec, inputs, first + count);
    String why = unsupported(spec);
    if (why != null) {
      throw new SpecException("--backend", "the exact sampler on opencl cannot sample this network: "
          + why);
    }
    if (ntkNeurons > 0 && ntkRefusal(spec, inputs.count(), ntkNeurons) != null) {
      throw new SpecException("--backend", ntkRefusal(spec, inputs.count(), ntkNeurons));
    }
    List<NetworkSample> out = new ArrayList<>();
    int depth = spec.depth();
    try (Launcher l = new Launcher(spec, inputs, seed, ntkNeurons, count)) {
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

  /** One run's kernel, buffers and device: sized once, launched per chunk, disposed at the end. */
  private final class Launcher implements AutoCloseable {
    final ClExactKernel k = new ClExactKernel();
    final int nd;
    final int capacity;
    final int[] m;
    final Device device;
    final String platform;
    String reason = "";
    int launches;
    boolean allCl = true;

    Launcher(NetworkSpec spec, Inputs inputs, long seed, int ntkNeurons, long networks) {
      int depth = spec.depth();
      if (depth > Streams.MAX_DEPTH) {
        throw new SpecException("--depth", "the exact sampler's random streams allow depth ≤ "
            + Streams.MAX_DEPTH + ", got " + depth);
      }
      nd = inputs.count();
      if (nd > MAX_KERNEL_INPUTS) {
        throw new SpecException("--inputs", "the exact sampler's OpenCL kernel takes at most "
            + MAX_KERNEL_INPUTS + " inputs, got " + nd);
      }
      ClActivation act = ClActivation.of(spec.activation());
      k.nd = nd;
      k.depth = depth;
      k.key0 = (int) seed;
      k.key1 = (int) (seed >>> 32);
      k.act = act.code();
      k.actA = act.a();
      k.actB = act.b();
      k.width = new int[depth + 1];
      k.zOff = new int[depth + 1];
      k.cwn = new double[depth + 1];
      k.cbl = new double[depth + 1];
      k.gam = new double[depth + 1];
      k.xiL = new double[depth + 1];
      long zPer = 0;
      for (int l = 0; l <= depth; l++) {
        int n = spec.width(l);
        k.width[l] = n;
        k.zOff[l] = (int) Math.min(zPer, Integer.MAX_VALUE);
        zPer += (long) n * nd;
        k.xiL[l] = 1.0;
        if (l >= 1) {
          // the CPU's s_W² and s_b² (LayerScales), so Ĝ is formed from the same doubles
          double sw = Math.sqrt(spec.cw(l) / spec.width(l - 1));
          double sb = Math.sqrt(spec.cb(l));
          k.cwn[l] = sw * sw;
          k.cbl[l] = sb * sb;
          if (spec.layer(l) instanceof Residual r) {
            k.gam[l] = r.gamma();
            k.xiL[l] = r.xi();
          }
        }
      }
      if (zPer > Integer.MAX_VALUE - 8) {
        throw new SpecException("--width", "one network's pre-activations (" + zPer + " doubles)"
            + " exceed the OpenCL kernel's int indexing");
      }
      k.zPer = (int) zPer;
      k.cholPer = 64 * (depth + 1);
      // the NTK's sizes: Θ̂ blocks, each target layer's Γ and Y, the step's workspace
      m = new int[depth + 1];
      k.mL = new int[depth + 1];
      k.tOff = new int[depth + 1];
      k.tgOff = new int[depth + 1];
      k.tyOff = new int[depth + 1];
      k.wScale = new double[depth + 1];
      k.bScale = new double[depth + 1];
      k.lamB = new double[depth + 1];
      k.lamWn = new double[depth + 1];
      long tPer = 0;
      long tgPer = 0;
      long tyPer = 0;
      int mMax = 1;
      int maxW = 1;
      for (int l = 1; l <= depth; l++) {
        m[l] = ntkNeurons > 0 ? Math.min(ntkNeurons, spec.width(l)) : 0;
        k.mL[l] = m[l];
        int mm = m[l] * nd;
        k.tOff[l] = (int) tPer;
        k.tgOff[l] = (int) tgPer;
        k.tyOff[l] = (int) tyPer;
        tPer += (long) mm * mm;
        tgPer += (long) mm * mm;
        tyPer += 8L * mm;
        mMax = Math.max(mMax, mm);
        maxW = Math.max(maxW, spec.width(l - 1));
        k.wScale[l] = Math.sqrt(spec.cw(l) / spec.width(l - 1));
        k.bScale[l] = Math.sqrt(spec.cb(l));
        k.lamB[l] = spec.lambdaB(l);
        k.lamWn[l] = spec.lambdaW(l) / spec.width(l - 1);
      }
      boolean ntk = ntkNeurons > 0;
      k.gramNtk = ntk ? 1 : 0;
      k.tPer = (int) Math.max(1, tPer);
      k.mMax = mMax;
      int groups = Math.min(1 << nd, maxW);
      k.gMax = groups;
      int ws = 0;
      k.oGramL = ws;
      ws += mMax * mMax;
      k.oRc = ws;
      ws += mMax * mMax;
      k.oAEta = ws;
      ws += mMax * 8;
      k.oSc = ws;
      ws += mMax * 8;
      k.oRhs = ws;
      ws += 8;
      k.oBuf = ws;
      ws += mMax * 8 + mMax * mMax + 4;
      k.oEtaBias = ws;
      ws += mMax + 4;
      k.oXg = ws;
      ws += mMax * 8;
      k.oBart = ws;
      ws += mMax * mMax;
      k.oFrow = ws;
      ws += mMax * (8 + mMax);
      k.oUu = ws;
      ws += 8;
      k.oZtZ = ws;
      ws += groups * 64;
      k.oL = ws;
      ws += groups * 64;
      k.oDL = ws;
      ws += groups * 64;
      k.oTG = ws;
      ws += (int) tgPer;
      k.oTY = ws;
      ws += (int) tyPer;
      int iw = 0;
      k.oKept = iw;
      iw += mMax;
      k.oTRow = iw;
      iw += mMax;
      k.oRowIdx = iw;
      iw += mMax;
      k.oGroupOf = iw;
      iw += 1 << nd;
      k.oGFirst = iw;
      iw += groups;
      k.oGPattern = iw;
      iw += groups;
      k.oGCount = iw;
      iw += groups;
      k.oGRank = iw;
      iw += groups;
      k.wsPer = ntk ? ws : 0;
      k.iwsPer = ntk ? iw : 0;
      double[] x = new double[inputs.dim() * nd];
      for (int j = 0; j < inputs.dim(); j++) {
        for (int a = 0; a < nd; a++) {
          x[j * nd + a] = inputs.get(a, j);
        }
      }
      k.x = x;
      long perNet = 2 * zPer + 64 + k.cholPer + 4 + 1 + (ntk ? k.tPer + k.wsPer + k.iwsPer / 2 + 3 : 0);
      if (8 * perNet > MAX_NETWORK_BYTES || (ntk && (long) ws + tPer > Integer.MAX_VALUE / 2)) {
        throw new SpecException("--width", "one network needs " + 8 * perNet + " bytes of OpenCL"
            + " buffers, more than " + MAX_NETWORK_BYTES + "; use a narrower network, fewer inputs or"
            + " --ntk-neurons, or the cpu backend");
      }
      int cap = launchSize > 0 ? launchSize
          : (int) Math.max(1, Math.min(MAX_LAUNCH, DEFAULT_BUDGET_BYTES / (8 * perNet)));
      cap = (int) Math.min(cap, Math.max(1, (Integer.MAX_VALUE - 8) / Math.max(zPer, 64)));
      capacity = (int) Math.max(1, Math.min(cap, networks));
      k.z = new double[capacity * k.zPer];
      k.sig = new double[capacity * k.zPer];
      k.gram = new double[capacity * 64];
      k.chol = new double[capacity * k.cholPer];
      k.theta = new double[ntk ? capacity * k.tPer : 1];
      k.ws = new double[ntk ? capacity * k.wsPer : 1];
      k.iws = new int[ntk ? capacity * k.iwsPer : 1];
      k.pw = new int[capacity * 4];
      k.groupCount = new int[capacity];
      k.coef = new double[capacity * nd * nd];
      k.rnd = new double[capacity * 4];
      k.diverged = new int[capacity];
      k.launch = new int[2];

      ClBinding bound = ClBinding.bind(k, forceJava);
      OpenCLDevice cl = bound.device();
      reason = bound.reason();
      device = cl != null ? cl : JavaDevice.THREAD_POOL;
      platform = bound.platform();
      // No explicit buffers (Kernel.setExplicit), as in ClEnsemble: Aparapi copies every array in and
      // out inside execute() while it holds them pinned; an explicit get() after execute() can read a
      // moved array's old address on a CPU device (docs/OPENCL.md, ClBufferMoveTest).
    }

    void launch(long first, int count) {
      k.launch[0] = (int) first;
      k.launch[1] = count;
      // outputs of a work-item that fails to write them must not pass for a previous launch's
      java.util.Arrays.fill(k.diverged, ClOutputs.NOT_WRITTEN);
      if (device instanceof OpenCLDevice) {
        k.execute(Range.create(device, count));
      } else {
        // the thread pool needs an explicit group size (see ClEnsemble.JTP_GROUP)
        int local = ClEnsemble.JTP_GROUP;
        int global = (count + local - 1) / local * local;
        k.execute(Range.create(device, global, local));
      }
      launches++;
      if (device instanceof OpenCLDevice) {
        allCl &= k.isRunningCL();
        if (!allCl && reason.isEmpty()) {
          reason = "Aparapi fell back from OpenCL during launch " + launches;
        }
      }
      ClOutputs.checkDiverged(k, first, count, k.width.length - 1);
    }

    /** z^{(ℓ)} of work-item g as [α][i] (into {@code into} when given). */
    double[][] z(int g, int layer, double[][] into) {
      return ClOutputs.z(k, nd, g, layer, into);
    }

    /** Θ̂^{(ℓ)} of work-item g as [i·N_D+α][k·N_D+β]. */
    double[][] theta(int g, int layer, double[][] into) {
      return ClOutputs.theta(k, m[layer] * nd, g, layer, into);
    }

    ClEnsemble.Execution execution() {
      boolean cl = device instanceof OpenCLDevice && allCl && launches > 0;
      String name = device instanceof OpenCLDevice d ? d.getName() : "Java thread pool";
      return new ClEnsemble.Execution(cl, name, platform, launches, capacity, reason);
    }

    @Override
    public void close() {
      k.dispose();
    }
  }
}

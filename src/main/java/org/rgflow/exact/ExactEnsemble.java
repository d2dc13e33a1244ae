package org.rgflow.exact;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.rgflow.core.LayerValues;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleBackend;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.LayerStats;
import org.rgflow.ensemble.MomentAccumulator;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.ensemble.OrderedReducer;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.rng.InitRng;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * The exact conditional sampler on the CPU (docs/EXACT_SAMPLER.md): the same per-network statistic
 * vectors as {@link CpuEnsemble} ({@link LayerStats#compute} on z of all n_ℓ neurons and the Θ̂
 * sub-block of the first m_ℓ neurons), reduced by the same {@link OrderedReducer}, so observables and
 * their errors are formed identically and results are bit-identical for every chunk size and thread
 * count. Its networks are different random variables from the direct sampler's (own Philox
 * streams, {@link ExactNetwork#FORWARD_FLAG}, {@link ExactNetwork#NTK_FLAG}); only their law is the
 * same.
 */
public final class ExactEnsemble implements EnsembleBackend {
  /** The sampler's name as recorded in results ("exact"; the direct one is "direct"). */
  public static final String SAMPLER = "exact";

  @Override
  public String name() {
    return "cpu";
  }

  /** Network e of the exact sampler (z of every layer and, with ntkNeurons &gt; 0, Θ̂ sub-blocks). */
  public static NetworkSample network(NetworkSpec spec, Inputs inputs, long seed, long e,
      int ntkNeurons) {
    ExactNetwork net = new ExactNetwork(spec, inputs, seed, ntkNeurons);
    int depth = spec.depth();
    double[][][] z = new double[depth][][];
    int[] measured = new int[depth];
    double[][][] theta = ntkNeurons > 0 ? new double[depth][][] : null;
    net.run(e, (l, zl, thl) -> {
      z[l - 1] = new double[zl.length][];
      for (int a = 0; a < zl.length; a++) {
        z[l - 1][a] = java.util.Arrays.copyOf(zl[a], spec.width(l));
      }
      measured[l - 1] = net.measured(l);
      if (theta != null) {
        theta[l - 1] = deepCopy(thl);
      }
    });
    return new NetworkSample(seed, e, z, measured, theta);
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  @Override
  public EnsembleResult run(NetworkSpec spec, Inputs inputs, RunSettings settings,
      ProgressListener progress) {
    long t0 = System.nanoTime();
    long e = settings.ensemble();
    if (e > InitRng.MAX_NETWORKS) {
      throw new SpecException("--ensemble", "the randomness contract supports at most 2^32 networks, got "
          + e);
    }
    if (inputs.count() > CpuEnsemble.MAX_INPUTS) {
      throw new SpecException("--inputs", "the ensemble measures the full four-point tensor and its"
          + " covariance, which grows like N_D^8; at most " + CpuEnsemble.MAX_INPUTS + " inputs, got "
          + inputs.count());
    }
    if (inputs.dim() != spec.n0()) {
      throw new SpecException("--inputs", "inputs have dimension " + inputs.dim()
          + " but the network expects n0 = " + spec.n0());
    }
    ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
    int depth = spec.depth();
    int ntkNeurons = settings.ntk() ? settings.ntkNeurons() : 0;
    LayerStats stats = new LayerStats(inputs.count(), settings.ntk());
    OrderedReducer reducer = new OrderedReducer(depth, stats.dim(), e);
    AtomicLong nextIndex = new AtomicLong();
    AtomicLong done = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    int chunk = settings.chunk();
    Runnable worker = () -> {
      try {
        ExactNetwork net = new ExactNetwork(spec, inputs, settings.seed(), ntkNeurons);
        while (failure.get() == null) {
          long start = nextIndex.getAndAdd(chunk);
          if (start >= e) {
            break;
          }
          long end = Math.min(e, start + chunk);
          for (long i = start; i < end && failure.get() == null; i++) {
            double[][] x = new double[depth][stats.dim()];
            net.run(i, (l, zl, thl) -> stats.compute(zl, spec.width(l), thl, net.measured(l),
                x[l - 1]));
            reducer.deposit(i, x);
            listener.progress(done.incrementAndGet(), e);
          }
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    };
    int threads = (int) Math.min(settings.threads(), e);
    if (threads == 1) {
      worker.run();
    } else {
      List<Thread> pool = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread th = new Thread(worker, "rgflow-exact-" + t);
        th.setDaemon(true);
        pool.add(th);
        th.start();
      }
      for (Thread th : pool) {
        try {
          th.join();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          failure.compareAndSet(null, ie);
        }
      }
    }
    Throwable f = failure.get();
    if (f != null) {
      if (f instanceof RuntimeException re) {
        throw re;
      }
      if (f instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("ensemble worker failed", f);
    }
    MomentAccumulator[] total = reducer.result();
    List<LayerValues> layers = new ArrayList<>();
    for (int l = 1; l <= depth; l++) {
      LayerValues lv = new LayerValues(l);
      stats.fill(lv, total[l - 1], spec.width(l - 1));
      layers.add(lv);
    }
    double seconds = (System.nanoTime() - t0) * 1e-9;
    List<String> notes = new ArrayList<>();
    notes.add("sampler=exact: z^(l) ~ N(0, G^(l)) given the layer below and the NTK's backward"
        + " vectors through the weights' conditional law; no weight is drawn (docs/EXACT_SAMPLER.md)");
    notes.add("seed=" + settings.seed());
    notes.add("threads=" + settings.threads() + " chunk=" + chunk + " reductionBlock="
        + OrderedReducer.BLOCK);
    if (settings.ntk()) {
      notes.add("ntkNeurons=" + ntkNeurons + " (first min(n_l, ntkNeurons) neurons per layer)");
    }
    notes.add("rng=philox4x32-10, exact-sampler streams c2 = l|0x40000000 (forward),"
        + " l|0x60000000 (NTK); weights/s counts the direct sampler's equivalent");
    return new EnsembleResult(name(), layers, e, seconds, CpuEnsemble.weightsPerNetwork(spec), notes);
  }
}

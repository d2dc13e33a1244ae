package org.rgflow.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.rgflow.act.Activation;
import org.rgflow.core.Limits;
import org.rgflow.stats.MomentAccumulator;
import org.rgflow.ensemble.OrderedReducer;
import org.rgflow.rng.InitRng;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * The CPU reference trainer: E networks, each initialised from the randomness contract
 * (docs/RANDOMNESS.md, so network e is network e of {@code rgflow sample}) and trained by full-batch
 * gradient descent on L = ½ Σ_α̃ (z_α̃ − y_α̃)² with per-parameter steps η·λ_b^{(ℓ)} (biases) and
 * η·λ_W^{(ℓ)}/n_{ℓ−1} (weights) (docs/THEORY.md §1). One output component (n_L = 1).
 *
 * <p>A network's weights are held explicitly (Σ n_ℓ n_{ℓ−1} doubles) only while it trains; each worker
 * thread reuses one workspace. Per network the trainer records a fixed-length vector (test outputs,
 * their products, the departure from the kernel map, the empirical NTK on the training points at the
 * first and last step, loss and steps; {@link TrainResult}) and merges it through
 * {@link OrderedReducer}, so results are bit-identical for every thread count; nothing grows with E.
 *
 * <p>One step: a forward pass over the N_A training inputs and one backward sweep that, row by row,
 * back-propagates δ through W^{(ℓ)} and then updates that row. Per-input δ's are kept unscaled
 * (δ^{(L)}_α = 1), so the same sweep gives the empirical NTK
 * Θ̂_{αβ} = Σ_ℓ (δ^{(ℓ)}_α·δ^{(ℓ)}_β)(λ_b + (λ_W/n_{ℓ−1}) σ^{(ℓ−1)}_α·σ^{(ℓ−1)}_β) at no extra sweep.
 * Napkin: ≈ 6·N_A multiply-adds per weight per step (2 forward, 4 backward+update); the weights stay in
 * cache only for small networks, so for n ≳ 512 a step is memory-bound at ~3 passes over W.
 */
public final class CpuTrainer {
  private final NetworkSpec spec;
  private final Dataset data;
  private final TrainSettings settings;
  private final double[][] testMap;

  /**
   * @param testMap the infinite-width map P (N_B × N_A) for the test points at the step count (or at
   *     convergence) in use; the departure z_B(T) − [z_B(0) − P(z_A(0) − y)] is measured against it
   */
  public CpuTrainer(NetworkSpec spec, Dataset data, TrainSettings settings, double[][] testMap) {
    if (spec.width(spec.depth()) != 1) {
      throw new SpecException("--out-width", "training uses one output component (n_L = 1), got "
          + spec.width(spec.depth()));
    }
    if (spec.n0() != data.dim()) {
      throw new SpecException("--data", "the data have " + data.dim() + " inputs per row, the network n0 = "
          + spec.n0());
    }
    if (spec.activation().derivativeIsSingular()) {
      throw new SpecException("--act", spec.activation().name() + " has no usable derivative for gradient descent");
    }
    if (testMap.length != data.testCount() || testMap[0].length != data.trainCount()) {
      throw new IllegalArgumentException("test map is " + testMap.length + "x" + testMap[0].length);
    }
    this.spec = spec;
    this.data = data;
    this.settings = settings;
    this.testMap = testMap;
  }

  /** One trained network, everything the accumulators use (for tests and cross-checks). */
  public record Outcome(double[] zTrain0, double[] zTest0, double[] zTrainT, double[] zTestT,
      double[][] ntk0, double[][] ntkT, long steps, double loss, double[][] zTestAt, double signFlips) {}

  /** Trains network e on the calling thread. */
  public Outcome trainOne(long e) {
    return new Worker().train(e);
  }

  /** Trains all E networks on {@code settings.threads()} threads and reduces them in network order. */
  public TrainResult run() {
    return run(org.rgflow.ensemble.ProgressListener.NONE);
  }

  /** As {@link #run()}, telling {@code progress} of every trained network (from worker threads). */
  public TrainResult run(org.rgflow.ensemble.ProgressListener progress) {
    long t0 = System.nanoTime();
    AtomicLong trained = new AtomicLong();
    Layout lay = new Layout(data.trainCount(), data.testCount(), settings.checkpoints().length);
    OrderedReducer red = new OrderedReducer(1, lay.dim, settings.ensemble());
    AtomicLong next = new AtomicLong();
    int threads = (int) Math.min(settings.threads(), settings.ensemble());
    ExecutorService ex = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "rgflow-train");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        fs.add(ex.submit(() -> {
          Worker wk = new Worker();
          for (long e = next.getAndIncrement(); e < settings.ensemble(); e = next.getAndIncrement()) {
            red.deposit(e, new double[][] {lay.vector(wk.train(e), testMap, data.yTrain())});
            progress.progress(trained.incrementAndGet(), settings.ensemble());
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } catch (ExecutionException e) {
      next.set(Long.MAX_VALUE);
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      ex.shutdownNow();
    }
    MomentAccumulator acc = red.result()[0];
    return new TrainResult(lay, acc, (System.nanoTime() - t0) * 1e-9);
  }

  /**
   * The reduction {@link #run} uses, for outcomes produced elsewhere (a device trainer): deposit every
   * network 0..E−1 once, in any order, then {@link Reduction#result}; the result is the one
   * {@link #run} gives for the same outcomes, bit for bit.
   */
  public Reduction reduction() {
    return new Reduction();
  }

  /** See {@link #reduction()}. */
  public final class Reduction {
    private final long t0 = System.nanoTime();
    private final Layout lay = new Layout(data.trainCount(), data.testCount(), settings.checkpoints().length);
    private final OrderedReducer red = new OrderedReducer(1, lay.dim, settings.ensemble());

    private Reduction() {}

    /** Network e's outcome (thread-safe, as OrderedReducer). */
    public void add(long e, Outcome o) {
      red.deposit(e, new double[][] {lay.vector(o, testMap, data.yTrain())});
    }

    public TrainResult result() {
      return new TrainResult(lay, red.result()[0], (System.nanoTime() - t0) * 1e-9);
    }
  }

  /** Offsets of the per-network vector (see {@link TrainResult}). */
  static final class Layout {
    final int a;
    final int b;
    final int zT;
    final int prod;
    final int dep;
    final int ntk0;
    final int ntkT;
    final int rel;
    final int loss;
    final int steps;
    final int z0;
    final int flip;
    /** Trajectory: z_β after checkpoint k's step at ck + k·b + β, its square at ck2 + k·b + β. */
    final int ck;
    final int ck2;
    final int k;
    final int dim;

    Layout(int a, int b, int k) {
      this.a = a;
      this.b = b;
      this.k = k;
      zT = 0;
      prod = zT + b;
      dep = prod + b * (b + 1) / 2;
      ntk0 = dep + b;
      ntkT = ntk0 + a * (a + 1) / 2;
      rel = ntkT + a * (a + 1) / 2;
      loss = rel + 1;
      steps = loss + 1;
      z0 = steps + 1;
      flip = z0 + b;
      ck = flip + 1;
      ck2 = ck + k * b;
      dim = ck2 + k * b;
    }

    /** Index of the pair (i ≤ j) in an upper triangle of size m, row by row. */
    static int tri(int i, int j, int m) {
      if (i > j) {
        int t = i;
        i = j;
        j = t;
      }
      return i * m - i * (i - 1) / 2 + (j - i);
    }

    double[] vector(Outcome o, double[][] p, double[] y) {
      double[] x = new double[dim];
      for (int i = 0; i < b; i++) {
        x[zT + i] = o.zTestT()[i];
        x[z0 + i] = o.zTest0()[i];
        for (int j = i; j < b; j++) {
          x[prod + tri(i, j, b)] = o.zTestT()[i] * o.zTestT()[j];
        }
        double lin = o.zTest0()[i];
        for (int al = 0; al < a; al++) {
          lin -= p[i][al] * (o.zTrain0()[al] - y[al]);
        }
        x[dep + i] = o.zTestT()[i] - lin;
      }
      double num = 0;
      double den = 0;
      for (int i = 0; i < a; i++) {
        for (int j = 0; j < a; j++) {
          double d = o.ntkT()[i][j] - o.ntk0()[i][j];
          num += d * d;
          den += o.ntk0()[i][j] * o.ntk0()[i][j];
          if (j >= i) {
            x[ntk0 + tri(i, j, a)] = o.ntk0()[i][j];
            x[ntkT + tri(i, j, a)] = o.ntkT()[i][j];
          }
        }
      }
      x[rel] = Math.sqrt(num / den);
      x[loss] = o.loss();
      x[steps] = o.steps();
      x[flip] = o.signFlips();
      for (int c = 0; c < k; c++) {
        for (int i = 0; i < b; i++) {
          double v = o.zTestAt()[c][i];
          x[ck + c * b + i] = v;
          x[ck2 + c * b + i] = v * v;
        }
      }
      return x;
    }
  }

  /** One thread's workspace, reused across networks. */
  private final class Worker {
    private final int depth = spec.depth();
    private final int[] w = new int[depth + 1];
    private final double[][] wt = new double[depth + 1][];
    private final double[][] bias = new double[depth + 1][];
    private final double[] lrW = new double[depth + 1];
    private final double[] lrB = new double[depth + 1];
    private final int pts = Math.max(data.trainCount(), data.testCount());
    /** z[ℓ][α][i]; σ[ℓ][α][j] (σ[0] = x); σ′[ℓ][α][j]. */
    private final double[][][] z = new double[depth + 1][][];
    private final double[][][] sig = new double[depth][][];
    private final double[][][] dsig = new double[depth][][];
    private double[][] delta;
    private double[][] back;
    private final double[] rowBuf;
    private final double[] eps;
    private final Activation act = spec.activation();

    Worker() {
      int maxW = 0;
      for (int l = 0; l <= depth; l++) {
        w[l] = spec.width(l);
        maxW = Math.max(maxW, w[l]);
      }
      for (int l = 1; l <= depth; l++) {
        wt[l] = new double[w[l] * w[l - 1]];
        bias[l] = new double[w[l] + 4];
        lrW[l] = settings.eta() * spec.lambdaW(l) / w[l - 1];
        lrB[l] = settings.eta() * spec.lambdaB(l);
        z[l] = new double[pts][w[l]];
      }
      for (int l = 0; l < depth; l++) {
        sig[l] = new double[pts][w[l]];
        dsig[l] = new double[pts][w[l]];
      }
      delta = new double[pts][maxW];
      back = new double[pts][maxW];
      rowBuf = new double[maxW + 4];
      eps = new double[data.trainCount()];
    }

    private void init(long e) {
      long seed = settings.seed();
      for (int l = 1; l <= depth; l++) {
        int nIn = w[l - 1];
        double sw = Math.sqrt(spec.cw(l) / nIn);
        double[] wl = wt[l];
        for (int i = 0; i < w[l]; i++) {
          InitRng.weightRow(seed, e, l, i, nIn, rowBuf);
          int off = i * nIn;
          for (int j = 0; j < nIn; j++) {
            wl[off + j] = sw * rowBuf[j];
          }
        }
        InitRng.biases(seed, e, l, w[l], rowBuf);
        double sb = Math.sqrt(spec.cb(l));
        for (int i = 0; i < w[l]; i++) {
          bias[l][i] = sb * rowBuf[i];
        }
      }
    }

    /** Forward pass of {@code count} inputs; returns the outputs z^{(L)}_α. */
    private double[] forward(double[][] x, int count) {
      for (int al = 0; al < count; al++) {
        System.arraycopy(x[al], 0, sig[0][al], 0, w[0]);
      }
      for (int l = 1; l <= depth; l++) {
        int nIn = w[l - 1];
        double[] wl = wt[l];
        double[][] in = sig[l - 1];
        for (int i = 0; i < w[l]; i++) {
          int off = i * nIn;
          for (int al = 0; al < count; al++) {
            double[] s = in[al];
            double acc = bias[l][i];
            for (int j = 0; j < nIn; j++) {
              acc += wl[off + j] * s[j];
            }
            z[l][al][i] = acc;
          }
        }
        if (l < depth) {
          for (int al = 0; al < count; al++) {
            act.valueAndD1(z[l][al], sig[l][al], dsig[l][al], w[l]);
          }
        }
      }
      double[] out = new double[count];
      for (int al = 0; al < count; al++) {
        out[al] = z[depth][al][0];
      }
      return out;
    }

    /**
     * Backward sweep over the training inputs after {@link #forward}: per-input δ's (unscaled), the
     * empirical NTK into {@code ntk} when not null, and the GD update with residuals {@link #eps} when
     * {@code update}.
     */
    private void backward(boolean update, double[][] ntk) {
      int na = data.trainCount();
      for (int al = 0; al < na; al++) {
        delta[al][0] = 1;
      }
      if (ntk != null) {
        for (double[] r : ntk) {
          java.util.Arrays.fill(r, 0);
        }
      }
      for (int l = depth; l >= 1; l--) {
        int nOut = w[l];
        int nIn = w[l - 1];
        double[] wl = wt[l];
        double[][] s = sig[l - 1];
        if (ntk != null) {
          double lw = spec.lambdaW(l) / nIn;
          double lb = spec.lambdaB(l);
          for (int al = 0; al < na; al++) {
            for (int be = al; be < na; be++) {
              double dd = 0;
              for (int i = 0; i < nOut; i++) {
                dd += delta[al][i] * delta[be][i];
              }
              double ss = 0;
              for (int j = 0; j < nIn; j++) {
                ss += s[al][j] * s[be][j];
              }
              double v = dd * (lb + lw * ss);
              ntk[al][be] += v;
              if (be != al) {
                ntk[be][al] += v;
              }
            }
          }
        }
        boolean down = l > 1;
        if (down) {
          for (int al = 0; al < na; al++) {
            java.util.Arrays.fill(back[al], 0, nIn, 0);
          }
        }
        for (int i = 0; i < nOut; i++) {
          int off = i * nIn;
          if (down) {
            for (int al = 0; al < na; al++) {
              double d = delta[al][i];
              double[] bk = back[al];
              for (int j = 0; j < nIn; j++) {
                bk[j] += wl[off + j] * d;
              }
            }
          }
          if (update) {
            double gb = 0;
            for (int al = 0; al < na; al++) {
              double g = eps[al] * delta[al][i];
              gb += g;
              if (g != 0) {
                double c = -lrW[l] * g;
                double[] sa = s[al];
                for (int j = 0; j < nIn; j++) {
                  wl[off + j] += c * sa[j];
                }
              }
            }
            bias[l][i] -= lrB[l] * gb;
          }
        }
        if (down) {
          double[][] ds = dsig[l - 1];
          for (int al = 0; al < na; al++) {
            for (int j = 0; j < nIn; j++) {
              delta[al][j] = back[al][j] * ds[al][j];
            }
          }
        }
      }
    }

    /** Signs of the hidden pre-activations at the training inputs, from the last training forward. */
    private boolean[][][] signs;

    private void recordSigns() {
      int na = data.trainCount();
      if (signs == null) {
        signs = new boolean[depth][na][];
        for (int l = 1; l < depth; l++) {
          for (int al = 0; al < na; al++) {
            signs[l][al] = new boolean[w[l]];
          }
        }
      }
      for (int l = 1; l < depth; l++) {
        for (int al = 0; al < na; al++) {
          for (int i = 0; i < w[l]; i++) {
            signs[l][al][i] = z[l][al][i] > 0;
          }
        }
      }
    }

    /**
     * Fraction of (hidden neuron, training input) pairs whose pre-activation changed sign since
     * {@link #recordSigns}: for ReLU, the units that crossed the kink (0 for a depth-1 network).
     */
    private double signFlips() {
      int na = data.trainCount();
      long flips = 0;
      long total = 0;
      for (int l = 1; l < depth; l++) {
        for (int al = 0; al < na; al++) {
          for (int i = 0; i < w[l]; i++) {
            if (signs[l][al][i] != z[l][al][i] > 0) {
              flips++;
            }
          }
          total += w[l];
        }
      }
      return total == 0 ? 0 : (double) flips / total;
    }

    Outcome train(long e) {
      init(e);
      int na = data.trainCount();
      double[] y = data.yTrain();
      double[] zTest0 = forward(data.xTest(), data.testCount());
      double[] zTrain0 = null;
      double[][] ntk0 = new double[na][na];
      double[][] ntkT = new double[na][na];
      long[] cks = settings.checkpoints();
      double[][] zTestAt = new double[cks.length][];
      int nextCk = 0;
      long s = 0;
      double loss;
      double[] zTrain;
      while (true) {
        if (nextCk < cks.length && cks[nextCk] == s) {
          zTestAt[nextCk++] = s == 0 ? zTest0.clone() : forward(data.xTest(), data.testCount());
        }
        zTrain = forward(data.xTrain(), na);
        loss = 0;
        for (int al = 0; al < na; al++) {
          eps[al] = zTrain[al] - y[al];
          loss += 0.5 * eps[al] * eps[al];
        }
        if (!(loss < Limits.OVERFLOW)) {
          throw new TrainingDivergenceException(e, s);
        }
        boolean stop = s >= settings.steps() || (settings.tol() > 0 && loss <= settings.tol());
        if (s == 0) {
          zTrain0 = zTrain.clone();
          recordSigns();
          backward(!stop, ntk0);
          if (stop) {
            for (int al = 0; al < na; al++) {
              ntkT[al] = ntk0[al].clone();
            }
          }
        } else if (stop) {
          backward(false, ntkT);
        } else {
          backward(true, null);
        }
        if (stop) {
          break;
        }
        s++;
      }
      double flips = signFlips();
      double[] zTestT = forward(data.xTest(), data.testCount());
      // Checkpoints at or after the step a network stopped at (--tol) see its final outputs.
      while (nextCk < cks.length) {
        zTestAt[nextCk++] = zTestT.clone();
      }
      return new Outcome(zTrain0, zTest0, zTrain, zTestT, ntk0, ntkT, s, loss, zTestAt, flips);
    }
  }
}

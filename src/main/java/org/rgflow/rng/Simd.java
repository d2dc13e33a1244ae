package org.rgflow.rng;

/**
 * The SIMD path of the randomness contract ({@link SimdRows}), when the JVM has the Vector API:
 * {@code --add-modules jdk.incubator.vector} (the {@code rgflow} launcher and the tests add it) and
 * vectors of at least {@value #MIN_LANES} doubles. Without it, or with
 * {@code -Drgflow.simd=off}, {@link #lanes} is 0 and callers use the scalar {@link InitRng} path;
 * both give the same numbers bit for bit, only the speed differs.
 *
 * <p>Warm-up: vector code runs 50–100× slower than scalar code until C2 has compiled it (the
 * interpreter and C1 box every vector), and a busy machine can take seconds to get there. So
 * {@link #startWarmUp} (called when the CPU direct source is chosen) starts a daemon thread that calls the kernels on small rows and, every few hundred
 * calls, times one SIMD call against the scalar rows it replaces; {@link #lanes} stays 0 (callers
 * keep the scalar path) until the SIMD call is the faster one. If it never is within
 * {@value #WARMUP_LIMIT_MS} ms (a machine whose vector unit the JIT does not use well), the
 * scalar path stays. Switching mid-run changes no number, since both paths give the same bits.
 */
public final class Simd {
  /** Fewer lanes than this is not worth the vector code (SSE-only machines). */
  static final int MIN_LANES = 4;
  /** Give up the SIMD path if it is not faster than the scalar one after this long. */
  static final long WARMUP_LIMIT_MS = 60_000;
  /** Rows per {@link #rowDots} call once warm, or 0 when the SIMD path is off. */
  static final int LANES = detect();

  /** Runs below this many weights never wait for the SIMD path ({@link #sizeHint}). */
  public static final double SMALL_RUN_WEIGHTS = 2e8;

  private static volatile boolean ready;
  /** The warm-up has decided (ready or given up), or the SIMD path is off. */
  private static volatile boolean done = LANES == 0;
  private static volatile boolean cancel;
  private static Thread warmer;
  private static final Object LOCK = new Object();

  static {
    if (LANES > 0 && "force".equalsIgnoreCase(System.getProperty("rgflow.simd", ""))) {
      ready = true;
      done = true;
    }
  }

  private Simd() {}

  private static int detect() {
    if ("off".equalsIgnoreCase(System.getProperty("rgflow.simd", ""))) {
      return 0;
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return 0;
    }
    try {
      int lanes = SimdRows.LANES;
      return lanes >= MIN_LANES ? lanes : 0;
    } catch (LinkageError | RuntimeException e) {
      return 0;
    }
  }

  /** Rows per {@link #rowDots} call: the vector length once the SIMD path is warm, else 0. */
  public static int lanes() {
    return ready ? LANES : 0;
  }

  /**
   * Starts the warm-up thread unless it runs or has decided (idempotent, cheap). The CPU direct
   * source calls it as soon as it is chosen, so that the warm-up overlaps the theory.
   */
  public static void startWarmUp() {
    synchronized (LOCK) {
      if (done) {
        return;
      }
      if (warmer != null) {
        cancel = false; // a small run's stop not yet seen: the thread goes on
        return;
      }
      cancel = false;
      Thread t = new Thread(Simd::warmUp, "rgflow-simd-warm-up");
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      warmer = t;
      t.start();
    }
  }

  /**
   * The size of the run about to start, in weights: a small one (below {@link #SMALL_RUN_WEIGHTS},
   * about a CPU-second of scalar rows, the warm-up's own cost) stops a warm-up still in progress, so
   * that it does not take CPU from the run; a large one starts it. A later large run starts it
   * again.
   */
  public static void sizeHint(double weights) {
    if (weights >= SMALL_RUN_WEIGHTS) {
      startWarmUp();
    } else {
      synchronized (LOCK) {
        if (warmer != null) {
          cancel = true;
        }
      }
    }
  }

  /**
   * Waits until the warm-up has decided (at most {@code millis} ms); true when the SIMD path is
   * on. For tests and benchmarks that must measure the SIMD path.
   */
  public static boolean awaitReady(long millis) throws InterruptedException {
    startWarmUp();
    long end = System.currentTimeMillis() + millis;
    synchronized (LOCK) {
      while (!done) {
        startWarmUp(); // again, should a small run's hint have stopped it meanwhile
        long left = end - System.currentTimeMillis();
        if (left <= 0) {
          break;
        }
        LOCK.wait(left);
      }
    }
    return ready;
  }

  /** How the weight rows are generated, for notes: "simd 8 lanes", "scalar", "warming up". */
  public static String describe() {
    if (ready) {
      return "simd " + LANES + " lanes";
    }
    return done ? "scalar" : warmer != null ? "scalar (simd warming up)" : "scalar (simd not warmed up)";
  }

  private static void warmUp() {
    long start = System.nanoTime();
    int probeIn = 64;
    double[][] x = new double[2][69];
    for (double[] v : x) {
      for (int j = 0; j < v.length; j++) {
        v[j] = 0.5 + 0.01 * j;
      }
    }
    double[] buf = new double[SimdRows.bufferLength(2)];
    double[] out = new double[2 * LANES];
    double[] row = new double[probeIn];
    double sink = 0;
    long bestSimd = Long.MAX_VALUE;
    long bestScalar = Long.MAX_VALUE;
    boolean on = false;
    int wins = 0;
    try {
      for (int it = 0; ; it++) {
        // a mix of shapes, so that every branch of the kernels is compiled (tails, partial chunks)
        SimdRows.dots(it, it & 7, 1, 0, (it & 15) == 15 ? 69 : 5 + (it & 2), x, 1 + (it & 1), buf, out);
        sink += out[0];
        if ((it & 63) == 63) {
          long t0 = System.nanoTime();
          SimdRows.dots(it, 3, 2, 0, probeIn, x, 1, buf, out);
          long t1 = System.nanoTime();
          for (int k = 0; k < LANES; k++) {
            InitRng.weightRow(it, 3, 2, k, probeIn, row);
            sink += org.rgflow.core.Sums.dot(row, x[0], probeIn);
          }
          long t2 = System.nanoTime();
          sink += out[1];
          // on when the SIMD call beat the fastest scalar probe so far twice in a row: robust to a
          // probe another thread delayed and to scalar code that is still being compiled
          bestScalar = Math.min(bestScalar, t2 - t1);
          bestSimd = t1 - t0;
          wins = bestSimd < bestScalar ? wins + 1 : 0;
          if (wins >= 2) {
            on = true;
            break;
          }
          if (t2 - start > WARMUP_LIMIT_MS * 1_000_000L) {
            break;
          }
        }
        if (cancel) {
          synchronized (LOCK) {
            if (cancel) {
              if (Boolean.getBoolean("rgflow.simd.debug")) {
                System.err.printf("simd warm-up: stopped for a small run after %.0f ms%n",
                    (System.nanoTime() - start) * 1e-6);
              }
              warmer = null; // a later large run starts afresh (the JIT keeps what it compiled)
              LOCK.notifyAll();
              return;
            }
          }
        }
      }
    } catch (RuntimeException | LinkageError e) {
      on = false;
    }
    if (sink == 42.4242) { // keeps the JIT from discarding the warm-up work
      System.out.print("");
    }
    if (Boolean.getBoolean("rgflow.simd.debug")) { // -Drgflow.simd.debug=true: when the switch came
      System.err.printf("simd warm-up: %s after %.0f ms (probe simd %d ns, scalar %d ns)%n",
          on ? "on" : "off", (System.nanoTime() - start) * 1e-6, bestSimd, bestScalar);
    }
    synchronized (LOCK) {
      ready = on;
      done = true;
      warmer = null;
      LOCK.notifyAll();
    }
  }

  /**
   * dst[d₀ + k][j] = scale · g_{i₀+k, j} (k &lt; LANES, j &lt; nIn): rows i₀..i₀+LANES−1 of
   * {@link InitRng#weightRow}, each weight multiplied by scale, bit for bit. Needs LANES &gt; 0 and
   * {@code buf.length ≥ bufferLength(1)}.
   */
  public static void scaledRows(long seed, long network, int layer, int i0, int nIn, double scale,
      double[][] dst, int d0, double[] buf) {
    SimdRows.scaledRows(seed, (int) network, layer, i0, nIn, scale, dst, d0, buf);
  }

  /** Doubles of the buffer {@link #rowDots} needs for nd inputs. */
  public static int bufferLength(int nd) {
    return LANES == 0 ? 0 : SimdRows.bufferLength(nd);
  }

  /**
   * out[α·LANES + k] = Σ_j g_{i₀+k, j} σ_α[j] (α &lt; nd, k &lt; LANES) for the unit Gaussians g of
   * weight rows i₀..i₀+LANES−1 of layer ℓ of network e: bit for bit
   * {@code Sums.dot(row, sIn[α], nIn)} of {@link InitRng#weightRow}'s rows. Needs LANES &gt; 0 and
   * {@code buf.length ≥ bufferLength(nd)}; callable before the warm-up ends (only slower).
   */
  public static void rowDots(long seed, long network, int layer, int i0, int nIn, double[][] sIn,
      int nd, double[] buf, double[] out) {
    SimdRows.dots(seed, (int) network, layer, i0, nIn, sIn, nd, buf, out);
  }
}

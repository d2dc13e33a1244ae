package org.rgflow.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.rgflow.act.Activation;
import org.rgflow.core.Host;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.theory.TheoryDivergenceException;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.train.CpuTrainer;
import org.rgflow.train.Dataset;
import org.rgflow.train.Gaussian;
import org.rgflow.train.KernelPredictions;
import org.rgflow.train.Kernels;
import org.rgflow.train.PowerFit;
import org.rgflow.train.SeriesFit;
import org.rgflow.train.TrainResult;
import org.rgflow.train.TrainSettings;

/**
 * {@code rgflow train} as a call: train E networks by full-batch gradient descent and put the
 * trained ensemble on the test points beside the infinite-width NTK prediction (at the same step, or
 * at convergence with a tolerance) and the NNGP posterior (docs/TRAINING.md, docs/THEORY.md §8); with
 * several widths, a scan with fits of the departure against n. η selection, checkpoints, the
 * evidence scan and the fits all happen here; it prints nothing.
 */
public final class TrainRun {
  public static final String ACT = "relu";
  public static final String CB = "0.1";
  public static final String CW = "2";
  public static final String WIDTH = "512";
  public static final String DEPTH = "2";
  public static final String LAMBDA = "1";
  public static final String ENSEMBLE = "1000";
  public static final String SEED = "0";
  public static final String ETA = "auto";
  public static final String STEPS = "100";
  public static final String TOL = "0";
  public static final String DATA = "builtin";
  public static final String N0 = "2";
  public static final String TRAIN_POINTS = "6";
  public static final String CHECKPOINTS = "auto";
  public static final String NOISE = "0";
  public static final String BACKEND = "cpu";

  private TrainRun() {}

  /**
   * Typed, checked options.
   *
   * @param specs one network per run (several: a width scan)
   * @param scan whether the runs are a width scan
   * @param eta the step, or NaN for 1/θ_max of the infinite-width train NTK
   * @param evidenceScan also compute the NNGP evidence against C_W
   * @param backend cpu (CpuTrainer), cuda (CudaTrainer, kernels/train.cu) or opencl (ClTrainer)
   */
  public record Options(List<NetworkSpec> specs, boolean scan, Dataset data, long ensemble, long seed,
      int threads, double eta, long steps, double tol, double noise, long[] checkpoints,
      boolean evidenceScan, String backend) {
    public Options {
      specs = List.copyOf(specs);
    }
  }

  /**
   * The trainer backends: cpu, or cuda / opencl when a driver and device answer (checked before any
   * work).
   */
  static String backend(String v) {
    String b = v == null ? BACKEND : v.trim().toLowerCase(java.util.Locale.ROOT);
    switch (b) {
      case "cpu":
        return b;
      case "cuda": {
        org.rgflow.device.CudaBackendProbe p = org.rgflow.device.CudaBackendProbe.run();
        if (!p.available()) {
          throw new SpecException("--backend", "cuda unavailable: " + p.reason());
        }
        return b;
      }
      case "opencl": {
        String why = org.rgflow.opencl.ClTrainer.unavailable();
        if (why != null) {
          throw new SpecException("--backend", "opencl unavailable: " + why);
        }
        return b;
      }
      default:
        throw new SpecException("--backend", "unknown trainer backend '" + v
            + "' (choose cpu, cuda, opencl)");
    }
  }

  /**
   * The options from text flags keyed by their names without dashes (the command line's), checked
   * before any work: every error names its flag.
   *
   * @param evidence also compute the evidence scan (the flag, or a report that draws it)
   */
  public static Options options(Map<String, String> given, Engines engines, boolean evidence) {
    Map<String, String> f = new LinkedHashMap<>(Map.ofEntries(Map.entry("act", ACT), Map.entry("cb", CB),
        Map.entry("cw", CW), Map.entry("width", WIDTH), Map.entry("depth", DEPTH),
        Map.entry("lambda-b", LAMBDA), Map.entry("lambda-w", LAMBDA), Map.entry("ensemble", ENSEMBLE),
        Map.entry("seed", SEED), Map.entry("eta", ETA), Map.entry("steps", STEPS), Map.entry("tol", TOL),
        Map.entry("data", DATA), Map.entry("n0", N0), Map.entry("train-points", TRAIN_POINTS),
        Map.entry("checkpoints", CHECKPOINTS), Map.entry("noise", NOISE), Map.entry("backend", BACKEND)));
    given.forEach((k, v) -> {
      if (v != null) {
        f.put(k, v);
      }
    });
    int l = Numbers.positiveInt("--depth", f.get("depth"));
    if (l < 2) {
      throw new SpecException("--depth", "train needs at least one hidden layer (depth 2 or more),"
          + " got " + l);
    }
    Budget.depth("--depth", l, 1);
    List<int[]> runs = new ArrayList<>();
    String widths = f.get("widths");
    if (widths != null) {
      if (!WIDTH.equals(f.get("width"))) {
        throw new SpecException("--widths", "replaces --width; give one of them");
      }
      int[] ws = Numbers.positiveInts("--widths", widths);
      if (ws.length < 3) {
        throw new SpecException("--widths", "a width scan needs at least 3 widths to fit a slope, got "
            + ws.length);
      }
      for (int x : ws) {
        runs.add(new int[] {x});
      }
    } else {
      int[] hidden = Numbers.positiveInts("--width", f.get("width"));
      if (hidden.length != 1 && hidden.length != l - 1) {
        throw new SpecException("--width", "needs one value or one per hidden layer (" + (l - 1)
            + "), got " + hidden.length);
      }
      runs.add(hidden);
    }
    double[] cbIn = Numbers.nonNegativeDoubles("--cb", f.get("cb"));
    double[] cwIn = Numbers.nonNegativeDoubles("--cw", f.get("cw"));
    double[] lbIn = Numbers.nonNegativeDoubles("--lambda-b", f.get("lambda-b"));
    double[] lwIn = Numbers.nonNegativeDoubles("--lambda-w", f.get("lambda-w"));
    long e = Numbers.positiveLong("--ensemble", f.get("ensemble"));
    long s = Numbers.parseLong("--seed", f.get("seed"));
    String threads = f.get("threads");
    int t = Flags.threads(threads);
    long nSteps = Numbers.positiveLong("--steps", f.get("steps"));
    double tol = single("--tol", f.get("tol"));
    double noise = single("--noise", f.get("noise"));
    Dataset d;
    String test = f.get("test");
    if ("builtin".equals(f.get("data"))) {
      if (test != null) {
        throw new SpecException("--test", "only with a --data file (the built-in task has its own test"
            + " points)");
      }
      d = Dataset.builtin(Numbers.positiveInt("--n0", f.get("n0")),
          Numbers.positiveInt("--train-points", f.get("train-points")));
    } else {
      if (test == null) {
        throw new SpecException("--test", "a --data file needs a --test file of test inputs");
      }
      d = Dataset.fromCsv(Path.of(f.get("data")), Path.of(test));
    }
    Activation a = engines.activation(f.get("act"));
    if (a.derivativeIsSingular()) {
      throw new SpecException("--act", a.name() + " has no usable derivative for gradient descent");
    }
    long[] cks = checkpoints(f.get("checkpoints"), nSteps);
    List<NetworkSpec> specs = new ArrayList<>();
    for (int[] hidden : runs) {
      specs.add(new NetworkSpec(d.dim(), NetworkSpec.widths(hidden, l, 1), a,
          NetworkSpec.perLayer("--cb", cbIn, l), NetworkSpec.perLayer("--cw", cwIn, l),
          NetworkSpec.perLayer("--lambda-b", lbIn, l), NetworkSpec.perLayer("--lambda-w", lwIn, l)));
    }
    double eta = "auto".equals(f.get("eta")) ? Double.NaN : single("--eta", f.get("eta"));
    String backend = backend(f.get("backend"));
    return new Options(specs, widths != null, d, e, s, t, eta, nSteps, tol, noise, cks,
        evidence || Boolean.parseBoolean(f.getOrDefault("evidence-scan", "false")), backend);
  }

  private static long[] checkpoints(String v, long nSteps) {
    if ("auto".equals(v)) {
      return TrainSettings.autoCheckpoints(nSteps);
    }
    if ("none".equals(v)) {
      return new long[0];
    }
    String[] parts = v.split(",");
    long[] c = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      c[i] = Numbers.parseLong("--checkpoints", parts[i].trim());
    }
    return c;
  }

  private static double single(String field, String v) {
    double[] x = Numbers.nonNegativeDoubles(field, v);
    if (x.length != 1) {
      throw new SpecException(field, "needs one value, got " + x.length);
    }
    return x[0];
  }

  /** Trains every run and returns the record (a scan's with its fits). */
  public static TrainOutput run(Options o) {
    return run(o, null);
  }

  /**
   * As {@link #run(Options)}, telling {@code progress} (when not null) of the networks trained,
   * over all the runs of a width scan.
   */
  public static TrainOutput run(Options o, ProgressListener progress) {
    // The infinite-width evidence does not depend on the width: one scan serves every run. It costs
    // 23 theory runs (about 20 s in all at depth 8), so only when asked for.
    TrainRecord.EvidenceScan evidence = o.evidenceScan()
        ? evidenceScan(o.specs().get(0), o.data(), o.noise()) : null;
    List<TrainRecord> records = new ArrayList<>();
    long e = o.ensemble();
    long total = e * o.specs().size();
    for (NetworkSpec spec : o.specs()) {
      long before = records.size() * e;
      TrainRecord r = runOne(spec, o, progress == null ? ProgressListener.NONE
          : (done, t) -> progress.progress(before + done, total));
      records.add(evidence == null ? r : r.withEvidence(evidence));
    }
    return o.scan() ? scan(o.specs(), records, o.data()) : records.get(0);
  }

  /** Trains one ensemble. */
  static TrainRecord runOne(NetworkSpec spec, Options o) {
    return runOne(spec, o, ProgressListener.NONE);
  }

  static TrainRecord runOne(NetworkSpec spec, Options o, ProgressListener progress) {
    Dataset d = o.data();
    KernelPredictions kp = Kernels.predictions(spec, d);
    List<String> notes = new ArrayList<>();
    double etaV;
    if (Double.isNaN(o.eta())) {
      etaV = 1 / kp.ntkEigenvalues()[0];
      notes.add(String.format("eta = 1/theta_max = %.6g (train NTK eigenvalues %.4g .. %.4g)", etaV,
          kp.ntkEigenvalues()[0], kp.ntkEigenvalues()[kp.trainPoints() - 1]));
    } else {
      etaV = o.eta();
    }
    TrainSettings ts = new TrainSettings(etaV, o.steps(), o.tol(), o.ensemble(), o.seed(), o.threads(),
        o.checkpoints());
    long predSteps = ts.converge() ? -1 : o.steps();
    double[][] p = kp.map(etaV, predSteps);
    int na = d.trainCount();
    int nb = d.testCount();
    double[][] pt = new double[nb][];
    for (int b = 0; b < nb; b++) {
      pt[b] = p[na + b];
    }
    Gaussian ntk = kp.ntk(etaV, predSteps).block(na, nb);
    Gaussian ntkInf = etaV * kp.ntkEigenvalues()[0] < 2 ? kp.ntkConverged().block(na, nb) : null;
    Gaussian nngp;
    double evidence;
    try {
      nngp = kp.nngp(o.noise()).block(na, nb);
      evidence = kp.logEvidence(o.noise());
    } catch (SpecException ex) {
      // The trained ensemble and the NTK prediction do not need K̃⁻¹; say why the NNGP is missing.
      notes.add("NNGP posterior unavailable: " + ex.getMessage() + "; try --noise > 0");
      double[][] nan = new double[nb][nb];
      double[] nanv = new double[nb];
      java.util.Arrays.fill(nanv, Double.NaN);
      for (double[] row : nan) {
        java.util.Arrays.fill(row, Double.NaN);
      }
      nngp = new Gaussian(nanv, nan);
      evidence = Double.NaN;
    }
    TrainResult r;
    String backendNote;
    if ("cuda".equals(o.backend())) {
      org.rgflow.cuda.CudaTrainer ct = new org.rgflow.cuda.CudaTrainer(spec, d, ts, pt);
      r = ct.run(progress);
      backendNote = ct.note();
    } else if ("opencl".equals(o.backend())) {
      org.rgflow.opencl.ClTrainer ct = new org.rgflow.opencl.ClTrainer(spec, d, ts, pt);
      r = ct.run(progress);
      backendNote = ct.note();
    } else {
      r = new CpuTrainer(spec, d, ts, pt).run(progress);
      backendNote = "backend cpu: CpuTrainer (--backend cuda|opencl train on a device)";
    }
    notes.add(ts.converge() ? "NTK prediction at convergence (--tol " + o.tol() + "); mean steps taken "
        + String.format("%.1f", r.steps()) : "NTK prediction after exactly " + o.steps()
        + " steps of the same eta");
    notes.add("departure = trained output minus the infinite-width kernel map applied to the same"
        + " network's initial outputs; its mean equals measured mean - NTK mean, with only finite-width"
        + " noise");
    notes.add(backendNote);
    return record(spec, d, ts, r, ntk, ntkInf, nngp, evidence, o.noise(), kp, notes,
        o.checkpoints().length > 0 ? trajectory(kp, d, ts, r) : null);
  }

  private static TrainRecord record(NetworkSpec spec, Dataset d, TrainSettings ts, TrainResult r,
      Gaussian ntk, Gaussian ntkInf, Gaussian nngp, double evidence, double noise, KernelPredictions kp,
      List<String> notes, TrainRecord.Trajectory trajectory) {
    TrainRecord.Spec sp = new TrainRecord.Spec(spec.activation().name(), spec.n0(), spec.widths(),
        spec.cbs(), spec.cws(), spec.lambdaBs(), spec.lambdaWs(), ts.ensemble(), ts.seed(), ts.eta(),
        ts.steps(), ts.tol(), noise, d.name(), d.trainCount(), d.testCount());
    List<TrainRecord.Point> pts = new ArrayList<>();
    for (int b = 0; b < d.testCount(); b++) {
      pts.add(new TrainRecord.Point(b, d.xTest()[b], new TrainRecord.Stat(r.mean(b), r.meanErr(b)),
          new TrainRecord.Stat(r.cov(b, b), r.covErr(b, b)),
          new TrainRecord.Stat(r.departure(b), r.departureErr(b)),
          z(r.mean(b), r.meanErr(b), ntk.mean()[b]),
          new TrainRecord.Prediction(ntk.mean()[b], ntk.cov()[b][b]),
          ntkInf == null ? null : new TrainRecord.Prediction(ntkInf.mean()[b], ntkInf.cov()[b][b]),
          new TrainRecord.Prediction(nngp.mean()[b], nngp.cov()[b][b])));
    }
    int nb = d.testCount();
    double[][] m = new double[nb][nb];
    double[][] me = new double[nb][nb];
    for (int i = 0; i < nb; i++) {
      for (int j = 0; j < nb; j++) {
        m[i][j] = r.cov(i, j);
        me[i][j] = r.covErr(i, j);
      }
    }
    int na = d.trainCount();
    double[][] t0 = new double[na][na];
    double[][] t0e = new double[na][na];
    double[][] t1 = new double[na][na];
    double[][] t1e = new double[na][na];
    double[][] th = new double[na][na];
    for (int i = 0; i < na; i++) {
      for (int j = 0; j < na; j++) {
        t0[i][j] = r.ntkInitial(i, j);
        t0e[i][j] = r.ntkInitialErr(i, j);
        t1[i][j] = r.ntkFinal(i, j);
        t1e[i][j] = r.ntkFinalErr(i, j);
        th[i][j] = kp.theta(i, j);
      }
    }
    return new TrainRecord(Version.current(), sp, "cpu", Host.cpuName(), pts,
        new TrainRecord.Covariance(m, me, ntk.cov(), nngp.cov()),
        new TrainRecord.NtkChange(new TrainRecord.Stat(r.ntkRelativeChange(), r.ntkRelativeChangeErr()),
            t0, t0e, t1, t1e, th),
        new TrainRecord.Training(new TrainRecord.Stat(r.loss(), r.lossErr()), r.steps(),
            new TrainRecord.Stat(r.signFlips(), r.signFlipsErr())),
        evidence, new TrainRecord.Timing(r.seconds(), r.ensemble() / r.seconds()), notes, trajectory, null);
  }

  private static double z(double m, double se, double th) {
    return se > 0 ? (m - th) / se : Double.NaN;
  }

  /**
   * The NNGP log evidence of the training data against C_W (every layer), the other settings as in
   * {@code spec}: the book's criticality in Bayesian form (the evidence peaks near the critical C_W
   * for deep networks). Theory only; a C_W whose kernel is singular gives NaN.
   */
  static TrainRecord.EvidenceScan evidenceScan(NetworkSpec spec, Dataset d, double noise) {
    int l = spec.depth();
    double[] cws = new double[23];
    double[] ev = new double[23];
    for (int k = 2; k <= 24; k++) {
      double c = 0.125 * k;
      double[] cw = new double[l];
      java.util.Arrays.fill(cw, c);
      NetworkSpec s2 = new NetworkSpec(spec.n0(), spec.widths(), spec.activation(), spec.cbs(), cw,
          spec.lambdaBs(), spec.lambdaWs());
      double v;
      try {
        v = Kernels.predictions(s2, d).logEvidence(noise);
      } catch (SpecException | TheoryDivergenceException ex) {
        v = Double.NaN;
      }
      cws[k - 2] = c;
      ev[k - 2] = v;
    }
    return new TrainRecord.EvidenceScan(cws, ev, noise);
  }

  /** Measured mean and variance at the checkpoints, and the NTK prediction on a dense grid of steps. */
  private static TrainRecord.Trajectory trajectory(KernelPredictions kp, Dataset d, TrainSettings ts,
      TrainResult r) {
    int na = d.trainCount();
    int nb = d.testCount();
    long[] cks = ts.checkpoints();
    double[][] m = new double[cks.length][nb];
    double[][] me = new double[cks.length][nb];
    double[][] v = new double[cks.length][nb];
    double[][] ve = new double[cks.length][nb];
    double[][] pm = new double[cks.length][nb];
    double[][] pv = new double[cks.length][nb];
    for (int c = 0; c < cks.length; c++) {
      Gaussian g = kp.ntk(ts.eta(), cks[c]).block(na, nb);
      for (int b = 0; b < nb; b++) {
        m[c][b] = r.meanAt(c, b);
        me[c][b] = r.meanAtErr(c, b);
        v[c][b] = r.varAt(c, b);
        ve[c][b] = r.varAtErr(c, b);
        pm[c][b] = g.mean()[b];
        pv[c][b] = g.cov()[b][b];
      }
    }
    long last = ts.steps();
    TreeSet<Long> dense = new TreeSet<>();
    for (int i = 0; i <= 200; i++) {
      dense.add(Math.round(last * (double) i / 200));
    }
    long[] ds = new long[dense.size()];
    double[][] dm = new double[dense.size()][];
    double[][] dv = new double[dense.size()][];
    int k = 0;
    for (long step : dense) {
      Gaussian g = kp.ntk(ts.eta(), step).block(na, nb);
      double[] vv = new double[nb];
      for (int b = 0; b < nb; b++) {
        vv[b] = g.cov()[b][b];
      }
      ds[k] = step;
      dm[k] = g.mean();
      dv[k++] = vv;
    }
    return new TrainRecord.Trajectory(cks.clone(), m, me, v, ve, pm, pv, ds, dm, dv);
  }

  /** The width scan: every run's record and the per-test-point fits of the departure against n. */
  static TrainScan scan(List<NetworkSpec> specs, List<TrainRecord> records, Dataset d) {
    double[] n = new double[specs.size()];
    int[] widths = new int[specs.size()];
    for (int i = 0; i < specs.size(); i++) {
      n[i] = specs.get(i).width(1);
      widths[i] = specs.get(i).width(1);
    }
    List<TrainScan.PowerLaw> fits = new ArrayList<>();
    List<List<TrainScan.Series>> series = new ArrayList<>();
    for (int b = 0; b < d.testCount(); b++) {
      double[] dep = new double[n.length];
      double[] err = new double[n.length];
      boolean sameSign = true;
      boolean errs = true;
      for (int i = 0; i < n.length; i++) {
        TrainRecord.Stat s = records.get(i).points().get(b).departure();
        dep[i] = s.value();
        err[i] = s.err();
        errs &= err[i] > 0;
        sameSign &= Math.signum(dep[i]) == Math.signum(dep[0]) && dep[i] != 0 && err[i] > 0;
      }
      List<TrainScan.Series> sf = new ArrayList<>();
      if (errs) {
        for (double[] pq : new double[][] {{-1, -2}, {-0.5, -1}}) {
          SeriesFit f = SeriesFit.fit(n, dep, err, pq[0], pq[1]);
          sf.add(new TrainScan.Series(f.label(), f.a(), f.aErr(), f.b(), f.bErr(), f.chi2(), f.dof(),
              f.pValue()));
        }
      }
      series.add(sf);
      if (!sameSign) {
        fits.add(null);
        continue;
      }
      PowerFit pf = PowerFit.fit(n, dep, err);
      fits.add(new TrainScan.PowerLaw(b, pf.slope(), pf.slopeErr(), pf.amplitude(), pf.chi2(), pf.points()));
    }
    return new TrainScan(Version.current(), widths, records, fits, series);
  }
}

package org.rgflow.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rgflow.act.Activation;
import org.rgflow.device.Backends;
import org.rgflow.io.JsonReport;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.train.CpuTrainer;
import org.rgflow.train.Dataset;
import org.rgflow.train.Gaussian;
import org.rgflow.train.KernelPredictions;
import org.rgflow.train.Kernels;
import org.rgflow.train.TrainResult;
import org.rgflow.train.TrainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rgflow train}: train E networks by full-batch gradient descent and compare the trained
 * ensemble on the test points with the infinite-width NTK prediction (at the same step, or at
 * convergence with --tol) and the NNGP Bayesian posterior (docs/TRAINING.md, FORMULAS.md §8).
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {"Train E networks by full-batch gradient descent (MSE) and compare the trained ensemble"
        + " on test points with the infinite-width predictions: measured mean ± SE and covariance ± SE beside"
        + " the NTK (gradient descent) and NNGP (Bayesian posterior) values; the departure from the kernel"
        + " map, the change of the NTK, the NNGP evidence.",
        "Defaults: relu, C_b=0.1, C_W=2, one hidden layer of width 512, the built-in circle task, E=1000,"
            + " eta = 1/theta_max of the train NTK, 100 steps. CPU only."})
final class TrainCommand implements Callable<Integer> {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private final Context ctx;

  @Option(names = "--act", paramLabel = "NAME", defaultValue = "relu",
      description = "Activation σ (default: ${DEFAULT-VALUE}).")
  String act;

  @Option(names = "--cb", paramLabel = "LIST", defaultValue = "0.1",
      description = "Bias variance C_b: one value or one per layer (default: ${DEFAULT-VALUE}).")
  String cb;

  @Option(names = "--cw", paramLabel = "LIST", defaultValue = "2",
      description = "Weight variance C_W: one value or one per layer (default: ${DEFAULT-VALUE}).")
  String cw;

  @Option(names = "--width", paramLabel = "LIST", defaultValue = "512",
      description = "Hidden width n: one value or one per hidden layer (default: ${DEFAULT-VALUE}).")
  String width;

  @Option(names = "--depth", paramLabel = "L", defaultValue = "2",
      description = "Depth L including the output layer (n_L = 1); 2 = one hidden layer (default: ${DEFAULT-VALUE}).")
  String depth;

  @Option(names = "--lambda-b", paramLabel = "LIST", defaultValue = "1",
      description = "Bias learning rate λ_b: one value or one per layer (default: ${DEFAULT-VALUE}).")
  String lambdaB;

  @Option(names = "--lambda-w", paramLabel = "LIST", defaultValue = "1",
      description = "Weight learning rate λ_W, applied as λ_W/n_{ℓ-1} (default: ${DEFAULT-VALUE}).")
  String lambdaW;

  @Option(names = "--ensemble", paramLabel = "E", defaultValue = "1000",
      description = "Number of networks E (default: ${DEFAULT-VALUE}).")
  String ensemble;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
      description = "Seed; network e's initial parameters depend only on (seed, e) (default: ${DEFAULT-VALUE}).")
  String seed;

  @Option(names = "--threads", paramLabel = "T",
      description = "Worker threads (default: available processors). Never changes results.")
  String threads;

  @Option(names = "--eta", paramLabel = "ETA|auto", defaultValue = "auto",
      description = "Global step η; auto = 1/θ_max of the infinite-width train NTK (default: ${DEFAULT-VALUE}).")
  String eta;

  @Option(names = "--steps", paramLabel = "T", defaultValue = "100",
      description = "GD steps (with --tol: the most steps) (default: ${DEFAULT-VALUE}).")
  String steps;

  @Option(names = "--tol", paramLabel = "X", defaultValue = "0",
      description = "Stop each network once its loss ½Σ(z−y)² ≤ X and compare with the converged"
          + " prediction; 0 = exactly --steps steps (default: ${DEFAULT-VALUE}).")
  String tol;

  @Option(names = "--data", paramLabel = "builtin|FILE", defaultValue = "builtin",
      description = "Training data: builtin (points on a circle, y = sin φ + ½cos 2φ) or a CSV file with rows"
          + " x_1..x_n0,y (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--test", paramLabel = "FILE",
      description = "Test inputs (CSV rows x_1..x_n0); required with a --data file.")
  String test;

  @Option(names = "--n0", paramLabel = "N", defaultValue = "2",
      description = "Input dimension of the built-in task (default: ${DEFAULT-VALUE}).")
  String n0;

  @Option(names = "--train-points", paramLabel = "N", defaultValue = "6",
      description = "Training points of the built-in task (default: ${DEFAULT-VALUE}).")
  String trainPoints;

  @Option(names = "--noise", paramLabel = "S2", defaultValue = "0",
      description = "Observation noise σ_ε² of the NNGP posterior and evidence (default: ${DEFAULT-VALUE}).")
  String noise;

  @Mixin CommonOptions common = new CommonOptions();

  TrainCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    int l = Numbers.positiveInt("--depth", depth);
    int[] hidden = Numbers.positiveInts("--width", width);
    if (hidden.length != 1 && hidden.length != l - 1) {
      throw new SpecException("--width", "needs one value or one per hidden layer (" + (l - 1) + "), got "
          + hidden.length);
    }
    int[] widths = NetworkSpec.widths(hidden, l, 1);
    double[] cbs = NetworkSpec.perLayer("--cb", Numbers.nonNegativeDoubles("--cb", cb), l);
    double[] cws = NetworkSpec.perLayer("--cw", Numbers.nonNegativeDoubles("--cw", cw), l);
    double[] lbs = NetworkSpec.perLayer("--lambda-b", Numbers.nonNegativeDoubles("--lambda-b", lambdaB), l);
    double[] lws = NetworkSpec.perLayer("--lambda-w", Numbers.nonNegativeDoubles("--lambda-w", lambdaW), l);
    long e = Numbers.positiveLong("--ensemble", ensemble);
    long s = Numbers.parseLong("--seed", seed);
    int t = threads == null ? Runtime.getRuntime().availableProcessors() : Numbers.positiveInt("--threads", threads);
    long nSteps = Numbers.parseLong("--steps", steps);
    double tolV = single("--tol", tol);
    double noiseV = single("--noise", noise);
    Dataset d;
    if ("builtin".equals(data)) {
      if (test != null) {
        throw new SpecException("--test", "only with a --data file (the built-in task has its own test points)");
      }
      d = Dataset.builtin(Numbers.positiveInt("--n0", n0), Numbers.positiveInt("--train-points", trainPoints));
    } else {
      if (test == null) {
        throw new SpecException("--test", "a --data file needs a --test file of test inputs");
      }
      d = Dataset.fromCsv(Path.of(data), Path.of(test));
    }
    Activation a = ctx.engines().activation(act);
    NetworkSpec spec = new NetworkSpec(d.dim(), widths, a, cbs, cws, lbs, lws);
    if (a.derivativeIsSingular()) {
      throw new SpecException("--act", a.name() + " has no usable derivative for gradient descent");
    }
    KernelPredictions kp = Kernels.predictions(spec, d);
    List<String> notes = new ArrayList<>();
    double etaV;
    if ("auto".equals(eta)) {
      etaV = 1 / kp.ntkEigenvalues()[0];
      notes.add(String.format("eta = 1/theta_max = %.6g (train NTK eigenvalues %.4g .. %.4g)", etaV,
          kp.ntkEigenvalues()[0], kp.ntkEigenvalues()[kp.trainPoints() - 1]));
    } else {
      etaV = single("--eta", eta);
    }
    TrainSettings ts = new TrainSettings(etaV, nSteps, tolV, e, s, t);
    long predSteps = ts.converge() ? -1 : nSteps;
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
      nngp = kp.nngp(noiseV).block(na, nb);
      evidence = kp.logEvidence(noiseV);
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
    TrainResult r = new CpuTrainer(spec, d, ts, pt).run();
    notes.add(ts.converge() ? "NTK prediction at convergence (--tol " + tolV + "); mean steps taken "
        + String.format("%.1f", r.steps()) : "NTK prediction after exactly " + nSteps + " steps of the same eta");
    notes.add("departure = trained output minus the infinite-width kernel map applied to the same network's"
        + " initial outputs; its mean equals measured mean - NTK mean, with only finite-width noise");
    notes.add("backend cpu: the GPU trainer is not implemented");
    if (common.json) {
      ctx.out().println(JsonReport.write(json(spec, d, ts, r, ntk, ntkInf, nngp, evidence, noiseV, kp, notes)));
    } else {
      table(spec, d, ts, r, ntk, nngp, evidence, kp, notes, ctx.out());
    }
    ctx.out().flush();
    return 0;
  }

  private static double single(String field, String v) {
    double[] x = Numbers.nonNegativeDoubles(field, v);
    if (x.length != 1) {
      throw new SpecException(field, "needs one value, got " + x.length);
    }
    return x[0];
  }

  private static double z(double m, double se, double th) {
    return se > 0 ? (m - th) / se : Double.NaN;
  }

  private ObjectNode json(NetworkSpec spec, Dataset d, TrainSettings ts, TrainResult r, Gaussian ntk,
      Gaussian ntkInf, Gaussian nngp, double evidence, double noiseV, KernelPredictions kp, List<String> notes) {
    ObjectNode root = F.objectNode();
    root.put("rgflow_version", VersionProvider.version());
    root.put("command", "train");
    ObjectNode sp = root.putObject("spec");
    sp.put("activation", spec.activation().name());
    sp.put("n0", spec.n0());
    ArrayNode w = sp.putArray("widths");
    for (int x : spec.widths()) {
      w.add(x);
    }
    sp.set("cb", arr(spec.cbs()));
    sp.set("cw", arr(spec.cws()));
    sp.set("lambda_b", arr(spec.lambdaBs()));
    sp.set("lambda_w", arr(spec.lambdaWs()));
    sp.put("ensemble", ts.ensemble());
    sp.put("seed", ts.seed());
    sp.set("eta", JsonReport.number(ts.eta()));
    sp.put("steps", ts.steps());
    sp.set("tol", JsonReport.number(ts.tol()));
    sp.set("noise", JsonReport.number(noiseV));
    sp.put("data", d.name());
    sp.put("train_points", d.trainCount());
    sp.put("test_points", d.testCount());
    root.put("backend", "cpu");
    root.put("device", Backends.cpuName());
    ArrayNode pts = root.putArray("points");
    for (int b = 0; b < d.testCount(); b++) {
      ObjectNode o = pts.addObject();
      o.put("test_point", b);
      o.set("x", arr(d.xTest()[b]));
      o.set("mean", JsonReport.number(r.mean(b)));
      o.set("mean_err", JsonReport.number(r.meanErr(b)));
      o.set("var", JsonReport.number(r.cov(b, b)));
      o.set("var_err", JsonReport.number(r.covErr(b, b)));
      o.set("departure", JsonReport.number(r.departure(b)));
      o.set("departure_err", JsonReport.number(r.departureErr(b)));
      o.set("z_mean", JsonReport.number(z(r.mean(b), r.meanErr(b), ntk.mean()[b])));
      ObjectNode th = o.putObject("theory");
      ObjectNode tn = th.putObject("ntk");
      tn.set("mean", JsonReport.number(ntk.mean()[b]));
      tn.set("var", JsonReport.number(ntk.cov()[b][b]));
      if (ntkInf != null) {
        tn.set("mean_converged", JsonReport.number(ntkInf.mean()[b]));
        tn.set("var_converged", JsonReport.number(ntkInf.cov()[b][b]));
      }
      ObjectNode tg = th.putObject("nngp");
      tg.set("mean", JsonReport.number(nngp.mean()[b]));
      tg.set("var", JsonReport.number(nngp.cov()[b][b]));
    }
    ObjectNode cov = root.putObject("covariance");
    int nb = d.testCount();
    double[][] m = new double[nb][nb];
    double[][] me = new double[nb][nb];
    for (int i = 0; i < nb; i++) {
      for (int j = 0; j < nb; j++) {
        m[i][j] = r.cov(i, j);
        me[i][j] = r.covErr(i, j);
      }
    }
    cov.set("measured", mat(m));
    cov.set("measured_err", mat(me));
    cov.set("ntk", mat(ntk.cov()));
    cov.set("nngp", mat(nngp.cov()));
    ObjectNode nc = root.putObject("ntk_change");
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
    nc.set("relative_change", JsonReport.number(r.ntkRelativeChange()));
    nc.set("relative_change_err", JsonReport.number(r.ntkRelativeChangeErr()));
    nc.set("initial", mat(t0));
    nc.set("initial_err", mat(t0e));
    nc.set("final", mat(t1));
    nc.set("final_err", mat(t1e));
    nc.set("theory", mat(th));
    ObjectNode tr = root.putObject("training");
    tr.set("loss", JsonReport.number(r.loss()));
    tr.set("loss_err", JsonReport.number(r.lossErr()));
    tr.set("steps_mean", JsonReport.number(r.steps()));
    root.set("log_evidence", JsonReport.number(evidence));
    ObjectNode tm = root.putObject("timing");
    tm.set("seconds", JsonReport.number(r.seconds()));
    tm.set("networks_per_second", JsonReport.number(r.ensemble() / r.seconds()));
    ArrayNode ns = root.putArray("notes");
    notes.forEach(ns::add);
    return root;
  }

  private static ArrayNode arr(double[] v) {
    ArrayNode a = F.arrayNode();
    for (double x : v) {
      a.add(JsonReport.number(x));
    }
    return a;
  }

  private static ArrayNode mat(double[][] m) {
    ArrayNode a = F.arrayNode();
    for (double[] row : m) {
      a.add(arr(row));
    }
    return a;
  }

  private static void table(NetworkSpec spec, Dataset d, TrainSettings ts, TrainResult r, Gaussian ntk,
      Gaussian nngp, double evidence, KernelPredictions kp, List<String> notes, PrintWriter out) {
    out.printf("rgflow train — %s, widths %s, C_b %s, C_W %s, lambda_b %s, lambda_W %s; %s; E = %d, seed %d,"
        + " eta = %.6g, %s%n", spec.activation().name(), java.util.Arrays.toString(spec.widths()),
        fmt(spec.cbs()), fmt(spec.cws()), fmt(spec.lambdaBs()), fmt(spec.lambdaWs()), d.name(), ts.ensemble(),
        ts.seed(), ts.eta(), ts.converge() ? "until loss <= " + ts.tol() + " (at most " + ts.steps() + " steps)"
            : ts.steps() + " steps");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"point", "quantity", "measured", "± SE", "NTK", "z", "NNGP", "departure", "± SE"});
    for (int b = 0; b < d.testCount(); b++) {
      rows.add(new String[] {Integer.toString(b), "mean", f(r.mean(b)), f(r.meanErr(b)), f(ntk.mean()[b]),
          z2(z(r.mean(b), r.meanErr(b), ntk.mean()[b])), f(nngp.mean()[b]), f(r.departure(b)),
          f(r.departureErr(b))});
      for (int c = b; c < d.testCount(); c++) {
        rows.add(new String[] {"", "cov(" + b + "," + c + ")", f(r.cov(b, c)), f(r.covErr(b, c)),
            f(ntk.cov()[b][c]), z2(z(r.cov(b, c), r.covErr(b, c), ntk.cov()[b][c])), f(nngp.cov()[b][c]), "", ""});
      }
    }
    int[] wd = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        wd[i] = Math.max(wd[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String c = row[i];
        sb.append(i < 2 ? String.format("%-" + wd[i] + "s", c) : String.format("%" + wd[i] + "s", c));
        sb.append(i + 1 < row.length ? "  " : "");
      }
      out.println(sb.toString().stripTrailing());
    }
    out.printf("NTK on the training points: relative change ||Theta_T - Theta_0||/||Theta_0|| = %s ± %s;"
        + " Theta_00 initial %s ± %s, final %s ± %s, theory %s%n", f(r.ntkRelativeChange()),
        f(r.ntkRelativeChangeErr()), f(r.ntkInitial(0, 0)), f(r.ntkInitialErr(0, 0)), f(r.ntkFinal(0, 0)),
        f(r.ntkFinalErr(0, 0)), f(kp.theta(0, 0)));
    out.printf("final training loss %s ± %s; NNGP log evidence %s; %.2f s (%.1f networks/s)%n", f(r.loss()),
        f(r.lossErr()), f(evidence), r.seconds(), r.ensemble() / r.seconds());
    for (String n : notes) {
      out.println("note: " + n);
    }
  }

  private static String fmt(double[] v) {
    boolean same = true;
    for (double x : v) {
      same &= x == v[0];
    }
    return same ? f(v[0]) : java.util.Arrays.toString(v);
  }

  private static String f(double v) {
    if (Double.isNaN(v)) {
      return "—";
    }
    return String.format("%.5g", v);
  }

  private static String z2(double z) {
    if (Double.isNaN(z)) {
      return "—";
    }
    return String.format("%.2f", z) + (Math.abs(z) > 3 ? "*" : "");
  }
}

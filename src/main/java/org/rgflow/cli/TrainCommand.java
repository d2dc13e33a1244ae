package org.rgflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rgflow.act.Activation;
import org.rgflow.app.Numbers;
import org.rgflow.device.Backends;
import org.rgflow.io.JsonReport;
import org.rgflow.report.HtmlReport;
import org.rgflow.report.TrainReport;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.train.CpuTrainer;
import org.rgflow.train.Dataset;
import org.rgflow.train.Gaussian;
import org.rgflow.train.KernelPredictions;
import org.rgflow.train.PowerFit;
import org.rgflow.train.SeriesFit;
import org.rgflow.train.Kernels;
import org.rgflow.train.TrainResult;
import org.rgflow.train.TrainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rgflow train}: train E networks by full-batch gradient descent and compare the trained
 * ensemble on the test points with the infinite-width NTK prediction (at the same step, or at
 * convergence with --tol) and the NNGP Bayesian posterior (docs/TRAINING.md, docs/THEORY.md §8).
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {"Train E networks by full-batch gradient descent (MSE) and compare the trained ensemble"
        + " on test points with the infinite-width predictions: measured mean ± SE and covariance ± SE beside"
        + " the NTK (gradient descent) and NNGP (Bayesian posterior) values; the departure from the kernel"
        + " map, the change of the NTK, the NNGP evidence.",
        "Defaults: relu, C_b=0.1, C_W=2, one hidden layer of width 512, the built-in circle task, E=1000,"
            + " eta = 1/theta_max of the train NTK, 100 steps. CPU only.",
        "Width scan: --widths 128,256,512,1024 fits the departure against n. --report DIR adds an HTML report."})
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

  @Option(names = "--widths", paramLabel = "LIST",
      description = "Width scan: train the same task at each hidden width (all hidden layers equal) and fit"
          + " the departure from the kernel prediction as A·n^p per test point (p = -1: shrinks as 1/n)."
          + " Replaces --width.")
  String widths;

  @Option(names = "--checkpoints", paramLabel = "auto|none|LIST", defaultValue = "auto",
      description = "Steps after which the test outputs are recorded (trajectory: mean and variance vs step"
          + " beside the NTK prediction at that step); auto = 0,1,2,5,10,20,50,… and the last step"
          + " (default: ${DEFAULT-VALUE}).")
  String checkpoints;

  @Option(names = "--evidence-scan",
      description = "Also compute the NNGP log evidence of the training data for C_W = 0.25 … 3 (every layer;"
          + " JSON key evidence_vs_cw); on with --report.")
  boolean evidenceScan;

  @Option(names = "--report", paramLabel = "DIR",
      description = "Also write an HTML report with figures (prediction vs measurement with error bars,"
          + " vs training step and width) and the JSON record to DIR.")
  String report;

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
    List<int[]> runs = new ArrayList<>();
    if (widths != null) {
      if (!"512".equals(width)) {
        throw new SpecException("--widths", "replaces --width; give one of them");
      }
      int[] ws = Numbers.positiveInts("--widths", widths);
      if (ws.length < 3) {
        throw new SpecException("--widths", "a width scan needs at least 3 widths to fit a slope, got " + ws.length);
      }
      for (int x : ws) {
        runs.add(new int[] {x});
      }
    } else {
      int[] hidden = Numbers.positiveInts("--width", width);
      if (hidden.length != 1 && hidden.length != l - 1) {
        throw new SpecException("--width", "needs one value or one per hidden layer (" + (l - 1) + "), got "
            + hidden.length);
      }
      runs.add(hidden);
    }
    double[] cbIn = Numbers.nonNegativeDoubles("--cb", cb);
    double[] cwIn = Numbers.nonNegativeDoubles("--cw", cw);
    double[] lbIn = Numbers.nonNegativeDoubles("--lambda-b", lambdaB);
    double[] lwIn = Numbers.nonNegativeDoubles("--lambda-w", lambdaW);
    long e = Numbers.positiveLong("--ensemble", ensemble);
    long s = Numbers.parseLong("--seed", seed);
    int t = threads == null ? Runtime.getRuntime().availableProcessors() : Numbers.positiveInt("--threads", threads);
    long nSteps = Numbers.parseLong("--steps", steps);
    double tolV = single("--tol", tol);
    double noiseV = single("--noise", noise);
    Path reportDir = report == null ? null : Path.of(report);
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
    if (a.derivativeIsSingular()) {
      throw new SpecException("--act", a.name() + " has no usable derivative for gradient descent");
    }
    long[] cks = checkpoints(nSteps);
    List<NetworkSpec> specs = new ArrayList<>();
    for (int[] hidden : runs) {
      specs.add(new NetworkSpec(d.dim(), NetworkSpec.widths(hidden, l, 1), a, NetworkSpec.perLayer("--cb", cbIn, l),
          NetworkSpec.perLayer("--cw", cwIn, l), NetworkSpec.perLayer("--lambda-b", lbIn, l),
          NetworkSpec.perLayer("--lambda-w", lwIn, l)));
    }
    // The infinite-width evidence does not depend on the width: one scan serves every run. It costs
    // 23 theory runs (about 20 s in all at depth 8), so only when asked for or drawn.
    ObjectNode evidence = evidenceScan || reportDir != null ? evidenceScan(specs.get(0), d, noiseV) : null;
    List<ObjectNode> records = new ArrayList<>();
    for (NetworkSpec spec : specs) {
      // Every input is checked (above) before the first network trains.
      ObjectNode rec = runOne(spec, d, e, s, t, nSteps, tolV, noiseV, cks, widths == null);
      if (evidence != null) {
        rec.set("evidence_vs_cw", evidence);
      }
      records.add(rec);
    }
    ObjectNode out = records.get(0);
    if (widths != null) {
      out = scan(specs, records, d);
      if (!common.json) {
        scanTable(specs, records, out, d, ctx.out());
      }
    }
    if (common.json) {
      ctx.out().println(JsonReport.write(out));
    }
    if (reportDir != null) {
      HtmlReport.Written w = TrainReport.write(reportDir, out, VersionProvider.version());
      ctx.err().println("report: " + w.html() + " (" + w.figures().size() + " figures)");
    }
    ctx.out().flush();
    return 0;
  }

  private long[] checkpoints(long nSteps) {
    if ("auto".equals(checkpoints)) {
      return TrainSettings.autoCheckpoints(nSteps);
    }
    if ("none".equals(checkpoints)) {
      return new long[0];
    }
    String[] parts = checkpoints.split(",");
    long[] c = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      c[i] = Numbers.parseLong("--checkpoints", parts[i].trim());
    }
    return c;
  }

  /** Trains one ensemble; prints its table unless JSON or a scan; returns its JSON record. */
  private ObjectNode runOne(NetworkSpec spec, Dataset d, long e, long s, int t, long nSteps, double tolV,
      double noiseV, long[] cks, boolean printTable) {
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
    TrainSettings ts = new TrainSettings(etaV, nSteps, tolV, e, s, t, cks);
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
    ObjectNode rec = json(spec, d, ts, r, ntk, ntkInf, nngp, evidence, noiseV, kp, notes);
    if (cks.length > 0) {
      rec.set("trajectory", trajectory(kp, d, ts, r));
    }
    if (printTable && !common.json) {
      table(spec, d, ts, r, ntk, nngp, evidence, kp, notes, ctx.out());
      if (cks.length > 0) {
        trajectoryTable(rec.get("trajectory"), d, ctx.out());
      }
    }
    return rec;
  }

  /**
   * The NNGP log evidence of the training data against C_W (every layer), the other settings as in
   * {@code spec}: the book's criticality in Bayesian form (the evidence peaks near the critical C_W for
   * deep networks). Theory only; a C_W whose kernel is singular gives null.
   */
  static ObjectNode evidenceScan(NetworkSpec spec, Dataset d, double noiseV) {
    ObjectNode o = F.objectNode();
    ArrayNode cws = o.putArray("cw");
    ArrayNode ev = o.putArray("log_evidence");
    int l = spec.depth();
    for (int k = 2; k <= 24; k++) {
      double c = 0.125 * k;
      double[] cw = new double[l];
      java.util.Arrays.fill(cw, c);
      NetworkSpec s2 = new NetworkSpec(spec.n0(), spec.widths(), spec.activation(), spec.cbs(), cw,
          spec.lambdaBs(), spec.lambdaWs());
      double v;
      try {
        v = Kernels.predictions(s2, d).logEvidence(noiseV);
      } catch (SpecException | org.rgflow.theory.TheoryDivergenceException ex) {
        v = Double.NaN;
      }
      cws.add(c);
      ev.add(JsonReport.number(v));
    }
    o.put("noise", noiseV);
    return o;
  }

  /** Measured mean and variance at the checkpoints, and the NTK prediction on a dense grid of steps. */
  private static ObjectNode trajectory(KernelPredictions kp, Dataset d, TrainSettings ts, TrainResult r) {
    int na = d.trainCount();
    int nb = d.testCount();
    long[] cks = ts.checkpoints();
    ObjectNode tr = F.objectNode();
    ArrayNode st = tr.putArray("steps");
    double[][] m = new double[cks.length][nb];
    double[][] me = new double[cks.length][nb];
    double[][] v = new double[cks.length][nb];
    double[][] ve = new double[cks.length][nb];
    double[][] pm = new double[cks.length][nb];
    double[][] pv = new double[cks.length][nb];
    for (int c = 0; c < cks.length; c++) {
      st.add(cks[c]);
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
    tr.set("mean", mat(m));
    tr.set("mean_err", mat(me));
    tr.set("var", mat(v));
    tr.set("var_err", mat(ve));
    tr.set("ntk_mean_at_steps", mat(pm));
    tr.set("ntk_var_at_steps", mat(pv));
    long last = ts.steps();
    java.util.TreeSet<Long> dense = new java.util.TreeSet<>();
    for (int i = 0; i <= 200; i++) {
      dense.add(Math.round(last * (double) i / 200));
    }
    ArrayNode ds = tr.putArray("theory_steps");
    List<double[]> dm = new ArrayList<>();
    List<double[]> dv = new ArrayList<>();
    for (long step : dense) {
      ds.add(step);
      Gaussian g = kp.ntk(ts.eta(), step).block(na, nb);
      double[] vv = new double[nb];
      for (int b = 0; b < nb; b++) {
        vv[b] = g.cov()[b][b];
      }
      dm.add(g.mean());
      dv.add(vv);
    }
    tr.set("ntk_mean", mat(dm.toArray(new double[0][])));
    tr.set("ntk_var", mat(dv.toArray(new double[0][])));
    return tr;
  }

  private static void trajectoryTable(JsonNode tr, Dataset d, PrintWriter out) {
    out.println("trajectory (mean ± SE | NTK at that step):");
    StringBuilder h = new StringBuilder(String.format("%8s", "step"));
    for (int b = 0; b < d.testCount(); b++) {
      h.append(String.format("  %-34s", "point " + b));
    }
    out.println(h.toString().stripTrailing());
    for (int c = 0; c < tr.get("steps").size(); c++) {
      StringBuilder sb = new StringBuilder(String.format("%8d", tr.get("steps").get(c).asLong()));
      for (int b = 0; b < d.testCount(); b++) {
        sb.append(String.format("  %-34s", f(tr.get("mean").get(c).get(b).asDouble()) + " ± "
            + f(tr.get("mean_err").get(c).get(b).asDouble()) + " | " + f(tr.get("ntk_mean_at_steps").get(c).get(b)
            .asDouble())));
      }
      out.println(sb.toString().stripTrailing());
    }
  }

  /** The width-scan record: every run's record and the per-test-point fit of the departure against n. */
  private static ObjectNode scan(List<NetworkSpec> specs, List<ObjectNode> records, Dataset d) {
    ObjectNode root = F.objectNode();
    root.put("rgflow_version", VersionProvider.version());
    root.put("command", "train");
    ObjectNode sc = root.putObject("scan");
    ArrayNode ws = sc.putArray("widths");
    double[] n = new double[specs.size()];
    for (int i = 0; i < specs.size(); i++) {
      n[i] = specs.get(i).width(1);
      ws.add(specs.get(i).width(1));
    }
    ArrayNode rs = sc.putArray("runs");
    records.forEach(rs::add);
    ArrayNode fits = sc.putArray("departure_fit");
    ArrayNode series = sc.putArray("departure_series_fit");
    for (int b = 0; b < d.testCount(); b++) {
      double[] dep = new double[n.length];
      double[] err = new double[n.length];
      boolean sameSign = true;
      boolean errs = true;
      for (int i = 0; i < n.length; i++) {
        JsonNode pt = records.get(i).get("points").get(b);
        dep[i] = pt.get("departure").asDouble();
        err[i] = pt.get("departure_err").asDouble();
        errs &= err[i] > 0;
        sameSign &= Math.signum(dep[i]) == Math.signum(dep[0]) && dep[i] != 0 && err[i] > 0;
      }
      ArrayNode sf = series.addArray();
      if (errs) {
        for (double[] pq : new double[][] {{-1, -2}, {-0.5, -1}}) {
          SeriesFit f = SeriesFit.fit(n, dep, err, pq[0], pq[1]);
          ObjectNode o = sf.addObject();
          o.put("model", f.label());
          o.set("a", JsonReport.number(f.a()));
          o.set("a_err", JsonReport.number(f.aErr()));
          o.set("b", JsonReport.number(f.b()));
          o.set("b_err", JsonReport.number(f.bErr()));
          o.set("chi2", JsonReport.number(f.chi2()));
          o.put("dof", f.dof());
          o.set("p_value", JsonReport.number(f.pValue()));
        }
      }
      if (!sameSign) {
        fits.addNull();
        continue;
      }
      PowerFit pf = PowerFit.fit(n, dep, err);
      ObjectNode o = fits.addObject();
      o.put("test_point", b);
      o.set("slope", JsonReport.number(pf.slope()));
      o.set("slope_err", JsonReport.number(pf.slopeErr()));
      o.set("amplitude", JsonReport.number(pf.amplitude()));
      o.set("chi2", JsonReport.number(pf.chi2()));
      o.put("points", pf.points());
    }
    return root;
  }

  private static void scanTable(List<NetworkSpec> specs, List<ObjectNode> records, ObjectNode scan, Dataset d,
      PrintWriter out) {
    JsonNode sp0 = records.get(0).get("spec");
    out.printf("rgflow train --widths — %s, depth %d, C_b %s, C_W %s; %s; E = %d per width, seed %d, %d steps%n",
        sp0.get("activation").asText(), specs.get(0).depth(), sp0.get("cb").get(0).asText(),
        sp0.get("cw").get(0).asText(), d.name(), sp0.get("ensemble").asLong(), sp0.get("seed").asLong(),
        sp0.get("steps").asLong());
    out.println("departure from the kernel prediction (trained output minus the infinite-width map of the same"
        + " network's initial outputs), mean ± SE:");
    StringBuilder h = new StringBuilder(String.format("%7s  %-10s", "width", "eta"));
    for (int b = 0; b < d.testCount(); b++) {
      h.append(String.format("  %-24s", "point " + b));
    }
    h.append("  NTK rel. change        sign flips");
    out.println(h);
    for (int i = 0; i < specs.size(); i++) {
      ObjectNode r = records.get(i);
      StringBuilder sb = new StringBuilder(String.format("%7d  %-10s", specs.get(i).width(1),
          f(r.get("spec").get("eta").asDouble())));
      for (int b = 0; b < d.testCount(); b++) {
        JsonNode pt = r.get("points").get(b);
        sb.append(String.format("  %-24s", f(pt.get("departure").asDouble()) + " ± "
            + f(pt.get("departure_err").asDouble())));
      }
      JsonNode nc = r.get("ntk_change");
      sb.append(String.format("  %-21s", f(nc.get("relative_change").asDouble()) + " ± "
          + f(nc.get("relative_change_err").asDouble())));
      JsonNode tr = r.get("training");
      sb.append("  ").append(f(tr.get("sign_flips").asDouble())).append(" ± ")
          .append(f(tr.get("sign_flips_err").asDouble()));
      out.println(sb.toString().stripTrailing());
    }
    JsonNode fits = scan.get("scan").get("departure_fit");
    for (int b = 0; b < d.testCount(); b++) {
      JsonNode fn = fits.get(b);
      if (fn == null || fn.isNull()) {
        out.printf("point %d: no power-law fit (the departure changes sign or is 0 across widths)%n", b);
      } else {
        out.printf("point %d: |departure| = %s · n^(%.3f ± %.3f), chi2 %.2f for %d dof%n", b,
            f(fn.get("amplitude").asDouble()), fn.get("slope").asDouble(), fn.get("slope_err").asDouble(),
            fn.get("chi2").asDouble(), fn.get("points").asInt() - 2);
      }
      for (JsonNode m : scan.get("scan").get("departure_series_fit").get(b)) {
        out.printf("         %-16s a = %s ± %s, b = %s ± %s, chi2 %.2f for %d dof (p = %.3g)%n",
            m.get("model").asText(), f(m.get("a").asDouble()), f(m.get("a_err").asDouble()), f(m.get("b").asDouble()),
            f(m.get("b_err").asDouble()), m.get("chi2").asDouble(), m.get("dof").asInt(), m.get("p_value").asDouble());
      }
    }
    out.println("note: slope -1 is the 1/n of the finite-width expansion for smooth activations; ReLU's kink gives"
        + " n^(-1/2) (docs/TRAINING.md)");
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
    tr.set("sign_flips", JsonReport.number(r.signFlips()));
    tr.set("sign_flips_err", JsonReport.number(r.signFlipsErr()));
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
    out.printf("hidden pre-activations that changed sign during training (ReLU: crossed the kink): %s ± %s of"
        + " (neuron, training input) pairs%n", f(r.signFlips()), f(r.signFlipsErr()));
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

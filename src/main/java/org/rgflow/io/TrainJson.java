package org.rgflow.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.rgflow.app.TrainOutput;
import org.rgflow.app.TrainRecord;
import org.rgflow.app.TrainScan;

/**
 * The JSON of {@code rgflow train} — the one place its schema is spelled out: {@link #toJson} and
 * {@link #fromJson} side by side, key by key. One run: {@code spec}, {@code points} (each with its
 * {@code theory.ntk} and {@code theory.nngp}), {@code covariance}, {@code ntk_change},
 * {@code training}, {@code log_evidence}, {@code timing}, {@code notes}, then {@code trajectory} and
 * {@code evidence_vs_cw} where present. A width scan: {@code scan.widths}, {@code scan.runs} (one
 * run each), {@code scan.departure_fit} (null where no fit) and {@code scan.departure_series_fit}.
 * NaN and infinities are written as null and read back as NaN; a missing number reads as NaN.
 */
public final class TrainJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private TrainJson() {}

  // ---- writing ---------------------------------------------------------------------------------

  public static ObjectNode toJson(TrainOutput o) {
    return o instanceof TrainScan s ? scan(s) : run((TrainRecord) o);
  }

  private static ObjectNode scan(TrainScan s) {
    ObjectNode root = F.objectNode();
    root.put("rgflow_version", s.version());
    root.put("command", "train");
    ObjectNode sc = root.putObject("scan");
    ArrayNode ws = sc.putArray("widths");
    for (int w : s.widths()) {
      ws.add(w);
    }
    ArrayNode rs = sc.putArray("runs");
    s.runs().forEach(r -> rs.add(run(r)));
    ArrayNode fits = sc.putArray("departure_fit");
    for (TrainScan.PowerLaw f : s.departureFit()) {
      if (f == null) {
        fits.addNull();
        continue;
      }
      ObjectNode o = fits.addObject();
      o.put("test_point", f.testPoint());
      o.set("slope", num(f.slope()));
      o.set("slope_err", num(f.slopeErr()));
      o.set("amplitude", num(f.amplitude()));
      o.set("chi2", num(f.chi2()));
      o.put("points", f.points());
    }
    ArrayNode series = sc.putArray("departure_series_fit");
    for (List<TrainScan.Series> point : s.departureSeriesFit()) {
      ArrayNode sf = series.addArray();
      for (TrainScan.Series f : point) {
        ObjectNode o = sf.addObject();
        o.put("model", f.model());
        o.set("a", num(f.a()));
        o.set("a_err", num(f.aErr()));
        o.set("b", num(f.b()));
        o.set("b_err", num(f.bErr()));
        o.set("chi2", num(f.chi2()));
        o.put("dof", f.dof());
        o.set("p_value", num(f.pValue()));
      }
    }
    return root;
  }

  private static ObjectNode run(TrainRecord r) {
    ObjectNode root = F.objectNode();
    root.put("rgflow_version", r.version());
    root.put("command", "train");
    TrainRecord.Spec s = r.spec();
    ObjectNode sp = root.putObject("spec");
    sp.put("activation", s.activation());
    sp.put("n0", s.n0());
    ArrayNode w = sp.putArray("widths");
    for (int x : s.widths()) {
      w.add(x);
    }
    sp.set("cb", arr(s.cb()));
    sp.set("cw", arr(s.cw()));
    sp.set("lambda_b", arr(s.lambdaB()));
    sp.set("lambda_w", arr(s.lambdaW()));
    sp.put("ensemble", s.ensemble());
    sp.put("seed", s.seed());
    sp.set("eta", num(s.eta()));
    sp.put("steps", s.steps());
    sp.set("tol", num(s.tol()));
    sp.set("noise", num(s.noise()));
    sp.put("data", s.data());
    sp.put("train_points", s.trainPoints());
    sp.put("test_points", s.testPoints());
    root.put("backend", r.backend());
    root.put("device", r.device());
    ArrayNode pts = root.putArray("points");
    for (TrainRecord.Point p : r.points()) {
      ObjectNode o = pts.addObject();
      o.put("test_point", p.testPoint());
      o.set("x", arr(p.x()));
      stat(o, "mean", p.mean());
      stat(o, "var", p.var());
      stat(o, "departure", p.departure());
      o.set("z_mean", num(p.zMean()));
      ObjectNode th = o.putObject("theory");
      ObjectNode tn = th.putObject("ntk");
      tn.set("mean", num(p.ntk().mean()));
      tn.set("var", num(p.ntk().var()));
      if (p.ntkConverged() != null) {
        tn.set("mean_converged", num(p.ntkConverged().mean()));
        tn.set("var_converged", num(p.ntkConverged().var()));
      }
      ObjectNode tg = th.putObject("nngp");
      tg.set("mean", num(p.nngp().mean()));
      tg.set("var", num(p.nngp().var()));
    }
    ObjectNode cov = root.putObject("covariance");
    cov.set("measured", mat(r.covariance().measured()));
    cov.set("measured_err", mat(r.covariance().measuredErr()));
    cov.set("ntk", mat(r.covariance().ntk()));
    cov.set("nngp", mat(r.covariance().nngp()));
    ObjectNode nc = root.putObject("ntk_change");
    TrainRecord.NtkChange n = r.ntkChange();
    stat(nc, "relative_change", n.relativeChange());
    nc.set("initial", mat(n.initial()));
    nc.set("initial_err", mat(n.initialErr()));
    nc.set("final", mat(n.finalValue()));
    nc.set("final_err", mat(n.finalErr()));
    nc.set("theory", mat(n.theory()));
    ObjectNode tr = root.putObject("training");
    stat(tr, "loss", r.training().loss());
    tr.set("steps_mean", num(r.training().stepsMean()));
    stat(tr, "sign_flips", r.training().signFlips());
    root.set("log_evidence", num(r.logEvidence()));
    ObjectNode tm = root.putObject("timing");
    tm.set("seconds", num(r.timing().seconds()));
    tm.set("networks_per_second", num(r.timing().networksPerSecond()));
    ArrayNode ns = root.putArray("notes");
    r.notes().forEach(ns::add);
    if (r.trajectory() != null) {
      TrainRecord.Trajectory t = r.trajectory();
      ObjectNode to = root.putObject("trajectory");
      to.set("steps", longs(t.steps()));
      to.set("mean", mat(t.mean()));
      to.set("mean_err", mat(t.meanErr()));
      to.set("var", mat(t.var()));
      to.set("var_err", mat(t.varErr()));
      to.set("ntk_mean_at_steps", mat(t.ntkMeanAtSteps()));
      to.set("ntk_var_at_steps", mat(t.ntkVarAtSteps()));
      to.set("theory_steps", longs(t.theorySteps()));
      to.set("ntk_mean", mat(t.ntkMean()));
      to.set("ntk_var", mat(t.ntkVar()));
    }
    if (r.evidenceVsCw() != null) {
      ObjectNode e = root.putObject("evidence_vs_cw");
      e.set("cw", arr(r.evidenceVsCw().cw()));
      e.set("log_evidence", arr(r.evidenceVsCw().logEvidence()));
      e.set("noise", num(r.evidenceVsCw().noise()));
    }
    return root;
  }

  private static void stat(ObjectNode o, String key, TrainRecord.Stat s) {
    o.set(key, num(s.value()));
    o.set(key + "_err", num(s.err()));
  }

  private static JsonNode num(double v) {
    return JsonReport.number(v);
  }

  private static ArrayNode arr(double[] v) {
    ArrayNode a = F.arrayNode();
    for (double x : v) {
      a.add(num(x));
    }
    return a;
  }

  private static ArrayNode longs(long[] v) {
    ArrayNode a = F.arrayNode();
    for (long x : v) {
      a.add(x);
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

  // ---- reading -----------------------------------------------------------------------------------

  /** A record as {@link #toJson} writes it (a hand-made or older one too: what is missing is NaN). */
  public static TrainOutput fromJson(JsonNode n) {
    JsonNode s = n.path("scan");
    if (!s.isObject()) {
      return readRun(n);
    }
    List<TrainRecord> runs = new ArrayList<>();
    for (JsonNode r : s.path("runs")) {
      if (r.isObject()) {
        runs.add(readRun(r));
      }
    }
    int[] widths = new int[runs.size()];
    for (int i = 0; i < widths.length; i++) {
      double w = num(s.path("widths").path(i));
      widths[i] = Double.isFinite(w) ? (int) w : runs.get(i).width();
    }
    List<TrainScan.PowerLaw> fits = new ArrayList<>();
    JsonNode fs = s.path("departure_fit");
    for (int i = 0; i < fs.size(); i++) {
      JsonNode f = fs.get(i);
      fits.add(!f.isObject() ? null : new TrainScan.PowerLaw(f.path("test_point").asInt(i),
          num(f.path("slope")), num(f.path("slope_err")), num(f.path("amplitude")), num(f.path("chi2")),
          f.path("points").asInt(0)));
    }
    List<List<TrainScan.Series>> series = new ArrayList<>();
    for (JsonNode point : s.path("departure_series_fit")) {
      List<TrainScan.Series> sf = new ArrayList<>();
      for (JsonNode f : point) {
        sf.add(new TrainScan.Series(f.path("model").asText(""), num(f.path("a")), num(f.path("a_err")),
            num(f.path("b")), num(f.path("b_err")), num(f.path("chi2")), f.path("dof").asInt(0),
            num(f.path("p_value"))));
      }
      series.add(sf);
    }
    return new TrainScan(n.path("rgflow_version").asText(""), widths, runs, fits, series);
  }

  private static TrainRecord readRun(JsonNode n) {
    JsonNode s = n.path("spec");
    TrainRecord.Spec spec = new TrainRecord.Spec(s.path("activation").asText(""), s.path("n0").asInt(0),
        ints(s.path("widths")), arr(s.path("cb")), arr(s.path("cw")), arr(s.path("lambda_b")),
        arr(s.path("lambda_w")), s.path("ensemble").asLong(0), s.path("seed").asLong(0),
        num(s.path("eta")), s.path("steps").asLong(0), num(s.path("tol")), num(s.path("noise")),
        s.path("data").asText(""), s.path("train_points").asInt(0), s.path("test_points").asInt(0));
    List<TrainRecord.Point> pts = new ArrayList<>();
    int i = 0;
    for (JsonNode p : n.path("points")) {
      JsonNode tn = p.path("theory").path("ntk");
      JsonNode tg = p.path("theory").path("nngp");
      pts.add(new TrainRecord.Point(p.path("test_point").asInt(i++), arr(p.path("x")), stat(p, "mean"),
          stat(p, "var"), stat(p, "departure"), num(p.path("z_mean")),
          new TrainRecord.Prediction(num(tn.path("mean")), num(tn.path("var"))),
          tn.has("mean_converged") ? new TrainRecord.Prediction(num(tn.path("mean_converged")),
              num(tn.path("var_converged"))) : null,
          new TrainRecord.Prediction(num(tg.path("mean")), num(tg.path("var")))));
    }
    JsonNode c = n.path("covariance");
    JsonNode nc = n.path("ntk_change");
    JsonNode tr = n.path("training");
    JsonNode t = n.path("trajectory");
    TrainRecord.Trajectory traj = t.path("steps").isArray() && t.path("steps").size() > 0
        ? new TrainRecord.Trajectory(longs(t.path("steps")), mat(t.path("mean")), mat(t.path("mean_err")),
            mat(t.path("var")), mat(t.path("var_err")), mat(t.path("ntk_mean_at_steps")),
            mat(t.path("ntk_var_at_steps")), longs(t.path("theory_steps")), mat(t.path("ntk_mean")),
            mat(t.path("ntk_var")))
        : null;
    JsonNode e = n.path("evidence_vs_cw");
    TrainRecord.EvidenceScan ev = e.isObject() ? new TrainRecord.EvidenceScan(arr(e.path("cw")),
        arr(e.path("log_evidence")), num(e.path("noise"))) : null;
    List<String> notes = new ArrayList<>();
    n.path("notes").forEach(x -> notes.add(x.asText()));
    return new TrainRecord(n.path("rgflow_version").asText(""), spec, n.path("backend").asText(""),
        n.path("device").asText(""), pts,
        new TrainRecord.Covariance(mat(c.path("measured")), mat(c.path("measured_err")),
            mat(c.path("ntk")), mat(c.path("nngp"))),
        new TrainRecord.NtkChange(stat(nc, "relative_change"), mat(nc.path("initial")),
            mat(nc.path("initial_err")), mat(nc.path("final")), mat(nc.path("final_err")),
            mat(nc.path("theory"))),
        new TrainRecord.Training(stat(tr, "loss"), num(tr.path("steps_mean")), stat(tr, "sign_flips")),
        num(n.path("log_evidence")),
        new TrainRecord.Timing(num(n.path("timing").path("seconds")),
            num(n.path("timing").path("networks_per_second"))), notes, traj, ev);
  }

  private static TrainRecord.Stat stat(JsonNode o, String key) {
    return new TrainRecord.Stat(num(o.path(key)), num(o.path(key + "_err")));
  }

  /** A JSON number as a double; NaN for null, missing or non-numeric nodes (numeric text is read). */
  static double num(JsonNode n) {
    if (n != null && n.isNumber()) {
      return n.asDouble();
    }
    if (n != null && n.isTextual()) {
      try {
        return Double.parseDouble(n.asText());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  private static double[] arr(JsonNode a) {
    double[] v = new double[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = num(a.get(i));
    }
    return v;
  }

  private static int[] ints(JsonNode a) {
    int[] v = new int[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).asInt(0);
    }
    return v;
  }

  private static long[] longs(JsonNode a) {
    long[] v = new long[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).asLong(0);
    }
    return v;
  }

  private static double[][] mat(JsonNode a) {
    double[][] m = new double[a.size()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = arr(a.get(i));
    }
    return m;
  }
}

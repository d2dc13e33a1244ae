package org.rgflow.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Hand-made {@code rgflow train --json} records with realistic numbers (modelled on a real relu run,
 * one hidden layer, the built-in circle task with 3 test points): a single run, optionally with a
 * {@code trajectory}, and a width scan. Public for the browser test in {@code org.rgflow.cli}.
 */
public final class TrainRecords {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Means, variances and predictions of the 3 test points at convergence. */
  static final double[] NTK_MEAN = {0.6667, 0.5967, -0.8405};
  static final double[] NNGP_MEAN = {0.7321, 0.5675, -0.8419};
  static final double[] NTK_VAR = {0.04065, 0.01419, 0.01354};
  static final double[] NNGP_VAR = {0.03336, 0.01132, 0.01079};
  /** Departure at n = 128 and its SE, per test point; point 2 changes sign across the scan. */
  static final double[] DEP128 = {0.0040, 0.0031, 0.0010};
  static final double[] SLOPE = {-0.95, -0.71};

  private TrainRecords() {}

  /** One run of width n with E networks. */
  public static ObjectNode single(int n, int ensemble, boolean trajectory) {
    ObjectNode r = F.objectNode();
    r.put("rgflow_version", "0.1.0-SNAPSHOT");
    r.put("command", "train");
    ObjectNode sp = r.putObject("spec");
    sp.put("activation", "relu");
    sp.put("n0", 2);
    sp.putArray("widths").add(n).add(1);
    sp.putArray("cb").add(0.1).add(0.1);
    sp.putArray("cw").add(2.0).add(2.0);
    sp.putArray("lambda_b").add(1.0).add(1.0);
    sp.putArray("lambda_w").add(1.0).add(1.0);
    sp.put("ensemble", ensemble);
    sp.put("seed", 3);
    sp.put("eta", 0.07669843274804883);
    sp.put("steps", 60);
    sp.put("tol", 0.0);
    sp.put("noise", 0.0);
    sp.put("data", "builtin(circle, n0=2, train=6, test=3)");
    sp.put("train_points", 6);
    sp.put("test_points", 3);
    r.put("backend", "cpu");
    r.put("device", "Intel(R) Xeon(R) Processor");
    double se = 0.17 / Math.sqrt(ensemble);
    ArrayNode pts = r.putArray("points");
    double[][] x = {{1.2411, 0.6780}, {-0.4572, 1.3383}, {-0.9244, -1.0703}};
    double[] pull = {0.4, -1.1, 2.1};
    for (int b = 0; b < 3; b++) {
      ObjectNode p = pts.addObject();
      p.put("test_point", b);
      p.putArray("x").add(x[b][0]).add(x[b][1]);
      double dep = departure(b, n);
      double mean = NTK_MEAN[b] + dep + 0.3 * pull[b] * se;
      p.put("mean", mean);
      p.put("mean_err", se);
      p.put("var", NTK_VAR[b] * (1 + 0.05 * pull[b]));
      p.put("var_err", NTK_VAR[b] * Math.sqrt(2.0 / ensemble));
      p.put("departure", dep);
      p.put("departure_err", 0.0006 * Math.sqrt(2000.0 / ensemble));
      p.put("z_mean", (mean - NTK_MEAN[b]) / se);
      ObjectNode th = p.putObject("theory");
      ObjectNode ntk = th.putObject("ntk");
      ntk.put("mean", NTK_MEAN[b]);
      ntk.put("var", NTK_VAR[b]);
      ntk.put("mean_converged", NTK_MEAN[b] + 1e-5);
      ntk.put("var_converged", NTK_VAR[b] - 1e-5);
      ObjectNode nngp = th.putObject("nngp");
      nngp.put("mean", NNGP_MEAN[b]);
      nngp.put("var", NNGP_VAR[b]);
    }
    ObjectNode nc = r.putObject("ntk_change");
    nc.put("relative_change", 3.9 / n);
    nc.put("relative_change_err", 0.25 / n);
    ObjectNode tr = r.putObject("training");
    tr.put("loss", 1.3e-4);
    tr.put("loss_err", 2.7e-5);
    tr.put("steps_mean", 60.0);
    r.put("log_evidence", -6.0848);
    ObjectNode tm = r.putObject("timing");
    tm.put("seconds", 0.12 * n / 64.0 * ensemble / 50.0);
    tm.put("networks_per_second", 400.0 * 64 / n);
    ArrayNode notes = r.putArray("notes");
    notes.add("eta = 1/theta_max = 0.0766984 (train NTK eigenvalues 13.04 .. 0.3416)");
    notes.add("NTK prediction after exactly 60 steps of the same eta");
    if (trajectory) {
      r.set("trajectory", trajectory(se, ensemble));
    }
    return r;
  }

  /** Departure of test point b at width n: A n^slope for points 0 and 1, a sign change for point 2. */
  static double departure(int b, int n) {
    if (b < 2) {
      return DEP128[b] * Math.pow(n / 128.0, SLOPE[b]);
    }
    return n <= 128 ? DEP128[2] : n <= 256 ? -0.0004 : 0.00015;
  }

  /** Checkpoints 0, 1, 2, 5, 10, 20, 50, 60 and a dense NTK curve; one measured mean is null. */
  static ObjectNode trajectory(double se, int ensemble) {
    ObjectNode t = F.objectNode();
    int[] steps = {0, 1, 2, 5, 10, 20, 50, 60};
    ArrayNode st = t.putArray("steps");
    ArrayNode m = t.putArray("mean");
    ArrayNode me = t.putArray("mean_err");
    ArrayNode v = t.putArray("var");
    ArrayNode ve = t.putArray("var_err");
    for (int k = 0; k < steps.length; k++) {
      st.add(steps[k]);
      ArrayNode mr = m.addArray();
      ArrayNode mer = me.addArray();
      ArrayNode vr = v.addArray();
      ArrayNode ver = ve.addArray();
      for (int b = 0; b < 3; b++) {
        double wiggle = 0.5 * Math.sin(1.7 * k + b) * se;
        if (k == 3 && b == 1) {
          mr.addNull();
        } else {
          mr.add(curveMean(b, steps[k]) + wiggle);
        }
        mer.add(se);
        double var = curveVar(b, steps[k]);
        vr.add(var * (1 + 0.03 * Math.cos(k + b)));
        ver.add(var * Math.sqrt(2.0 / ensemble));
      }
    }
    ArrayNode ts = t.putArray("theory_steps");
    ArrayNode nm = t.putArray("ntk_mean");
    ArrayNode nv = t.putArray("ntk_var");
    for (int i = 0; i <= 200; i++) {
      double s = 60.0 * i / 200;
      ts.add(s);
      ArrayNode a = nm.addArray();
      ArrayNode c = nv.addArray();
      for (int b = 0; b < 3; b++) {
        a.add(curveMean(b, s));
        c.add(curveVar(b, s));
      }
    }
    return t;
  }

  private static double curveMean(int b, double s) {
    return NTK_MEAN[b] * (1 - Math.exp(-s / (4.0 + 3 * b)));
  }

  private static double curveVar(int b, double s) {
    double f = Math.exp(-s / (4.0 + 3 * b));
    return 1.9 * f * f + NTK_VAR[b] * (1 - f * f);
  }

  /** A scan over widths 128, 256, 512; the widest run has a trajectory; point 2 has no fit. */
  public static ObjectNode scan() {
    int[] widths = {128, 256, 512};
    ObjectNode r = F.objectNode();
    r.put("rgflow_version", "0.1.0-SNAPSHOT");
    r.put("command", "train");
    ObjectNode s = r.putObject("scan");
    ArrayNode w = s.putArray("widths");
    ArrayNode runs = s.putArray("runs");
    for (int n : widths) {
      w.add(n);
      runs.add(single(n, 2000, n == 512));
    }
    ArrayNode fits = s.putArray("departure_fit");
    double[] err = {0.08, 0.16};
    double[] chi2 = {0.3, 0.28};
    for (int b = 0; b < 2; b++) {
      ObjectNode f = fits.addObject();
      f.put("test_point", b);
      f.put("slope", SLOPE[b]);
      f.put("slope_err", err[b]);
      f.put("amplitude", DEP128[b] * Math.pow(128, -SLOPE[b]));
      f.put("chi2", chi2[b]);
      f.put("points", 3);
    }
    fits.addNull();
    return r;
  }
}

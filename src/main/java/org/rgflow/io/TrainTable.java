package org.rgflow.io;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rgflow.app.TrainOutput;
import org.rgflow.app.TrainRecord;
import org.rgflow.app.TrainScan;

/**
 * The text tables of a {@code train} record: for one run the test points (mean and covariance ± SE
 * beside the NTK and NNGP predictions, z-scores, the departure), the NTK's change, the training's
 * numbers, the notes and the trajectory; for a width scan the departure per width and the fits.
 */
public final class TrainTable {
  private TrainTable() {}

  public static void write(TrainOutput o, PrintWriter out) {
    if (o instanceof TrainScan s) {
      scan(s, out);
    } else {
      TrainRecord r = (TrainRecord) o;
      run(r, out);
      if (r.trajectory() != null) {
        trajectory(r, out);
      }
    }
    out.flush();
  }

  static void run(TrainRecord r, PrintWriter out) {
    TrainRecord.Spec s = r.spec();
    out.printf("rgflow train — %s, widths %s, C_b %s, C_W %s, lambda_b %s, lambda_W %s; %s; E = %d, seed %d,"
        + " eta = %.6g, %s%n", s.activation(), Arrays.toString(s.widths()), fmt(s.cb()), fmt(s.cw()),
        fmt(s.lambdaB()), fmt(s.lambdaW()), s.data(), s.ensemble(), s.seed(), s.eta(), s.tol() > 0
            ? "until loss <= " + s.tol() + " (at most " + s.steps() + " steps)" : s.steps() + " steps");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"point", "quantity", "measured", "± SE", "NTK", "z", "NNGP", "departure", "± SE"});
    TrainRecord.Covariance cov = r.covariance();
    for (TrainRecord.Point p : r.points()) {
      int b = p.testPoint();
      rows.add(new String[] {Integer.toString(b), "mean", f(p.mean().value()), f(p.mean().err()),
          f(p.ntk().mean()), z2(z(p.mean().value(), p.mean().err(), p.ntk().mean())), f(p.nngp().mean()),
          f(p.departure().value()), f(p.departure().err())});
      for (int c = b; c < r.points().size(); c++) {
        rows.add(new String[] {"", "cov(" + b + "," + c + ")", f(cov.measured()[b][c]),
            f(cov.measuredErr()[b][c]), f(cov.ntk()[b][c]),
            z2(z(cov.measured()[b][c], cov.measuredErr()[b][c], cov.ntk()[b][c])), f(cov.nngp()[b][c]), "", ""});
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
    TrainRecord.NtkChange n = r.ntkChange();
    out.printf("NTK on the training points: relative change ||Theta_T - Theta_0||/||Theta_0|| = %s ± %s;"
        + " Theta_00 initial %s ± %s, final %s ± %s, theory %s%n", f(n.relativeChange().value()),
        f(n.relativeChange().err()), f(n.initial()[0][0]), f(n.initialErr()[0][0]), f(n.finalValue()[0][0]),
        f(n.finalErr()[0][0]), f(n.theory()[0][0]));
    TrainRecord.Training t = r.training();
    out.printf("hidden pre-activations that changed sign during training (ReLU: crossed the kink): %s ± %s of"
        + " (neuron, training input) pairs%n", f(t.signFlips().value()), f(t.signFlips().err()));
    out.printf("final training loss %s ± %s; NNGP log evidence %s; %.2f s (%.1f networks/s)%n",
        f(t.loss().value()), f(t.loss().err()), f(r.logEvidence()), r.timing().seconds(),
        r.timing().networksPerSecond());
    for (String note : r.notes()) {
      out.println("note: " + note);
    }
  }

  static void trajectory(TrainRecord r, PrintWriter out) {
    TrainRecord.Trajectory t = r.trajectory();
    int points = r.points().size();
    out.println("trajectory (mean ± SE | NTK at that step):");
    StringBuilder h = new StringBuilder(String.format("%8s", "step"));
    for (int b = 0; b < points; b++) {
      h.append(String.format("  %-34s", "point " + b));
    }
    out.println(h.toString().stripTrailing());
    for (int c = 0; c < t.steps().length; c++) {
      StringBuilder sb = new StringBuilder(String.format("%8d", t.steps()[c]));
      for (int b = 0; b < points; b++) {
        sb.append(String.format("  %-34s", f(t.mean()[c][b]) + " ± " + f(t.meanErr()[c][b]) + " | "
            + f(t.ntkMeanAtSteps()[c][b])));
      }
      out.println(sb.toString().stripTrailing());
    }
  }

  static void scan(TrainScan scan, PrintWriter out) {
    TrainRecord.Spec sp0 = scan.runs().get(0).spec();
    int points = sp0.testPoints();
    out.printf("rgflow train --widths — %s, depth %d, C_b %s, C_W %s; %s; E = %d per width, seed %d, %d steps%n",
        sp0.activation(), sp0.widths().length, String.valueOf(sp0.cb()[0]), String.valueOf(sp0.cw()[0]),
        sp0.data(), sp0.ensemble(), sp0.seed(), sp0.steps());
    out.println("departure from the kernel prediction (trained output minus the infinite-width map of the same"
        + " network's initial outputs), mean ± SE:");
    StringBuilder h = new StringBuilder(String.format("%7s  %-10s", "width", "eta"));
    for (int b = 0; b < points; b++) {
      h.append(String.format("  %-24s", "point " + b));
    }
    h.append("  NTK rel. change        sign flips");
    out.println(h);
    for (int i = 0; i < scan.runs().size(); i++) {
      TrainRecord r = scan.runs().get(i);
      StringBuilder sb = new StringBuilder(String.format("%7d  %-10s", scan.widths()[i], f(r.spec().eta())));
      for (TrainRecord.Point p : r.points()) {
        sb.append(String.format("  %-24s", f(p.departure().value()) + " ± " + f(p.departure().err())));
      }
      TrainRecord.Stat nc = r.ntkChange().relativeChange();
      sb.append(String.format("  %-21s", f(nc.value()) + " ± " + f(nc.err())));
      TrainRecord.Stat flips = r.training().signFlips();
      sb.append("  ").append(f(flips.value())).append(" ± ").append(f(flips.err()));
      out.println(sb.toString().stripTrailing());
    }
    for (int b = 0; b < points; b++) {
      TrainScan.PowerLaw fn = b < scan.departureFit().size() ? scan.departureFit().get(b) : null;
      if (fn == null) {
        out.printf("point %d: no power-law fit (the departure changes sign or is 0 across widths)%n", b);
      } else {
        out.printf("point %d: |departure| = %s · n^(%.3f ± %.3f), chi2 %.2f for %d dof%n", b,
            f(fn.amplitude()), fn.slope(), fn.slopeErr(), fn.chi2(), fn.points() - 2);
      }
      for (TrainScan.Series m : scan.departureSeriesFit().get(b)) {
        out.printf("         %-16s a = %s ± %s, b = %s ± %s, chi2 %.2f for %d dof (p = %.3g)%n", m.model(),
            f(m.a()), f(m.aErr()), f(m.b()), f(m.bErr()), m.chi2(), m.dof(), m.pValue());
      }
    }
    out.println("note: slope -1 is the 1/n of the finite-width expansion for smooth activations; ReLU's kink gives"
        + " n^(-1/2) (docs/TRAINING.md)");
  }

  private static double z(double m, double se, double th) {
    return se > 0 ? (m - th) / se : Double.NaN;
  }

  private static String fmt(double[] v) {
    boolean same = true;
    for (double x : v) {
      same &= x == v[0];
    }
    return same ? f(v[0]) : Arrays.toString(v);
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

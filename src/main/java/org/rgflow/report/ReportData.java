package org.rgflow.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.Criticality;

/** The finished points of a sweep, as the report reads them (one-input points carry the figures). */
public final class ReportData {
  /** One finished point with its record. */
  public record Point(JsonNode record, String activation, double cb, double cw, int width, int depth,
      long ensemble, int inputs, boolean critical) {

    JsonNode layer(int l) {
      return record.path("result").path("layers").path(l - 1);
    }

    /** The measured value of a scalar observable at layer l (NaN when absent). */
    double value(int l, String obs) {
      return num(layer(l).path(obs));
    }

    double err(int l, String obs) {
      return num(layer(l).path(obs + "_err"));
    }

    double theory(int l, String obs) {
      return num(layer(l).path("theory").path(obs));
    }

    int nPrev(int l) {
      return layer(l).path("n_prev").asInt();
    }

    String id() {
      return record.path("point_id").asText();
    }

    /** The network and inputs of this point, rebuilt from its record (to draw more of its networks). */
    NetworkSpec spec() {
      JsonNode s = record.path("result").path("spec");
      int[] widths = new int[s.path("widths").size()];
      for (int i = 0; i < widths.length; i++) {
        widths[i] = s.path("widths").path(i).asInt();
      }
      return new NetworkSpec(s.path("n0").asInt(), widths, Activations.parse(activation),
          doubles(s.path("cb")), doubles(s.path("cw")), doubles(s.path("lambda_b")), doubles(s.path("lambda_w")));
    }

    Inputs inputVectors() {
      JsonNode v = record.path("result").path("spec").path("inputs").path("vectors");
      double[][] x = new double[v.size()][];
      for (int a = 0; a < x.length; a++) {
        x[a] = doubles(v.path(a));
      }
      return new Inputs(x);
    }

    long seed() {
      return record.path("result").path("spec").path("seed").asLong();
    }
  }

  private final List<Point> points = new ArrayList<>();
  private final List<JsonNode> failed = new ArrayList<>();
  /** Finished residual points (ResidualCollapse draws them; kept out of the MLP figures). */
  private final List<JsonNode> residual = new ArrayList<>();
  private final Map<String, Criticality.Report> criticality = new HashMap<>();

  public ReportData(List<JsonNode> records) {
    for (JsonNode r : records) {
      if (!"ok".equals(r.path("status").asText())) {
        failed.add(r);
        continue;
      }
      if (ResidualCollapse.isResidual(r)) {
        residual.add(r);
        continue;
      }
      JsonNode s = r.path("result").path("spec");
      String act = s.path("activation").asText();
      double cb = s.path("cb").path(0).asDouble();
      double cw = s.path("cw").path(0).asDouble();
      boolean uniform = uniform(s.path("cb")) && uniform(s.path("cw"));
      Criticality.Report c = criticality(act);
      boolean critical = uniform && c != null && Double.isFinite(c.cw())
          && Math.abs(cb - c.cb()) <= 1e-9 + 1e-6 * c.cb() && Math.abs(cw - c.cw()) <= 1e-6 * c.cw();
      points.add(new Point(r, act, cb, cw, s.path("widths").path(0).asInt(), s.path("depth").asInt(),
          s.path("ensemble").asLong(), s.path("inputs").path("count").asInt(), critical));
    }
  }

  public List<Point> points() {
    return points;
  }

  public List<JsonNode> failed() {
    return failed;
  }

  /** The finished records of residual networks. */
  List<JsonNode> residual() {
    return residual;
  }

  /** The criticality analysis of an activation (cached); null when it cannot be analysed. */
  Criticality.Report criticality(String act) {
    return criticality.computeIfAbsent(act, a -> {
      try {
        Activation x = Activations.parse(a);
        return Criticality.analyze(x);
      } catch (RuntimeException e) {
        return null;
      }
    });
  }

  /** Distinct activations of the one-input points at criticality, in first-seen order. */
  List<String> criticalActivations() {
    List<String> out = new ArrayList<>();
    for (Point p : points) {
      if (p.critical() && p.inputs() == 1 && !out.contains(p.activation())) {
        out.add(p.activation());
      }
    }
    return out;
  }

  private static boolean uniform(JsonNode a) {
    for (JsonNode x : a) {
      if (x.asDouble() != a.path(0).asDouble()) {
        return false;
      }
    }
    return true;
  }

  static double num(JsonNode n) {
    return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
  }

  static double[] doubles(JsonNode a) {
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = a.path(i).asDouble();
    }
    return d;
  }
}

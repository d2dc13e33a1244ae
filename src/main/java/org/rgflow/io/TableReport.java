package org.rgflow.io;

import org.rgflow.app.LayerReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.spec.NetworkSpec;

/**
 * Aligned text tables of a {@link LayerReport}. With N_D = 1 there is one row per layer and observable;
 * with N_D &gt; 1 each observable shows its diagonal components and the (0,1) off-diagonal ones
 * ({@code --json} has every component).
 */
public final class TableReport {
  /** |z| above this is flagged with {@code *} (a 3σ deviation: 0.27% per component by chance). */
  static final double FLAG_Z = 3.0;

  /** ℓ/n above which a |z| > 3 is noted as the expected next-order correction. */
  static final double LEADING_ORDER_L_OVER_N = 0.02;

  private TableReport() {}

  /** ℓ/n_{ℓ−1} of layer ℓ ("-" at layer 1, which is exactly Gaussian at any width). */
  static String lOverN(NetworkSpec s, int layer) {
    return layer == 1 ? "-" : String.format(Locale.ROOT, "%.3g", (double) layer / s.width(layer - 1));
  }

  public static void write(LayerReport r, PrintWriter out) {
    NetworkSpec s = r.spec();
    int nd = r.inputs().inputs().count();
    out.println("rgflow " + r.command() + " — " + describe(r));
    List<String[]> rows = new ArrayList<>();
    boolean comp = nd > 1;
    List<String> head = new ArrayList<>(List.of("layer", "n_prev", "ℓ/n", "observable"));
    List<Integer> leadingOrder = new ArrayList<>();
    if (comp) {
      head.add("component");
    }
    if (r.measured()) {
      head.addAll(List.of("measured", "± SE", "theory", "z"));
    } else {
      head.add("theory");
    }
    rows.add(head.toArray(new String[0]));
    for (LayerValues lv : r.layers()) {
      boolean first = true;
      for (Obs o : Combine.observables(lv)) {
        Tensor v = lv.value().get(o);
        Tensor e = lv.err().get(o);
        Tensor t = lv.theory().get(o);
        for (int[] idx : shownComponents(nd, o.rank())) {
          List<String> row = new ArrayList<>();
          row.add(first ? Integer.toString(lv.layer()) : "");
          row.add(first ? Integer.toString(s.width(lv.layer() - 1)) : "");
          row.add(first ? lOverN(s, lv.layer()) : "");
          first = false;
          row.add(o.name());
          if (comp) {
            row.add(label(idx));
          }
          double th = t == null ? Double.NaN : t.get(idx);
          if (r.measured()) {
            double mv = v == null ? Double.NaN : v.get(idx);
            double se = e == null ? Double.NaN : e.get(idx);
            double z = Combine.zScore(mv, se, th);
            int dec = decimalsFor(se);
            row.add(fmt(mv, dec));
            row.add(fmtErr(se));
            row.add(fmt(th, dec));
            row.add(Double.isNaN(z) ? "-" : String.format(Locale.ROOT, "%.2f", z)
                + (Math.abs(z) > FLAG_Z ? "*" : " "));
            if (Math.abs(z) > FLAG_Z && lv.layer() > 1
                && (double) lv.layer() / s.width(lv.layer() - 1) > LEADING_ORDER_L_OVER_N
                && !leadingOrder.contains(lv.layer())) {
              leadingOrder.add(lv.layer());
            }
          } else {
            row.add(fmt(th));
          }
          rows.add(row.toArray(new String[0]));
        }
      }
    }
    printAligned(rows, out, comp ? 5 : 4);
    if (r.timing() != null) {
      LayerReport.Timing t = r.timing();
      out.printf(Locale.ROOT, "timing: %d networks in %.2f s — %.4g networks/s, %.4g weights/s%n",
          r.run().ensemble(), t.seconds(), t.networksPerSecond(), t.weightsPerSecond());
    }
    for (String n : r.notes()) {
      out.println("note: " + n);
    }
    if (!leadingOrder.isEmpty()) {
      out.println("note: |z| > 3 at layer" + (leadingOrder.size() == 1 ? " " : "s ")
          + leadingOrder.toString().replaceAll("[\\[\\]]", "") + ", where ℓ/n > "
          + LEADING_ORDER_L_OVER_N + ": the theory is leading order in 1/n, so at large E a deviation"
          + " of relative size O(ℓ/n) shows (README \"Reading the table\")");
    }
    if (r.measured()) {
      out.println("Values are per-neuron ensemble statistics (README \"Observables\"); ± SE is the standard"
          + " error over E networks;");
      out.println("z = (measured − theory)/SE, * marks |z| > 3. G1 measured = n_prev·(K_measured − K∞).");
    }
    if (comp) {
      out.println("Showing diagonal and (0,1) components only; --json has all components.");
    }
    out.flush();
  }

  static String describe(LayerReport r) {
    NetworkSpec s = r.spec();
    StringBuilder b = new StringBuilder();
    b.append(s.activation().name()).append(", n0=").append(s.n0()).append(", widths ")
        .append(compact(s.widths())).append(", C_b ").append(compact(s.cbs())).append(", C_W ")
        .append(compact(s.cws()));
    b.append(", inputs ").append(r.inputs().source()).append(" (N_D=").append(r.inputs().inputs().count())
        .append(")");
    if (r.run() != null) {
      b.append(", E=").append(r.run().ensemble()).append(", seed ").append(r.run().seed())
          .append(", backend ").append(r.backend());
      if (r.device() != null) {
        b.append(" (").append(r.device()).append(")");
      }
      if (!r.run().ntk()) {
        b.append(", no NTK");
      }
    }
    return b.toString();
  }

  static String compact(int[] v) {
    boolean same = Arrays.stream(v).allMatch(x -> x == v[0]);
    return same ? v[0] + "×" + v.length : Arrays.toString(v);
  }

  static String compact(double[] v) {
    boolean same = Arrays.stream(v).allMatch(x -> x == v[0]);
    if (same) {
      return shortNum(v[0]);
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      b.append(i > 0 ? ", " : "").append(shortNum(v[i]));
    }
    return b.append("]").toString();
  }

  /** Diagonal components and the (0,1) off-diagonal ones. */
  static List<int[]> shownComponents(int nd, int rank) {
    List<int[]> out = new ArrayList<>();
    if (rank == 0) {
      out.add(new int[0]);
      return out;
    }
    for (int a = 0; a < nd; a++) {
      int[] idx = new int[rank];
      Arrays.fill(idx, a);
      out.add(idx);
    }
    if (nd > 1 && rank == 2) {
      out.add(new int[] {0, 1});
    } else if (nd > 1 && rank == 4) {
      out.add(new int[] {0, 0, 1, 1});
      out.add(new int[] {0, 1, 0, 1});
    }
    return out;
  }

  static String label(int[] idx) {
    if (idx.length == 4) {
      return "(" + idx[0] + "," + idx[1] + ")(" + idx[2] + "," + idx[3] + ")";
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < idx.length; i++) {
      b.append(i > 0 ? "," : "").append(idx[i]);
    }
    return b.append("]").toString();
  }

  /**
   * Decimals that show a standard error to two significant digits (measured and theory are printed to
   * the same place, so they line up and read at the precision the data supports); -1 when the SE gives
   * no guidance and five significant digits are used instead.
   */
  static int decimalsFor(double se) {
    if (!(se > 0) || !Double.isFinite(se)) {
      return -1;
    }
    int d = 1 - (int) Math.floor(Math.log10(se));
    return d > 8 ? -1 : Math.max(d, 0);
  }

  static String fmt(double v, int decimals) {
    if (decimals < 0 || Double.isNaN(v) || Math.abs(v) >= 1e7) {
      return fmt(v);
    }
    String t = String.format(Locale.ROOT, "%." + decimals + "f", v);
    // never "-0.0000": a value that rounds to zero prints without a sign
    return t.startsWith("-") && t.matches("-0\\.?0*") ? t.substring(1) : t;
  }

  /** A number as short as it can be written exactly to six significant digits (for settings). */
  static String shortNum(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", v)).stripTrailingZeros()
        .toPlainString();
  }

  /** Five significant digits; "-" when absent. */
  public static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (v == 0) {
      return "0";
    }
    return String.format(Locale.ROOT, "%.5g", v);
  }

  static String fmtErr(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return "± " + String.format(Locale.ROOT, "%.2g", v);
  }

  /** Left-aligns the first {@code textCols} columns, right-aligns the rest; two spaces between. */
  static void printAligned(List<String[]> rows, PrintWriter out, int textCols) {
    int cols = rows.get(0).length;
    int[] w = new int[cols];
    for (String[] row : rows) {
      for (int c = 0; c < cols; c++) {
        w[c] = Math.max(w[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder b = new StringBuilder();
      for (int c = 0; c < cols; c++) {
        if (c > 0) {
          b.append("  ");
        }
        String cell = row[c];
        String pad = " ".repeat(w[c] - cell.length());
        b.append(c < textCols && c >= 2 ? cell + pad : pad + cell);
      }
      out.println(b.toString().stripTrailing());
    }
  }
}

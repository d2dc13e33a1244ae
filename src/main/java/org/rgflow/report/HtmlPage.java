package org.rgflow.report;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.rgflow.sweep.PointStore;

/**
 * The page code shared by {@link HtmlReport} (sweeps) and {@link TrainReport} (train runs): one
 * style sheet, figures embedded as PNG data URIs (so the one HTML file is the whole report, no
 * scripts), copies of the figures in {@code DIR/figures/}, HTML escaping and number formatting.
 */
final class HtmlPage {
  private HtmlPage() {}

  /** The document head (title, style sheet), the opening body and the page's {@code <h1>}. */
  static StringBuilder open(String title) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>").append(esc(title)).append("</title>\n<style>\n")
        .append("body{font-family:system-ui,sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;color:#222}\n")
        .append("figure{display:inline-block;vertical-align:top;width:660px;margin:0 1em 1.5em 0}\n")
        .append("figure img{width:640px;border:1px solid #ddd}\nfigcaption{font-size:.9em;color:#444}\n")
        .append("table{border-collapse:collapse;font-size:.9em;margin-bottom:1.5em}\n")
        .append("td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}th{background:#f3f3f3}\n")
        .append("td.l{text-align:left}.bad{color:#b00}code{font-size:.95em}\n</style>\n</head>\n<body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n");
    return h;
  }

  /** A "Figures" heading and one {@code <figure>} (embedded PNG and caption) per figure. */
  static void figures(StringBuilder h, List<HtmlReport.Figure> figs) {
    h.append("<h2>Figures</h2>\n");
    for (HtmlReport.Figure f : figs) {
      h.append("<figure id=\"").append(f.name()).append("\"><img alt=\"").append(esc(f.title()))
          .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(f.png()))
          .append("\"><figcaption><b>").append(esc(f.title())).append(".</b> ").append(esc(f.caption()))
          .append("</figcaption></figure>\n");
    }
  }

  /** Closes the body and the document. */
  static String close(StringBuilder h) {
    return h.append("</body>\n</html>\n").toString();
  }

  /** Writes {@code dir/figures/NAME.png} for every figure, then {@code dir/report.html}. */
  static HtmlReport.Written write(Path dir, List<HtmlReport.Figure> figs, String html) {
    for (HtmlReport.Figure f : figs) {
      PointStore.writeAtomically(dir.resolve("figures").resolve(f.name() + ".png"), f.png());
    }
    Path out = dir.resolve("report.html");
    PointStore.writeAtomically(out, html);
    return new HtmlReport.Written(out, figs);
  }

  static HtmlReport.Figure fig(XYChart c, String name, String title, String caption) {
    return new HtmlReport.Figure(name, title, caption, Charts.png(c));
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** A setting as short as it can be written to four significant digits (integers exactly). */
  static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return String.valueOf((long) v);
    }
    if (!Double.isFinite(v)) {
      return "—";
    }
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
  }
}

package org.rgflow.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.rgflow.app.AspectRatioRun;

/**
 * The figure of {@code rgflow aspect-ratio}: the information per pair of outputs I/(m_A m_B) =
 * (v²/8)(1 − (3n_L + 20)v/6) against L/n, from the leading-order theory v(ℓ) = V/(nK²) (line) and
 * from ensemble-measured V at a few depths (points ± SE, propagated through dI/dv), with the optimum
 * r* = 4/((20 + 3n_L)ν) marked.
 */
public final class AspectRatioFigure {
  private AspectRatioFigure() {}

  /** Writes the PNG to {@code file} (its directory created). */
  public static void write(AspectRatioRun.Result r, Path file) {
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    double top = 0;
    for (AspectRatioRun.Row t : r.theory()) {
      x.add(t.rOverN());
      y.add(t.info());
      top = Math.max(top, t.info());
    }
    String what = r.activation().name() + (Double.isNaN(r.gamma()) ? ""
        : String.format(Locale.ROOT, " residual γ = %s", HtmlPage.num(r.gamma())));
    XYChart c = Charts.chart("Information vs L/n: " + what + ", n_L = " + r.outWidth(),
        "L/n (width n = " + r.width() + ")", "I/(m_A m_B)");
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    Charts.theory(c, String.format(Locale.ROOT, "v = V/(nK²) from the leading-order recursions"
        + " at n = %d", r.width()), x, y, Charts.color(0), true);
    List<Double> cx = new ArrayList<>();
    List<Double> cy = new ArrayList<>();
    double rMax = 1.6 * r.rStar();  // the cubic model's I is 0 at 1.5 r*
    for (int i = 0; i <= 200; i++) {
      double rr = rMax * i / 200;
      cx.add(rr);
      cy.add(org.rgflow.theory.AspectRatio.information(r.nu() * rr, r.outWidth()));
    }
    Charts.segments(c, String.format(Locale.ROOT, "v = ν L/n (ν = %.4g)", r.nu()), cx, cy,
        Charts.color(3), true);
    if (!r.measured().isEmpty()) {
      List<Double> mx = new ArrayList<>();
      List<Double> my = new ArrayList<>();
      List<Double> me = new ArrayList<>();
      for (AspectRatioRun.Row m : r.measured()) {
        mx.add(m.rOverN());
        my.add(m.info());
        me.add(m.infoErr());
        top = Math.max(top, m.info() + m.infoErr());
      }
      Charts.measured(c, "from measured V (E=" + r.ensemble() + ")", mx, my, me, Charts.color(1));
    }
    Charts.segments(c, String.format(Locale.ROOT, "r* = 4/((20+3n_L)ν) = %.4g", r.rStar()),
        List.of(r.rStar(), r.rStar()), List.of(0.0, top), Charts.color(2), true);
    c.getStyler().setYAxisMin(-0.4 * top);
    c.getStyler().setYAxisMax(1.1 * top);
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Files.write(file, Charts.png(c));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}

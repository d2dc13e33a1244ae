package org.rgflow.report;

import java.util.ArrayList;
import java.util.List;
import org.rgflow.act.Activation;
import org.rgflow.theory.Criticality;

/**
 * The (C_b, C_W) phase diagram of one activation from the theory alone (PDLT §5.2, fig. of tanh):
 * χ∥ and χ⊥ at the fixed point K*(C_b, C_W) ({@link Criticality#fixedPoint}) on a grid, and level
 * sets of each found by marching squares. Criticality is where both equal 1.
 */
final class PhaseDiagram {
  final double[] cb;
  final double[] cw;
  /** chi[0][i][j] = χ∥(cb[i], cw[j]), chi[1] = χ⊥. */
  final double[][][] chi;

  PhaseDiagram(Activation act, double cbMax, double cwMin, double cwMax, int n) {
    cb = new double[n];
    cw = new double[n];
    chi = new double[2][n][n];
    for (int i = 0; i < n; i++) {
      cb[i] = cbMax * i / (n - 1);
      cw[i] = cwMin + (cwMax - cwMin) * i / (n - 1);
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double[] f = Criticality.fixedPoint(act, cb[i], cw[j]);
        chi[0][i][j] = f[1];
        chi[1][i][j] = f[2];
      }
    }
  }

  /**
   * The level set {@code which(cb, cw) = level} as segments: x (C_b) and y (C_W) lists with a null
   * after each segment, ready for {@link Charts#segments}.
   */
  List<List<Double>> contour(int which, double level) {
    double[][] f = chi[which];
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int i = 0; i + 1 < cb.length; i++) {
      for (int j = 0; j + 1 < cw.length; j++) {
        // corners in order: (i,j) (i+1,j) (i+1,j+1) (i,j+1)
        double[] v = {f[i][j] - level, f[i + 1][j] - level, f[i + 1][j + 1] - level, f[i][j + 1] - level};
        double[] px = {cb[i], cb[i + 1], cb[i + 1], cb[i]};
        double[] py = {cw[j], cw[j], cw[j + 1], cw[j + 1]};
        boolean finite = true;
        for (double d : v) {
          finite &= Double.isFinite(d);
        }
        if (!finite) {
          continue;
        }
        List<double[]> cross = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
          int a = e;
          int b = (e + 1) % 4;
          if ((v[a] < 0) != (v[b] < 0)) {
            double t = v[a] / (v[a] - v[b]);
            cross.add(new double[] {px[a] + t * (px[b] - px[a]), py[a] + t * (py[b] - py[a])});
          }
        }
        for (int k = 0; k + 1 < cross.size(); k += 2) {
          xs.add(cross.get(k)[0]);
          ys.add(cross.get(k)[1]);
          xs.add(cross.get(k + 1)[0]);
          ys.add(cross.get(k + 1)[1]);
          xs.add(null);
          ys.add(null);
        }
      }
    }
    return List.of(xs, ys);
  }
}

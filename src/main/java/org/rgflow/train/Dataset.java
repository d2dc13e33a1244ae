package org.rgflow.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.SpecException;

/**
 * A small regression task: N_A training inputs with one label each (one output component, n_L = 1),
 * and N_B test inputs. The theory and the trainer see the inputs in the order train, then test.
 *
 * @param name where it came from ("builtin" or the file names)
 * @param xTrain N_A × n₀
 * @param yTrain N_A labels
 * @param xTest N_B × n₀
 */
public record Dataset(String name, double[][] xTrain, double[] yTrain, double[][] xTest) {
  public Dataset {
    if (xTrain.length == 0) {
      throw new SpecException("--data", "at least one training row is needed");
    }
    if (xTest.length == 0) {
      throw new SpecException("--test", "at least one test point is needed");
    }
    if (yTrain.length != xTrain.length) {
      throw new SpecException("--data", yTrain.length + " labels for " + xTrain.length + " rows");
    }
    int n0 = xTrain[0].length;
    for (double[] r : xTest) {
      if (r.length != n0) {
        throw new SpecException("--test", "test rows have " + r.length + " inputs, training rows " + n0);
      }
    }
  }

  public int trainCount() {
    return xTrain.length;
  }

  public int testCount() {
    return xTest.length;
  }

  public int dim() {
    return xTrain[0].length;
  }

  /** Train then test inputs, as one {@link Inputs} (the theory's sample set). */
  public Inputs all() {
    double[][] x = new double[xTrain.length + xTest.length][];
    for (int a = 0; a < xTrain.length; a++) {
      x[a] = xTrain[a];
    }
    for (int b = 0; b < xTest.length; b++) {
      x[xTrain.length + b] = xTest[b];
    }
    return new Inputs(x);
  }

  /**
   * The built-in task: N_A points on a circle, x = √n₀·(cos φ, sin φ, 0, …) (so (1/n₀)|x|² = 1), label
   * y = sin φ + ½ cos 2φ; training angles 2πk/N_A, test angles 0.5, 1.9, 4.0 (between training points).
   */
  public static Dataset builtin(int n0, int nTrain) {
    if (n0 < 2) {
      throw new SpecException("--n0", "the built-in task needs n0 >= 2, got " + n0);
    }
    if (nTrain < 1) {
      throw new SpecException("--train-points", "must be at least 1, got " + nTrain);
    }
    double[][] x = new double[nTrain][];
    double[] y = new double[nTrain];
    for (int k = 0; k < nTrain; k++) {
      double phi = 2 * Math.PI * k / nTrain;
      x[k] = circle(n0, phi);
      y[k] = target(phi);
    }
    double[] testAngles = {0.5, 1.9, 4.0};
    double[][] t = new double[testAngles.length][];
    for (int b = 0; b < testAngles.length; b++) {
      t[b] = circle(n0, testAngles[b]);
    }
    return new Dataset("builtin(circle, n0=" + n0 + ", train=" + nTrain + ", test=3)", x, y, t);
  }

  /** The built-in target y(φ) = sin φ + ½ cos 2φ. */
  public static double target(double phi) {
    return Math.sin(phi) + 0.5 * Math.cos(2 * phi);
  }

  private static double[] circle(int n0, double phi) {
    double[] v = new double[n0];
    double s = Math.sqrt(n0);
    v[0] = s * Math.cos(phi);
    v[1] = s * Math.sin(phi);
    return v;
  }

  /**
   * Reads a training CSV (each row x_1..x_{n₀}, y) and a test CSV (each row x_1..x_{n₀}). Blank lines
   * and lines starting with '#' are skipped; every error is one line naming the file, line and field.
   */
  public static Dataset fromCsv(Path train, Path test) {
    List<double[]> rows = read("--data", train);
    List<double[]> trows = read("--test", test);
    if (rows.isEmpty()) {
      throw new SpecException("--data", train + ": no rows");
    }
    int width = rows.get(0).length;
    if (width < 2) {
      throw new SpecException("--data", train + ": each row needs at least one input and a label");
    }
    double[][] x = new double[rows.size()][];
    double[] y = new double[rows.size()];
    for (int a = 0; a < rows.size(); a++) {
      double[] r = rows.get(a);
      if (r.length != width) {
        throw new SpecException("--data", train + ": row " + (a + 1) + " has " + r.length
            + " values, the first row " + width);
      }
      x[a] = java.util.Arrays.copyOf(r, width - 1);
      y[a] = r[width - 1];
    }
    if (trows.isEmpty()) {
      throw new SpecException("--test", test + ": no rows");
    }
    double[][] t = trows.toArray(new double[0][]);
    for (int b = 0; b < t.length; b++) {
      if (t[b].length != width - 1) {
        throw new SpecException("--test", test + ": row " + (b + 1) + " has " + t[b].length
            + " values, expected " + (width - 1) + " inputs");
      }
    }
    return new Dataset(train.getFileName() + " / " + test.getFileName(), x, y, t);
  }

  private static List<double[]> read(String field, Path p) {
    List<String> lines;
    try {
      lines = Files.readAllLines(p);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new SpecException(field, "cannot read " + p + ": no such file");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new SpecException(field, "cannot read " + p + ": not UTF-8 text (a CSV of numbers is expected)");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new SpecException(field, "cannot read " + p + ": permission denied");
    } catch (IOException | RuntimeException e) {
      throw new SpecException(field, Files.isDirectory(p) ? p + " is a directory, not a CSV file"
          : "cannot read " + p + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
    List<double[]> out = new ArrayList<>();
    for (int ln = 0; ln < lines.size(); ln++) {
      String s = lines.get(ln).strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      String[] parts = s.split("\\s*,\\s*");
      double[] r = new double[parts.length];
      for (int c = 0; c < parts.length; c++) {
        try {
          r[c] = Double.parseDouble(parts[c]);
        } catch (NumberFormatException e) {
          throw new SpecException(field, p + " line " + (ln + 1) + ": '" + parts[c] + "' is not a number");
        }
        if (!Double.isFinite(r[c])) {
          throw new SpecException(field, p + " line " + (ln + 1) + ": non-finite value " + parts[c]);
        }
      }
      out.add(r);
    }
    return out;
  }
}

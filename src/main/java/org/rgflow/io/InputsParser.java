package org.rgflow.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.SpecException;

/**
 * The {@code --inputs} value: either a generator spec or a CSV file.
 *
 * <ul>
 *   <li><b>Spec</b> (the value contains {@code =}): {@code key=values} items separated by {@code ;}.
 *       {@code norms=q0,q1,...} sets N_D and the root-mean-square norms, so (1/n₀)|x_α|² = q_α²;
 *       {@code angles=...} gives the angles (radians) between inputs, one per pair in the order
 *       (0,1), (0,2), …, (0,N_D−1), (1,2), …, or a single value for every pair (required when
 *       N_D &gt; 1). Example: {@code norms=1,1;angles=0.5}. The vectors are built by
 *       {@link Inputs#fromNormsAndAngles} (needs n₀ ≥ N_D).
 *   <li><b>CSV file</b> (anything else is a path): one input vector per line, n₀ comma-separated
 *       numbers; blank lines and lines starting with {@code #} are skipped. n₀ is the row length.
 * </ul>
 */
public final class InputsParser {
  static final String FIELD = "--inputs";

  private InputsParser() {}

  /** What {@code --inputs} produced, and how (recorded in the JSON {@code spec.inputs}). */
  public record Parsed(Inputs inputs, String source, String kind) {}

  /** True when {@code value} is a generator spec rather than a file path. */
  public static boolean isSpec(String value) {
    return value.contains("=") && !Files.isRegularFile(Path.of(value.trim()));
  }

  /**
   * @param value the {@code --inputs} text
   * @param n0 the {@code --n0} value, or null when not given (then 8 for a spec, the row length for
   *     a file)
   */
  public static Parsed parse(String value, Integer n0, int defaultN0) {
    if (value == null || value.isBlank()) {
      throw new SpecException(FIELD, "empty; give a spec such as 'norms=1' or a CSV file path");
    }
    if (isSpec(value)) {
      return new Parsed(fromSpec(value.trim(), n0 == null ? defaultN0 : n0), value.trim(), "spec");
    }
    Inputs in = readCsv(Path.of(value));
    if (n0 != null && n0 != in.dim()) {
      throw new SpecException("--n0", "is " + n0 + " but the rows of " + value + " have " + in.dim()
          + " values (leave --n0 out to take it from the file)");
    }
    return new Parsed(in, value, "csv");
  }

  /** Parses {@code norms=...;angles=...}. */
  public static Inputs fromSpec(String spec, int n0) {
    double[] norms = null;
    double[] angles = null;
    for (String item : spec.split(";")) {
      if (item.isBlank()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw new SpecException(FIELD, "item '" + item.trim() + "' is not key=values");
      }
      String key = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String vals = item.substring(eq + 1);
      switch (key) {
        case "norms" -> norms = numbers(key, vals);
        case "angles" -> angles = angles(numbers(key, vals));
        default -> throw new SpecException(FIELD, "unknown key '" + key + "' (known: norms, angles)"
            + (key.contains("/") || spec.toLowerCase(Locale.ROOT).endsWith(".csv")
                ? "; read as a spec because no file '" + spec + "' exists" : ""));
      }
    }
    if (norms == null) {
      norms = new double[] {1.0};
    }
    int nd = norms.length;
    int pairs = nd * (nd - 1) / 2;
    double[][] ang = new double[nd][nd];
    if (pairs > 0) {
      if (angles == null) {
        throw new SpecException(FIELD, nd + " inputs need angles=... (" + pairs
            + " values, radians, or one for every pair)");
      }
      if (angles.length != 1 && angles.length != pairs) {
        throw new SpecException(FIELD, nd + " inputs need " + pairs + " angles (or one for every pair), got "
            + angles.length);
      }
      int p = 0;
      for (int a = 0; a < nd; a++) {
        for (int b = a + 1; b < nd; b++) {
          ang[a][b] = angles.length == 1 ? angles[0] : angles[p];
          p++;
        }
      }
    } else if (angles != null) {
      throw new SpecException(FIELD, "angles given but there is only one input");
    }
    return Inputs.fromNormsAndAngles(n0, norms, ang);
  }

  /** Angles between inputs lie in [0, π]. */
  private static double[] angles(double[] a) {
    for (double x : a) {
      if (x < 0 || x > Math.PI) {
        throw new SpecException(FIELD, "angles: " + x + " is outside [0, π] (radians)");
      }
    }
    return a;
  }

  private static double[] numbers(String key, String vals) {
    String[] parts = vals.split(",", -1);
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String t = parts[i].trim();
      try {
        out[i] = Double.parseDouble(t);
      } catch (NumberFormatException e) {
        throw new SpecException(FIELD, key + ": not a number: '" + t + "'");
      }
      if (!Double.isFinite(out[i])) {
        throw new SpecException(FIELD, key + ": must be finite, got '" + t + "'");
      }
    }
    return out;
  }

  /** Reads one input vector per line; errors name the file and line. */
  public static Inputs readCsv(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SpecException(FIELD, "cannot read '" + file + "': no such file");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new SpecException(FIELD, "cannot read '" + file + "': not UTF-8 text (a CSV of numbers is"
          + " expected)");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new SpecException(FIELD, "cannot read '" + file + "': permission denied");
    } catch (IOException | RuntimeException e) {
      if (Files.isDirectory(file)) {
        throw new SpecException(FIELD, "'" + file + "' is a directory, not a CSV file");
      }
      throw new SpecException(FIELD, "cannot read '" + file + "': " + e.getMessage());
    }
    List<double[]> rows = new ArrayList<>();
    int firstLine = -1;
    for (int ln = 1; ln <= lines.size(); ln++) {
      String line = lines.get(ln - 1).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split(",", -1);
      double[] row = new double[cells.length];
      for (int c = 0; c < cells.length; c++) {
        String t = cells[c].trim();
        try {
          row[c] = Double.parseDouble(t);
        } catch (NumberFormatException e) {
          throw new SpecException(FIELD, file + " line " + ln + ", column " + (c + 1) + ": not a number: '"
              + t + "'");
        }
        if (!Double.isFinite(row[c])) {
          throw new SpecException(FIELD, file + " line " + ln + ", column " + (c + 1) + ": not finite: '"
              + t + "'");
        }
      }
      if (rows.isEmpty()) {
        firstLine = ln;
      } else if (row.length != rows.get(0).length) {
        throw new SpecException(FIELD, file + " line " + ln + ": " + row.length + " values, but line "
            + firstLine + " has " + rows.get(0).length + " (ragged rows)");
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new SpecException(FIELD, file + ": no input rows");
    }
    return new Inputs(rows.toArray(new double[0][]));
  }
}

package org.rgflow.app;

import java.util.Locale;
import org.rgflow.spec.SpecException;

/** Parsing of numeric flag values into {@link SpecException}s that name the flag. */
public final class Numbers {
  private Numbers() {}

  public static int positiveInt(String field, String s) {
    long v = parseLong(field, s);
    if (v <= 0) {
      throw new SpecException(field, "must be a positive integer, got " + s.trim());
    }
    if (v > Integer.MAX_VALUE) {
      throw new SpecException(field, "too large: " + s.trim());
    }
    return (int) v;
  }

  public static long positiveLong(String field, String s) {
    long v = parseLong(field, s);
    if (v <= 0) {
      throw new SpecException(field, "must be a positive integer, got " + s.trim());
    }
    return v;
  }

  public static long parseLong(String field, String s) {
    String t = s == null ? "" : s.trim();
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new SpecException(field, "not an integer: '" + t + "'");
    }
  }

  /** A comma list of positive integers. */
  public static int[] positiveInts(String field, String s) {
    String[] parts = split(field, s);
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = positiveInt(field, parts[i]);
    }
    return out;
  }

  /** A comma list of finite, non-negative numbers. */
  public static double[] nonNegativeDoubles(String field, String s) {
    String[] parts = split(field, s);
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String t = parts[i].trim();
      String low = t.toLowerCase(Locale.ROOT);
      if (low.contains("nan") || low.contains("inf")) {
        throw new SpecException(field, "must be a finite number, got '" + t + "'");
      }
      double v;
      try {
        v = Double.parseDouble(t);
      } catch (NumberFormatException e) {
        throw new SpecException(field, "not a number: '" + t + "'");
      }
      if (v < 0) {
        throw new SpecException(field, "must be non-negative, got " + t);
      }
      out[i] = v;
    }
    return out;
  }

  private static String[] split(String field, String s) {
    if (s == null || s.isBlank()) {
      throw new SpecException(field, "empty value");
    }
    return s.split(",", -1);
  }
}

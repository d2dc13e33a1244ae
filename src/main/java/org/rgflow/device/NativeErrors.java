package org.rgflow.device;

import java.lang.reflect.InvocationTargetException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One-line causes for failures to load native code. JCuda's {@code UnsatisfiedLinkError} carries a
 * page of nested stack traces; what a person needs from it is the shared library the dynamic
 * linker could not find, e.g. "libcuda.so.1 not found".
 */
public final class NativeErrors {
  private static final Pattern MISSING =
      Pattern.compile("(lib[\\w.+-]+?\\.so(?:\\.\\d+)*): cannot open shared object file");
  private static final Pattern UNDEFINED = Pattern.compile("undefined symbol: ([\\w.@]+)");
  private static final int MAX = 200;

  private NativeErrors() {}

  /** The shared library the chain of {@code t} says is missing, or null. */
  public static String missingLibrary(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      Matcher m = MISSING.matcher(String.valueOf(c.getMessage()));
      if (m.find()) {
        return m.group(1);
      }
    }
    return null;
  }

  /** One line: "libX.so.N not found", "undefined symbol S in …", or the first line of the message. */
  public static String describe(Throwable t) {
    if (t instanceof InvocationTargetException ite && ite.getCause() != null) {
      t = ite.getCause();
    }
    if (t instanceof ExceptionInInitializerError eie && eie.getCause() != null) {
      t = eie.getCause();
    }
    String lib = missingLibrary(t);
    if (lib != null) {
      return lib + " not found";
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      Matcher m = UNDEFINED.matcher(String.valueOf(c.getMessage()));
      if (m.find()) {
        return "undefined symbol " + m.group(1) + " (library version mismatch)";
      }
    }
    if (t instanceof NoClassDefFoundError && String.valueOf(t.getMessage()).startsWith("Could not initialize")) {
      return "its native library failed to load earlier in this process (" + t.getMessage() + ")";
    }
    String msg = t.getMessage() == null ? "" : t.getMessage().strip();
    int nl = msg.indexOf('\n');
    if (nl >= 0) {
      msg = msg.substring(0, nl).strip();
    }
    if (msg.length() > MAX) {
      msg = msg.substring(0, MAX) + "…";
    }
    String type = t.getClass().getSimpleName();
    return msg.isEmpty() ? type : type + ": " + msg;
  }
}

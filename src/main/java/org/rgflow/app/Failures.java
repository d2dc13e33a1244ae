package org.rgflow.app;

import org.rgflow.ensemble.DivergenceException;
import org.rgflow.spec.SpecException;
import org.rgflow.theory.TheoryDivergenceException;

/**
 * What a failure means to a user, in one place for the command line and the sweeps: exit code 2
 * for bad input ({@code <field>: <message>}), 3 for a diverging network or theory, 1 otherwise; the
 * message on one line, never a Java class name unless there is nothing else to say.
 */
public final class Failures {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int BAD_INPUT = 2;
  public static final int DIVERGED = 3;

  private Failures() {}

  /**
   * @param exitCode the process exit code
   * @param message one line, e.g. "--width: must be a positive integer, got 0" (printed after
   *     "error: ")
   */
  public record Failure(int exitCode, String message) {}

  public static Failure of(Throwable e) {
    if (e instanceof SpecException se) {
      return new Failure(BAD_INPUT, se.field() + ": " + oneLine(afterField(se)));
    }
    if (e instanceof DivergenceException || e instanceof TheoryDivergenceException) {
      return new Failure(DIVERGED, oneLine(e.getMessage()));
    }
    if (e instanceof Error) {
      return new Failure(FAILURE, e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage())));
    }
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new Failure(FAILURE, oneLine(msg));
  }

  private static String afterField(SpecException e) {
    String m = e.getMessage();
    String prefix = e.field() + ": ";
    return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : String.valueOf(m);
  }

  /** Messages are printed on one line, whatever they contain. */
  public static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}

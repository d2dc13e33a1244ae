package org.rgflow.spec;

/**
 * Bad user input. The command line prints {@code "error: <field>: <message>"} on one line and exits
 * with code 2.
 */
public class SpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public SpecException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** The name of the offending input (a flag name such as {@code --width}, or a file field). */
  public String field() {
    return field;
  }
}

package org.rgflow.device;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the native libraries' Java parts (Aparapi) say through java.util.logging, kept rather than
 * printed: "SEVERE: Check your environment. Failed to load codegen native library …" where no
 * OpenCL library is installed would otherwise appear on stderr before every run's output and break
 * one-line errors. {@code rgflow devices} lists what was kept ({@link #messages}).
 */
public final class LibraryLog {
  private static final List<String> MESSAGES = new ArrayList<>();
  private static final int MAX = 20;

  private LibraryLog() {}

  /** Replaces the console handlers of java.util.logging by the recorder (call once, first thing). */
  public static void install() {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    root.setLevel(Level.WARNING);
    root.addHandler(new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r != null && r.getLevel().intValue() >= Level.WARNING.intValue()) {
          record(r.getLevel() + ": " + String.valueOf(r.getMessage()).strip().replaceAll("\\s*\\R\\s*", "; "));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
  }

  static synchronized void record(String message) {
    if (MESSAGES.size() < MAX && !MESSAGES.contains(message)) {
      MESSAGES.add(message);
    }
  }

  /** The messages kept so far, in order, each on one line. */
  public static synchronized List<String> messages() {
    return List.copyOf(MESSAGES);
  }
}

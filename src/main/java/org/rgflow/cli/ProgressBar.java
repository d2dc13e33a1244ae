package org.rgflow.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.rgflow.ensemble.ProgressListener;

/**
 * A one-line progress bar on stderr, drawn with carriage returns. Silent for the first second and at
 * most ten redraws a second; {@link #close()} erases it so that whatever follows starts on a clean
 * line. Thread-safe (workers call {@link #progress} concurrently).
 */
final class ProgressBar implements ProgressListener, AutoCloseable {
  static final long DELAY_NANOS = 1_000_000_000L;
  static final long REDRAW_NANOS = 100_000_000L;
  private static final int BAR = 30;

  private final PrintWriter err;
  private final LongSupplier clock;
  private final long start;
  private long lastDraw;
  private boolean everDrawn;
  private int drawnLength;
  private final String unit;
  private long layers;
  private int depth;
  private long done;
  private long total;

  ProgressBar(PrintWriter err, LongSupplier clock) {
    this(err, clock, "networks");
  }

  /** @param unit what is counted, e.g. "networks", "networks trained" */
  ProgressBar(PrintWriter err, LongSupplier clock, String unit) {
    this.err = err;
    this.clock = clock;
    this.start = clock.getAsLong();
    this.unit = unit;
  }

  /** Layers done, so the bar moves within networks too (wide networks take seconds each). */
  @Override
  public synchronized void layer(int depth) {
    layers++;
    this.depth = depth;
    progress(done, total);
  }

  /** Whether to draw: {@code --progress}/{@code --no-progress} win, else whether stderr is a terminal. */
  static boolean wanted(Boolean flag) {
    if (flag != null) {
      return flag;
    }
    String tty = System.getenv("RGFLOW_STDERR_TTY");
    if (tty != null) {
      return tty.equals("1");
    }
    return System.console() != null;
  }

  @Override
  public synchronized void progress(long done, long total) {
    this.done = Math.max(this.done, done);
    this.total = total;
    long now = clock.getAsLong();
    if (now - start < DELAY_NANOS || (everDrawn && now - lastDraw < REDRAW_NANOS && done < total)) {
      return;
    }
    lastDraw = now;
    everDrawn = true;
    double f = total > 0 ? Math.min(1.0, (double) done / total) : 0;
    if (depth > 0 && total > 0) {
      f = Math.max(f, Math.min(1.0, (double) layers / ((double) total * depth)));
    }
    int filled = (int) Math.round(f * BAR);
    double secs = (now - start) / 1e9;
    String eta = f > 0 && f < 1
        ? String.format(Locale.ROOT, ", ETA %.0f s", secs * (1 - f) / f) : "";
    String line = String.format(Locale.ROOT, "[%s%s] %3.0f%%  %d/%d %s  %.1f s%s",
        "#".repeat(filled), ".".repeat(BAR - filled), 100 * f, this.done, total, unit, secs, eta);
    String pad = " ".repeat(Math.max(0, drawnLength - line.length()));
    err.print("\r" + line + pad);
    err.flush();
    drawnLength = line.length();
  }

  @Override
  public synchronized void close() {
    if (drawnLength > 0) {
      err.print("\r" + " ".repeat(drawnLength) + "\r");
      err.flush();
      drawnLength = 0;
    }
  }
}

package org.rgflow.sweep;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a whole sweep on stderr, with an ETA weighted by each point's cost (E · weights, see
 * {@link SweepPoint#cost}). On a terminal: one bar redrawn in place. Otherwise: one line per finished
 * point. A failed point always gets a line with its error.
 */
public final class SweepProgress implements SweepRunner.Listener {
  private static final int BAR = 30;
  private final PrintWriter err;
  private final LongSupplier clock;
  private final boolean bar;
  private long start;
  private double totalCost;
  private double doneCost;
  private int total;
  private int done;
  private int failed;
  private int drawn;

  public SweepProgress(PrintWriter err, LongSupplier clock, boolean bar) {
    this.err = err;
    this.clock = clock;
    this.bar = bar;
  }

  @Override
  public synchronized void planned(List<SweepPoint> toRun, int alreadyDone) {
    start = clock.getAsLong();
    total = toRun.size();
    totalCost = toRun.stream().mapToDouble(SweepPoint::cost).sum();
    if (alreadyDone > 0) {
      err.println("sweep: " + alreadyDone + " point" + (alreadyDone == 1 ? "" : "s")
          + " already finished, " + total + " to run");
    }
    draw(null);
  }

  @Override
  public synchronized void started(SweepPoint p, SweepRunner.Lane lane) {
    draw(p.label());
  }

  @Override
  public synchronized void finished(SweepPoint p, SweepRunner.Lane lane, boolean ok, String error) {
    done++;
    doneCost += p.cost();
    if (!ok) {
      failed++;
    }
    if (bar) {
      if (!ok) {
        clear();
        err.println("sweep: point " + p.id() + " (" + p.label() + ") failed: " + error);
      }
      draw(null);
    } else {
      err.println(String.format(Locale.ROOT, "[%d/%d] %-6s %s  %s%s", done, total, ok ? "ok" : "FAILED",
          p.label(), times(), ok ? "" : " — " + error));
    }
    err.flush();
  }

  /** "12.3 s, ETA 40 s". */
  private String times() {
    double secs = (clock.getAsLong() - start) / 1e9;
    String eta = doneCost > 0 && done < total
        ? String.format(Locale.ROOT, ", ETA %.0f s", secs * (totalCost - doneCost) / doneCost) : "";
    return String.format(Locale.ROOT, "%.1f s%s", secs, eta);
  }

  private void draw(String current) {
    if (!bar || total == 0) {
      return;
    }
    double f = totalCost > 0 ? Math.min(1, doneCost / totalCost) : 0;
    int filled = (int) Math.round(f * BAR);
    String line = String.format(Locale.ROOT, "[%s%s] %3.0f%%  %d/%d points%s  %s%s",
        "#".repeat(filled), ".".repeat(BAR - filled), 100 * f, done, total,
        failed > 0 ? " (" + failed + " failed)" : "", times(), current == null ? "" : "  " + current);
    err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
    err.flush();
    drawn = line.length();
  }

  private void clear() {
    if (drawn > 0) {
      err.print("\r" + " ".repeat(drawn) + "\r");
      drawn = 0;
    }
  }

  /** Erases the bar. */
  public synchronized void close() {
    clear();
    err.flush();
  }
}

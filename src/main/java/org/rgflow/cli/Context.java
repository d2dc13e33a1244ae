package org.rgflow.cli;

import java.io.PrintWriter;
import java.util.function.LongSupplier;
import org.rgflow.app.Engines;

/** What every command shares: the engines, the two output streams and the clock. */
record Context(Engines engines, PrintWriter out, PrintWriter err, LongSupplier clock) {}

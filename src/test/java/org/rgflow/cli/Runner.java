package org.rgflow.cli;

import org.rgflow.app.Engines;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

/** Runs {@link Main#run} in-process with captured stdout and stderr. */
record Runner(int code, String out, String err) {
  static Runner run(Engines engines, String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = new Main(engines, new PrintWriter(o), new PrintWriter(e)).run(args);
    return new Runner(code, o.toString(), e.toString());
  }

  List<String> errLines() {
    return Arrays.stream(err.split("\\R")).filter(s -> !s.isEmpty()).toList();
  }
}

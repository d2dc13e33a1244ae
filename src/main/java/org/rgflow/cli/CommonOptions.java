package org.rgflow.cli;

import picocli.CommandLine.Option;

/** Options every subcommand has. */
final class CommonOptions {
  @Option(names = "--json", description = "Write JSON to stdout (see README \"JSON output\").")
  boolean json;

  @Option(names = "--debug", description = "Print stack traces of unexpected errors.")
  boolean debug;
}

package org.rgflow.cli;

import org.rgflow.app.Version;
import picocli.CommandLine;

/** picocli's {@code --version}: rgflow's version ({@link Version}) and the Java runtime. */
public final class VersionProvider implements CommandLine.IVersionProvider {

  /** e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return Version.current();
  }

  @Override
  public String[] getVersion() {
    return new String[] {"rgflow " + version(),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
  }
}

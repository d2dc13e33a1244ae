package org.rgflow.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version from {@code version.properties} (filtered by Maven); "dev" when unfiltered. */
public final class Version {
  private Version() {}

  /** e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String current() {
    try (InputStream in = Version.class.getResourceAsStream("/org/rgflow/cli/version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "dev");
      return v.startsWith("$") ? "dev" : v;
    } catch (IOException e) {
      return "dev";
    }
  }
}

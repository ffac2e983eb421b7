package org.learnchain.node.support;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version from the jar manifest's Implementation-Version, or, when running from classes (tests,
 * IDE), from a resource the build fills in.
 */
public final class VersionProvider implements IVersionProvider {
  static final String RESOURCE = "version.properties";

  @Override
  public String[] getVersion() {
    return new String[] {
      "learnchain " + version(),
      "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown") + ")"
    };
  }

  /** The project version, or {@code unknown} when neither source has it. */
  public static String version() {
    String fromManifest = VersionProvider.class.getPackage().getImplementationVersion();
    if (fromManifest != null && !fromManifest.isBlank()) {
      return fromManifest;
    }
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version");
        // An unfiltered resource still says ${project.version}.
        if (v != null && !v.isBlank() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException e) {
      // A resource inside our own jar that cannot be read: report the version as unknown.
      return "unknown";
    }
    return "unknown";
  }
}

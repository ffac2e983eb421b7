package org.learnchain.bench.tx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's load averages (1, 5 and 15 minutes), printed beside every figure measured. */
final class LoadAverage {
  private static final Path LOADAVG = Path.of("/proc/loadavg");

  private LoadAverage() {}

  /** The three averages, or the JVM's one-minute figure three times where /proc is missing. */
  static double[] read() {
    try {
      String[] parts = Files.readString(LOADAVG).trim().split("\\s+");
      return new double[] {
        Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2])
      };
    } catch (IOException | RuntimeException e) {
      double one =
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return new double[] {one, one, one};
    }
  }
}

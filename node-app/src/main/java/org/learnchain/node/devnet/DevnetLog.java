package org.learnchain.node.devnet;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The devnet's progress lines, each stamped with the seconds since the devnet started. Lines from
 * the nodes' threads are printed whole; once the run has finished (its report printed) late events
 * print nothing.
 */
final class DevnetLog {
  private final PrintWriter out;
  private final long startedAtMs;
  private volatile boolean finished;

  DevnetLog(PrintWriter out, long startedAtMs) {
    this.out = out;
    this.startedAtMs = startedAtMs;
  }

  void line(String format, Object... args) {
    if (finished) {
      return;
    }
    double t = (System.currentTimeMillis() - startedAtMs) / 1000.0;
    Object[] stamped = new Object[args.length + 1];
    stamped[0] = t;
    System.arraycopy(args, 0, stamped, 1, args.length);
    synchronized (out) {
      out.printf(Locale.ROOT, "[%6.1fs] " + format + "%n", stamped);
      out.flush();
    }
  }

  /** Stops printing: the run is over. */
  void finish() {
    finished = true;
  }

  /** A score as printed: four decimals, or "-" when there is none yet. */
  static String score(double s) {
    return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.4f", s);
  }
}

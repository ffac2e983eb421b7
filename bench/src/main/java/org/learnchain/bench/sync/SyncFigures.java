package org.learnchain.bench.sync;

import com.google.gson.JsonObject;
import java.util.Locale;

/**
 * What one {@link SyncBench} run measured.
 *
 * @param blocks blocks the late node caught up (the validators' head when it was started)
 * @param usefulBlocks useful-work blocks among them
 * @param usefulReverified models the late node re-ran and accepted while catching up (its {@code
 *     ml_verification} count less its failures, from its metrics endpoint)
 * @param syncSeconds from the late node's process start to its head at the target height (JVM start
 *     included)
 * @param startupSeconds from the late node's process start to its API's first answer (a part of
 *     {@code syncSeconds})
 * @param chainSeconds the time the validators took to make those blocks, from their mesh
 * @param cpuSeconds CPU time of the late node's process during the sync
 * @param agreed whether the late node's block at the target height (and so the state root in its
 *     header, which the node recomputed on import) is the validators'
 */
public record SyncFigures(
    int validators,
    int peers,
    long blocks,
    int usefulBlocks,
    int usefulReverified,
    double syncSeconds,
    boolean syncUpperBound,
    double startupSeconds,
    double chainSeconds,
    double cpuSeconds,
    double loadStart,
    double loadEnd,
    boolean agreed) {
  public double blocksPerSecond() {
    return syncSeconds > 0 ? blocks / syncSeconds : 0;
  }

  /** Sync time over chain time: below 1 means catching up is faster than making the chain. */
  public double ratio() {
    return chainSeconds > 0 ? syncSeconds / chainSeconds : 0;
  }

  public String toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("bench", "sync");
    o.addProperty("validators", validators);
    o.addProperty("peers", peers);
    o.addProperty("blocks", blocks);
    o.addProperty("usefulBlocks", usefulBlocks);
    o.addProperty("usefulReverified", usefulReverified);
    o.addProperty("syncSeconds", round3(syncSeconds));
    o.addProperty("syncUpperBound", syncUpperBound);
    o.addProperty("startupSeconds", round3(startupSeconds));
    o.addProperty("blocksPerSecond", round3(blocksPerSecond()));
    o.addProperty("chainSeconds", round3(chainSeconds));
    o.addProperty("ratio", round3(ratio()));
    o.addProperty("cpuSeconds", round3(cpuSeconds));
    o.addProperty("loadAverageStart", round3(loadStart));
    o.addProperty("loadAverageEnd", round3(loadEnd));
    o.addProperty("agreed", agreed);
    return o.toString();
  }

  public String toText() {
    return String.format(
        Locale.ROOT,
        "blocks synced      %d (%d useful-work, %d models re-run by the late node)%n"
            + "sync               %s%.2f s (%.1f blocks/s) from %d of %d validators,"
            + " after %.2f s to start the process%n"
            + "chain              %.2f s to make the same blocks%n"
            + "ratio              %.3f (sync / chain)%n"
            + "cpu                %.1f s of the late node's process during the sync%n"
            + "load average       %.2f -> %.2f%n"
            + "same head, state   %s%n",
        blocks,
        usefulBlocks,
        usefulReverified,
        syncUpperBound ? "at most " : "",
        syncSeconds,
        blocksPerSecond(),
        peers,
        validators,
        startupSeconds,
        chainSeconds,
        ratio(),
        cpuSeconds,
        loadStart,
        loadEnd,
        agreed ? "yes" : "NO");
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}

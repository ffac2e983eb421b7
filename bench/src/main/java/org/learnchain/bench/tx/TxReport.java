package org.learnchain.bench.tx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.learnchain.crypto.Hash;

/**
 * Turns what a run recorded into its {@link TxBench.Result}: each acknowledged transfer is counted
 * against the canonical chain (committed once, duplicated, lost, or stranded behind a refused
 * transfer of its sender), latencies come from the watcher's marks, rates from the window.
 */
final class TxReport {
  private final TxBench.Options o;
  private final Map<Hash, Sent> sent;
  private final LoadGenerator load;
  private final ResourceSampler resources;

  TxReport(TxBench.Options o, Map<Hash, Sent> sent, LoadGenerator load, ResourceSampler resources) {
    this.o = o;
    this.sent = sent;
    this.load = load;
    this.resources = resources;
  }

  /**
   * @param counts occurrences of each transaction in the canonical chain since the start
   * @param start when the window opened ({@link System#nanoTime})
   * @param sendEnd when sending stopped
   * @param aborted why sending stopped early, or null
   */
  TxBench.Result summarise(
      Map<Hash, Integer> counts,
      long start,
      long sendEnd,
      int accounts,
      long startHeight,
      long endHeight,
      double[] loadStart,
      double[] loadEnd,
      String aborted) {
    long committed = 0;
    long lost = 0;
    long stranded = 0;
    long duplicates = 0;
    long lastCommit = start;
    long inWindow = 0;
    long windowCommitted = 0;
    List<Hash> acknowledged = new ArrayList<>();
    List<Double> latencies = new ArrayList<>();
    List<Double> finals = new ArrayList<>();
    for (Map.Entry<Hash, Sent> e : sent.entrySet()) {
      Sent s = e.getValue();
      if (s.ackNanos == 0) {
        continue;
      }
      acknowledged.add(e.getKey());
      int count = counts.getOrDefault(e.getKey(), 0);
      if (count == 0) {
        Long broken = load.brokenAt(s.account);
        if (broken != null && s.nonce > broken) {
          stranded++;
        } else {
          lost++;
        }
        continue;
      }
      committed++;
      if (count > 1) {
        duplicates++;
      }
      if (s.warm) {
        continue;
      }
      windowCommitted++;
      if (s.commitNanos != 0) {
        latencies.add((s.commitNanos - s.submitNanos) / 1e6);
        lastCommit = Math.max(lastCommit, s.commitNanos);
        if (s.commitNanos <= sendEnd) {
          inWindow++;
        }
      }
      if (s.finalNanos != 0) {
        finals.add((s.finalNanos - s.submitNanos) / 1e6);
      }
    }
    // An aborted run's window is what was sent of it.
    double seconds =
        aborted == null
            ? o.duration().toNanos() / 1e9
            : Math.max(1e-3, Math.min(o.duration().toNanos(), sendEnd - start) / 1e9);
    double span = Math.max(seconds, (lastCommit - start) / 1e9);
    return new TxBench.Result(
        o.rate(),
        seconds,
        accounts,
        sent.size(),
        load.acked(),
        committed,
        lost,
        stranded,
        duplicates,
        windowCommitted / span,
        inWindow / seconds,
        Percentiles.of(latencies, 0.50),
        Percentiles.of(latencies, 0.99),
        Percentiles.of(latencies, 1.0),
        Percentiles.of(finals, 0.50),
        Percentiles.of(finals, 0.99),
        load.rejected(),
        startHeight,
        endHeight,
        loadStart,
        loadEnd,
        resources.memory(),
        resources.cpu(windowCommitted),
        resources.clientCpuMsPerTransfer(windowCommitted),
        acknowledged,
        o.mode(),
        o.batch(),
        load.retried(),
        aborted);
  }
}

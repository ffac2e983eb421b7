package org.learnchain.node.devnet;

import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import org.learnchain.crypto.Address;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.status.RoundTracker;

/**
 * Prints the round's state on every phase change and every two seconds within a phase: phase, time
 * left, commits and predictions received by the submitter, the best validation score any miner
 * reached so far, and the certified winner.
 */
final class ProgressTicker implements Runnable {
  private final List<LearnchainNode> nodes;
  private final ToIntFunction<Address> nodeOf;
  private final DevnetLog log;
  private volatile boolean running = true;

  /**
   * @param nodes the devnet's nodes, the submitter first (all started)
   * @param nodeOf the index of the node with an address, for "node3"
   */
  ProgressTicker(List<LearnchainNode> nodes, ToIntFunction<Address> nodeOf, DevnetLog log) {
    this.nodes = List.copyOf(nodes);
    this.nodeOf = nodeOf;
    this.log = log;
  }

  void stop() {
    running = false;
  }

  @Override
  public void run() {
    String last = "";
    long lastPrint = 0;
    int miners = nodes.size() - 1;
    while (running) {
      RoundTracker.Snapshot s = nodes.get(0).tracker().snapshot();
      String key = s.height() + "/" + s.phase();
      long now = System.currentTimeMillis();
      if (s.phase() != RoundTracker.Phase.IDLE && (!key.equals(last) || now - lastPrint >= 2_000)) {
        double best = Double.NaN;
        for (int i = 1; i < nodes.size(); i++) {
          double b = nodes.get(i).tracker().snapshot().bestValidationScore();
          if (!Double.isNaN(b) && (Double.isNaN(best) || b > best)) {
            best = b;
          }
        }
        StringBuilder sb =
            new StringBuilder(
                String.format(
                    Locale.ROOT,
                    "round %d  %-10s %5.1f s left  commits %d/%d",
                    s.height(),
                    s.phase().id(),
                    s.timeLeftMs() / 1000.0,
                    s.commits(),
                    miners));
        if (s.phase() == RoundTracker.Phase.TRAINING) {
          sb.append("  best validation accuracy ").append(DevnetLog.score(best));
        } else {
          sb.append(String.format(Locale.ROOT, "  predictions %d/%d", s.predictions(), miners));
        }
        s.winner()
            .ifPresent(
                w ->
                    sb.append("  certified winner node")
                        .append(nodeOf.applyAsInt(w))
                        .append(" score ")
                        .append(DevnetLog.score(s.winnerScore())));
        log.line("%s", sb);
        last = key;
        lastPrint = now;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}

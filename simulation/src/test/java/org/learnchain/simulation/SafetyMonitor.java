package org.learnchain.simulation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.learnchain.crypto.Hash;

/**
 * Checks the agreement property after every simulation step: every node's committed (final) blocks
 * are recorded by height, and all nodes must hold the same hash at every committed height, and no
 * node's committed chain may shrink or change, across crashes and restarts. The first violation is
 * kept with the simulated time it was seen at.
 */
final class SafetyMonitor {
  private final Cluster cluster;
  private final Map<Long, Hash> committed = new HashMap<>();
  private final Map<Long, Integer> firstCommitter = new HashMap<>();
  private final long[] checkedUpTo;
  private final List<String> violations = new ArrayList<>();
  private final java.util.Set<String> seen = new java.util.HashSet<>();
  private long steps;

  private SafetyMonitor(Cluster cluster) {
    this.cluster = cluster;
    this.checkedUpTo = new long[cluster.nodes().size()];
  }

  /** A monitor hooked into {@code cluster}'s steps. */
  static SafetyMonitor attach(Cluster cluster) {
    SafetyMonitor m = new SafetyMonitor(cluster);
    cluster.onStep(m::check);
    return m;
  }

  void check() {
    steps++;
    for (SimNode n : cluster.nodes()) {
      if (n.crashed()) {
        continue;
      }
      int i = n.index();
      long finalized = n.chain().finalizedHeight();
      if (finalized < checkedUpTo[i]) {
        violate(
            "node "
                + i
                + " committed height went back from "
                + checkedUpTo[i]
                + " to "
                + finalized);
      }
      long from = steps % 64 == 0 ? 1 : checkedUpTo[i] + 1;
      for (long h = from; h <= finalized; h++) {
        Optional<Hash> hash = n.chain().canonicalHash(h);
        if (hash.isEmpty() && seen.add(i + "/lost/" + h)) {
          violate("node " + i + " lost its committed block at height " + h);
        }
        if (hash.isEmpty()) {
          continue;
        }
        Hash earlier = committed.putIfAbsent(h, hash.get());
        if (earlier == null) {
          firstCommitter.put(h, i);
        } else if (!earlier.equals(hash.get()) && seen.add(i + "/" + h + "/" + hash.get())) {
          violate(
              "conflicting commits at height "
                  + h
                  + ": node "
                  + firstCommitter.get(h)
                  + " committed "
                  + earlier.toShortHex()
                  + ", node "
                  + i
                  + " committed "
                  + hash.get().toShortHex());
        }
      }
      checkedUpTo[i] = Math.max(checkedUpTo[i], finalized);
    }
  }

  private void violate(String what) {
    if (violations.size() < 20) {
      violations.add("t=" + cluster.clock().nowMs() + " " + what);
    }
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  /** The highest height every live node has committed. */
  long commonCommittedHeight() {
    long min = Long.MAX_VALUE;
    for (SimNode n : cluster.nodes()) {
      if (!n.crashed()) {
        min = Math.min(min, n.chain().finalizedHeight());
      }
    }
    return min == Long.MAX_VALUE ? 0 : min;
  }
}

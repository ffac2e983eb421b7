package org.learnchain.consensus.sim;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.learnchain.consensus.port.SigningJournal;

/**
 * A signing journal held in memory: "durable" for as long as the object lives, which in the
 * simulations stands for the node's disk (a simulated crash discards the node's state machine and
 * keeps its journal and chain, as a real crash keeps the database).
 */
public final class InMemoryJournal implements SigningJournal {
  private final Map<Long, Map<String, byte[]>> entries = new HashMap<>();

  @Override
  public synchronized Optional<byte[]> find(long round, String slot) {
    Map<String, byte[]> r = entries.get(round);
    byte[] v = r == null ? null : r.get(slot);
    return v == null ? Optional.empty() : Optional.of(v.clone());
  }

  @Override
  public synchronized void record(long round, String slot, byte[] message) {
    byte[] previous =
        entries.computeIfAbsent(round, k -> new HashMap<>()).putIfAbsent(slot, message.clone());
    if (previous != null) {
      throw new IllegalStateException("journal slot taken round=" + round + " slot=" + slot);
    }
  }

  @Override
  public synchronized void pruneBelow(long round) {
    Iterator<Long> it = entries.keySet().iterator();
    while (it.hasNext()) {
      if (it.next() < round) {
        it.remove();
      }
    }
  }

  public synchronized int size() {
    return entries.values().stream().mapToInt(Map::size).sum();
  }
}

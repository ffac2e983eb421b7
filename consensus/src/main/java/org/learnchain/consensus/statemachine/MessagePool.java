package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PublicKey;

/**
 * Signature-checked round messages kept with the time they arrived, per round, in arrival order. A
 * round's state is rebuilt from here whenever the round (re)starts, on a new head or after a fork
 * switch, so a message that came before its round began still counts, and its timeliness is judged
 * by when it arrived, not when it was processed. Bounded per signer and kind, so a member cannot
 * fill memory by signing endless variants.
 */
final class MessagePool {
  /** Variants kept per (round, signer, kind): enough to hold a conflicting pair as evidence. */
  private static final int PER_SIGNER_AND_KIND = 4;

  /** A message and when this node received it. */
  record Received(ConsensusMessage message, long receivedAtMs) {}

  private final TreeMap<Long, List<Received>> byRound = new TreeMap<>();
  private final Map<Long, Set<Hash>> seen = new HashMap<>();
  private final Map<Long, Map<String, Integer>> perSigner = new HashMap<>();

  /** True when the message id was not seen before for its round (it is then remembered). */
  boolean firstSight(ConsensusMessage m) {
    return seen.computeIfAbsent(m.round(), r -> new HashSet<>()).add(m.id());
  }

  /** Adds a checked message; false when its signer already filled its quota for the round. */
  boolean add(ConsensusMessage m, long receivedAtMs) {
    String key = quotaKey(m.signer(), m.type());
    Map<String, Integer> quota = perSigner.computeIfAbsent(m.round(), r -> new HashMap<>());
    int n = quota.getOrDefault(key, 0);
    if (n >= PER_SIGNER_AND_KIND) {
      return false;
    }
    quota.put(key, n + 1);
    byRound.computeIfAbsent(m.round(), r -> new ArrayList<>()).add(new Received(m, receivedAtMs));
    return true;
  }

  List<Received> round(long round) {
    return byRound.getOrDefault(round, List.of());
  }

  /** Forgets rounds below {@code round}. */
  void pruneBelow(long round) {
    byRound.headMap(round).clear();
    prune(seen, round);
    prune(perSigner, round);
  }

  private static <V> void prune(Map<Long, V> map, long round) {
    Iterator<Long> it = map.keySet().iterator();
    while (it.hasNext()) {
      if (it.next() < round) {
        it.remove();
      }
    }
  }

  private static String quotaKey(PublicKey signer, MessageType type) {
    return signer.toHex() + "/" + type.tag();
  }
}

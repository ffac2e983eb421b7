package org.learnchain.p2p.core;

import java.util.LinkedHashMap;
import java.util.Map;
import org.learnchain.p2p.MessageId;

/**
 * The gossip ids this node has already handled, bounded: the least recently touched id is forgotten
 * when the cache is full. A message that comes back after being forgotten is handled again, which
 * is harmless because validation and consumers are idempotent by message id upstream and the window
 * (100k messages by default) far exceeds a flood's lifetime.
 */
public final class SeenCache {
  private final LinkedHashMap<MessageId, Boolean> ids;

  public SeenCache(int capacity) {
    this.ids =
        new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<MessageId, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Records {@code id}; true when it was not there (the caller handles the message). */
  public synchronized boolean add(MessageId id) {
    return ids.put(id, Boolean.TRUE) == null;
  }

  public synchronized boolean contains(MessageId id) {
    return ids.containsKey(id);
  }

  public synchronized int size() {
    return ids.size();
  }
}

package org.learnchain.consensus.statemachine;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The node's inbox, drained by one thread. Two lanes: events from peers (messages, blocks) are
 * bounded, and when the lane is full a new one is refused (a flood cannot exhaust memory, and
 * gossip re-delivers what matters); events the node caused itself (timeouts, finished training) are
 * few by construction and never refused, because losing one could stall a round. The own lane is
 * served first.
 */
public final class EventQueue {
  private final int capacity;
  private final ArrayDeque<Event> own = new ArrayDeque<>();
  private final ArrayDeque<Event> external = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private long refused;

  public EventQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("event queue capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
  }

  /** Offers an event from a peer; false when the queue is full (the event is dropped). */
  public boolean offerExternal(Event event) {
    lock.lock();
    try {
      if (external.size() >= capacity) {
        refused++;
        return false;
      }
      external.addLast(event);
      nonEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Adds an event the node caused itself; never refused. */
  public void addOwn(Event event) {
    lock.lock();
    try {
      own.addLast(event);
      nonEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The next event without waiting, or null when there is none. */
  public Event poll() {
    lock.lock();
    try {
      Event e = own.pollFirst();
      return e != null ? e : external.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  /** The next event, waiting at most {@code timeoutMs}; null when none came. */
  public Event poll(long timeoutMs) throws InterruptedException {
    long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    lock.lock();
    try {
      while (own.isEmpty() && external.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = nonEmpty.awaitNanos(nanos);
      }
      Event e = own.pollFirst();
      return e != null ? e : external.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    lock.lock();
    try {
      return own.size() + external.size();
    } finally {
      lock.unlock();
    }
  }

  /** How many peer events were refused because the queue was full. */
  public long refused() {
    lock.lock();
    try {
      return refused;
    } finally {
      lock.unlock();
    }
  }
}

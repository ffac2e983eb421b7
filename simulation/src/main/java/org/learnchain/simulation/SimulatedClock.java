package org.learnchain.simulation;

import java.util.PriorityQueue;
import org.learnchain.consensus.port.Clock;

/**
 * A discrete-event clock that many in-process nodes share (tests, the paper simulation). Time moves
 * only when the driver runs the next scheduled action, jumping straight to its time, so a thousand
 * rounds take no real time and every run with the same seed is identical. Actions due at the same
 * time run in the order they were scheduled. Single-threaded: the driver and the nodes it drains
 * all run on the caller's thread.
 */
public final class SimulatedClock implements Clock {
  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private long now;
  private long sequence;

  public SimulatedClock(long startMs) {
    this.now = startMs;
  }

  @Override
  public long nowMs() {
    return now;
  }

  @Override
  public Timer schedule(long atMs, Runnable action) {
    Entry e = new Entry(Math.max(atMs, now), sequence++, action);
    queue.add(e);
    return () -> e.cancelled = true;
  }

  /**
   * Runs the earliest pending action if it is due no later than {@code untilMs}, advancing time to
   * it. Returns false (and moves time to {@code untilMs}) when there is none.
   */
  public boolean runNext(long untilMs) {
    while (true) {
      Entry e = queue.peek();
      if (e == null || e.atMs > untilMs) {
        now = Math.max(now, untilMs);
        return false;
      }
      queue.poll();
      if (e.cancelled) {
        continue;
      }
      now = e.atMs;
      e.action.run();
      return true;
    }
  }

  /** Time of the earliest pending action, or {@link Long#MAX_VALUE}. */
  public long nextDueMs() {
    while (!queue.isEmpty() && queue.peek().cancelled) {
      queue.poll();
    }
    return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().atMs;
  }

  public int pending() {
    return queue.size();
  }

  private static final class Entry implements Comparable<Entry> {
    final long atMs;
    final long seq;
    final Runnable action;
    boolean cancelled;

    Entry(long atMs, long seq, Runnable action) {
      this.atMs = atMs;
      this.seq = seq;
      this.action = action;
    }

    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(atMs, o.atMs);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}

package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.List;
import org.learnchain.consensus.port.Clock;
import org.learnchain.crypto.Hash;

/**
 * The timers of the height being decided. Each fires a {@link Event.Timeout} naming the height and
 * the parent it was set for, so a timer that outlives its height is recognised and ignored; all of
 * them are cancelled when a new height starts.
 */
final class Timers {
  private final Clock clock;
  private final EventQueue queue;
  private final Position at;
  private final List<Clock.Timer> pending = new ArrayList<>();

  Timers(Clock clock, EventQueue queue, Position at) {
    this.clock = clock;
    this.queue = queue;
    this.at = at;
  }

  /** Fires {@code phase} of consensus round {@code bftRound} at {@code atMs}. */
  void schedule(Event.Phase phase, int bftRound, long atMs) {
    long h = at.height();
    Hash parent = at.head.hash();
    pending.add(
        clock.schedule(atMs, () -> queue.addOwn(new Event.Timeout(h, parent, phase, bftRound))));
  }

  /**
   * Asks for the rules to be re-evaluated at {@code atMs} (a block from this node's future). Not
   * cancelled with the height: a recheck at a later height only re-evaluates that height's rules.
   */
  void recheckAt(long atMs) {
    clock.schedule(atMs, () -> queue.addOwn(new Event.Recheck()));
  }

  /** Cancels every timer set so far (a new height starts). */
  void cancelAll() {
    for (Clock.Timer t : pending) {
      t.cancel();
    }
    pending.clear();
  }
}

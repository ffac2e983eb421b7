package org.learnchain.consensus.port;

/**
 * Time for the consensus state machine. The state machine never reads the system clock and never
 * sleeps: it asks this port for the current time and for timeout events. In production it is the
 * wall clock and a scheduler thread; in tests and simulations it is a simulated clock that many
 * nodes share, so a thousand rounds take no real time and every run is reproducible.
 */
public interface Clock {

  /** Milliseconds since the epoch (simulated or real). Never decreases. */
  long nowMs();

  /**
   * Runs {@code action} at or after {@code atMs}; immediately (but never re-entrantly inside this
   * call) when that time has passed. The action must do no more than hand an event to the node's
   * queue, so the state machine itself always runs on its own thread.
   *
   * @return a handle to cancel the timeout; cancelling one that already fired has no effect
   */
  Timer schedule(long atMs, Runnable action);

  /** A scheduled timeout. */
  interface Timer {
    void cancel();
  }
}

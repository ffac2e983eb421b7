package org.learnchain.acceptance;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits on conditions, never on fixed delays: polls every {@value #POLL_MS} ms until the condition
 * holds or the deadline passes, then fails saying what was awaited and what was last seen.
 */
final class Await {
  static final long POLL_MS = 200;

  private Await() {}

  /**
   * Polls {@code condition} until true; returns how long it took.
   *
   * @param state what the test sees now, for the failure message (called only on timeout)
   */
  static Duration until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "timed out after "
                + timeout.toSeconds()
                + " s waiting for "
                + what
                + "; last seen: "
                + state.get());
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  static Duration until(String what, Duration timeout, BooleanSupplier condition) {
    return until(what, timeout, condition, () -> "(no state)");
  }
}

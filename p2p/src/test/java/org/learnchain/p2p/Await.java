package org.learnchain.p2p;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits on conditions (never on fixed delays): polls until true or fails with what was awaited. */
public final class Await {
  private Await() {}

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  public static void until(String what, BooleanSupplier condition) {
    until(what, Duration.ofSeconds(20), condition);
  }

  /** Waits until {@code condition} holds, with a description computed on failure. */
  public static void until(Supplier<String> state, Duration timeout, BooleanSupplier condition) {
    try {
      until("condition", timeout, condition);
    } catch (AssertionError e) {
      throw new AssertionError("timed out; state: " + state.get(), e);
    }
  }
}

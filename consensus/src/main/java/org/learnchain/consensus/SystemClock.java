package org.learnchain.consensus;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.learnchain.consensus.port.Clock;

/**
 * The production clock: wall time, and timeouts on one daemon scheduler thread whose actions only
 * enqueue events for the consensus thread. Close it when the node stops.
 */
public final class SystemClock implements Clock, AutoCloseable {
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "consensus-timers");
            t.setDaemon(true);
            return t;
          });

  @Override
  public long nowMs() {
    return System.currentTimeMillis();
  }

  @Override
  public Timer schedule(long atMs, Runnable action) {
    long delay = Math.max(0, atMs - nowMs());
    ScheduledFuture<?> f = scheduler.schedule(action, delay, TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}

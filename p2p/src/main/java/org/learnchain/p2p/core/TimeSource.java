package org.learnchain.p2p.core;

import java.util.function.LongSupplier;

/**
 * The clocks p2p reads: a monotonic one for timeouts, buckets and bans, and the wall clock only for
 * peer-record sequence numbers (which must grow across restarts). Injected so tests can drive time.
 */
public record TimeSource(LongSupplier nanoTime, LongSupplier epochMillis) {
  public static TimeSource system() {
    return new TimeSource(System::nanoTime, System::currentTimeMillis);
  }

  public long nanos() {
    return nanoTime.getAsLong();
  }

  public long millis() {
    return epochMillis.getAsLong();
  }
}

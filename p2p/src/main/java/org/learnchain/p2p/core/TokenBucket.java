package org.learnchain.p2p.core;

import java.util.function.LongSupplier;
import org.learnchain.p2p.RateLimit;

/**
 * A token bucket: {@code perSecond} tokens refill continuously up to {@code burst}; an action costs
 * tokens and is refused when too few remain (refused actions take nothing).
 */
public final class TokenBucket {
  private final double perNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  public TokenBucket(RateLimit limit, LongSupplier nanoTime) {
    this.perNano = limit.perSecond() / 1e9;
    this.burst = limit.burst();
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  public synchronized boolean tryAcquire(double cost) {
    long now = nanoTime.getAsLong();
    long elapsed = now - last;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * perNano);
      last = now;
    }
    if (tokens >= cost) {
      tokens -= cost;
      return true;
    }
    return false;
  }
}

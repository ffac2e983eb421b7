package org.learnchain.p2p;

/**
 * A token bucket's parameters: {@code perSecond} tokens refill every second up to {@code burst}.
 */
public record RateLimit(double perSecond, double burst) {
  public RateLimit {
    if (!(perSecond > 0) || !(burst >= 1) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException(
          "rate limit needs perSecond > 0 and burst >= 1, got " + perSecond + "/" + burst);
    }
  }
}

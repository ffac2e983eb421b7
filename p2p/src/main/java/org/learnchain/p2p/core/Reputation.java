package org.learnchain.p2p.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.ReputationAdjustment;

/**
 * Scores and bans of member keys. Only authenticated members are ever scored, so the table is
 * bounded by the membership. When a ban expires the score restarts at 0.
 */
public final class Reputation {
  public static final int MIN_SCORE = -200;
  public static final int MAX_SCORE = 100;

  /** The result of one adjustment. */
  public record Adjusted(int score, boolean bannedNow) {}

  private final int banThreshold;
  private final long banNanos;
  private final LongSupplier nanoTime;
  private final Map<PublicKey, Integer> scores = new HashMap<>();
  private final Map<PublicKey, Long> bannedUntil = new HashMap<>();

  public Reputation(int banThreshold, Duration banDuration, LongSupplier nanoTime) {
    this.banThreshold = banThreshold;
    this.banNanos = banDuration.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Applies {@code adjustment}; {@code bannedNow} is true when this one started a ban. */
  public synchronized Adjusted adjust(PublicKey key, ReputationAdjustment adjustment) {
    int score =
        Math.max(MIN_SCORE, Math.min(MAX_SCORE, scores.getOrDefault(key, 0) + adjustment.delta()));
    scores.put(key, score);
    boolean bannedNow = false;
    if (score <= banThreshold && !isBannedLocked(key)) {
      bannedUntil.put(key, nanoTime.getAsLong() + banNanos);
      bannedNow = true;
    }
    return new Adjusted(score, bannedNow);
  }

  public synchronized int score(PublicKey key) {
    return scores.getOrDefault(key, 0);
  }

  public synchronized boolean isBanned(PublicKey key) {
    return isBannedLocked(key);
  }

  private boolean isBannedLocked(PublicKey key) {
    Long until = bannedUntil.get(key);
    if (until == null) {
      return false;
    }
    if (nanoTime.getAsLong() - until >= 0) {
      bannedUntil.remove(key);
      scores.put(key, 0);
      return false;
    }
    return true;
  }

  /** Lifts every ban whose time is up. */
  public synchronized void expireBans() {
    long now = nanoTime.getAsLong();
    for (Iterator<Map.Entry<PublicKey, Long>> it = bannedUntil.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<PublicKey, Long> e = it.next();
      if (now - e.getValue() >= 0) {
        scores.put(e.getKey(), 0);
        it.remove();
      }
    }
  }
}

package org.learnchain.p2p.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.RateLimit;

/**
 * Per-peer state, allocated only once the peer has authenticated as a member and been admitted:
 * rate limiters, requests awaiting answers, liveness times.
 */
public final class PeerSession {
  static final class Pending {
    final CompletableFuture<RequestOutcome> future = new CompletableFuture<>();
    volatile ScheduledFuture<?> timeout;
  }

  /** The share of the peer's request rate this node's blob fetches use. */
  static final double PACING_SHARE = 0.9;

  final Connection connection;
  final PublicKey key;
  final long openedNanos;
  final TokenBucket gossipMessages;
  final TokenBucket gossipBytes;
  final TokenBucket requests;

  /**
   * Paces this node's blob chunk requests to the peer under the request rate the peer enforces
   * (members run with the same limits; a margin is left for its other requests), so that a fast
   * transfer never has its requests refused and its sender penalised.
   */
  final TokenBucket outboundRequests;

  final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
  final AtomicInteger serving = new AtomicInteger();
  final AtomicBoolean closing = new AtomicBoolean();
  final AtomicBoolean ended = new AtomicBoolean();
  volatile long lastReceivedNanos;
  volatile long lastPingSentNanos;

  /** When the outbound buffer went above its high-water mark; 0 while it is below. */
  volatile long unwritableSinceNanos;

  PeerSession(Connection connection, P2PConfig config, TimeSource time) {
    this.connection = connection;
    this.key = connection.remoteKey();
    this.openedNanos = time.nanos();
    this.lastReceivedNanos = openedNanos;
    this.lastPingSentNanos = openedNanos;
    this.gossipMessages = new TokenBucket(config.gossipRate(), time.nanoTime());
    this.gossipBytes = new TokenBucket(config.gossipBytesRate(), time.nanoTime());
    this.requests = new TokenBucket(config.requestRate(), time.nanoTime());
    this.outboundRequests =
        new TokenBucket(
            new RateLimit(
                config.requestRate().perSecond() * PACING_SHARE,
                Math.max(1, config.requestRate().burst() * PACING_SHARE / 2)),
            time.nanoTime());
  }

  public PublicKey key() {
    return key;
  }

  @Override
  public String toString() {
    return "PeerSession[" + key.toHex().substring(0, 8) + " " + connection.remoteAddress() + "]";
  }
}

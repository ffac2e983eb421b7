package org.learnchain.p2p.core;

import java.util.Locale;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.ReputationAdjustment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a peer's behaviour costs it: reputation adjustments, the ban that follows a score at the
 * threshold, dropping a peer that broke the protocol, and the rate limits whose overrun is
 * penalised. The scores themselves are {@link Reputation}'s.
 */
final class PeerPenalties {
  private static final Logger LOG = LoggerFactory.getLogger(PeerPenalties.class);

  private final P2PConfig config;
  private final String shortId;
  private final Reputation reputation;
  private final SessionTable sessions;
  private final P2PMetrics metrics;

  PeerPenalties(
      P2PConfig config,
      String shortId,
      Reputation reputation,
      SessionTable sessions,
      P2PMetrics metrics) {
    this.config = config;
    this.shortId = shortId;
    this.reputation = reputation;
    this.sessions = sessions;
    this.metrics = metrics;
  }

  /** The peer broke the protocol: penalise it and drop it. */
  void violation(
      PeerSession s, ReputationAdjustment adjustment, DisconnectReason reason, String detail) {
    Reputation.Adjusted a = reputation.adjust(s.key, adjustment);
    metrics.reputationAdjusted(adjustment.name().toLowerCase(Locale.ROOT));
    if (a.bannedNow()) {
      metrics.peerBanned();
    }
    LOG.warn(
        "Peer dropped for misbehaviour node={} peer={} remote={} reason={} detail={} score={}",
        shortId,
        P2PCore.shortKey(s.key),
        s.connection.remoteAddress(),
        reason,
        detail,
        a.score());
    sessions.disconnect(s, reason, detail, false);
  }

  /** Applies a reputation adjustment; a peer that falls to the threshold is banned and dropped. */
  void penalize(PublicKey peer, ReputationAdjustment adjustment) {
    Reputation.Adjusted a = reputation.adjust(peer, adjustment);
    metrics.reputationAdjusted(adjustment.name().toLowerCase(Locale.ROOT));
    if (adjustment.delta() < 0) {
      LOG.debug(
          "Peer penalised peer={} adjustment={} score={}",
          P2PCore.shortKey(peer),
          adjustment,
          a.score());
    }
    if (a.bannedNow()) {
      metrics.peerBanned();
      LOG.warn(
          "Peer banned peer={} score={} banSeconds={}",
          P2PCore.shortKey(peer),
          a.score(),
          config.banDuration().toSeconds());
      PeerSession s = sessions.map().get(peer);
      if (s != null) {
        sessions.disconnect(s, DisconnectReason.REPUTATION, "score " + a.score(), true);
      }
    }
  }

  /** True (and the peer penalised) when {@code bucket} has no room for {@code cost}. */
  boolean rateLimited(PeerSession s, TokenBucket bucket, double cost) {
    if (bucket.tryAcquire(cost)) {
      return false;
    }
    metrics.messageDropped("rate_limited");
    penalize(s.key, ReputationAdjustment.RATE_LIMITED);
    return true;
  }
}

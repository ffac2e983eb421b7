package org.learnchain.p2p.core;

import java.util.function.Consumer;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.proto.p2p.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes envelopes to sessions under the per-peer bounds: a frame larger than the limit is not
 * sent, and a peer whose queue overflows, or that stops reading for longer than the grace period,
 * is dropped, so a slow peer can neither pin memory nor hold the others back.
 */
final class Outbound {
  private static final Logger LOG = LoggerFactory.getLogger(Outbound.class);

  private final P2PConfig config;
  private final SessionTable sessions;
  private final P2PMetrics metrics;

  Outbound(P2PConfig config, SessionTable sessions, P2PMetrics metrics) {
    this.config = config;
    this.sessions = sessions;
    this.metrics = metrics;
  }

  boolean send(PeerSession s, Envelope e) {
    return sendBytes(s, e.toByteArray());
  }

  boolean sendBytes(PeerSession s, byte[] bytes) {
    return sendBytes(s, bytes, bytes.length, b -> {});
  }

  /**
   * Sends the envelope in {@code bytes[0, length)}; the transport hands the array to {@code
   * recycle} once it has copied it out (and never, when it is not sent).
   */
  boolean sendBytes(PeerSession s, byte[] bytes, int length, Consumer<byte[]> recycle) {
    if (s.closing.get()) {
      return false;
    }
    if (length > config.maxFrameBytes()) {
      LOG.error(
          "Message larger than a frame not sent peer={} bytes={} max={}",
          P2PCore.shortKey(s.key),
          length,
          config.maxFrameBytes());
      return false;
    }
    if (!s.connection.send(bytes, length, recycle)) {
      metrics.messageDropped("queue_full");
      sessions.disconnect(
          s,
          DisconnectReason.OUTBOUND_QUEUE_FULL,
          "more than " + config.maxQueuedBytesPerPeer() + " bytes waiting",
          false);
      return false;
    }
    return true;
  }

  /**
   * True when the peer keeps up. A peer that stays above the high-water mark for longer than the
   * grace period is dropped, so it cannot pin memory or make the others wait.
   */
  boolean writableOrDrop(PeerSession s, long now) {
    if (s.connection.writable()) {
      s.unwritableSinceNanos = 0;
      return true;
    }
    long since = s.unwritableSinceNanos;
    if (since == 0) {
      s.unwritableSinceNanos = now == 0 ? 1 : now;
    } else if (now - since > config.slowPeerGrace().toNanos()) {
      sessions.disconnect(
          s,
          DisconnectReason.OUTBOUND_QUEUE_FULL,
          "not reading for " + config.slowPeerGrace().toMillis() + " ms",
          false);
    }
    return false;
  }
}

package org.learnchain.p2p.core;

import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.PeerAddress;

/**
 * A transport's authenticated link to one peer, as the core sees it. Implementations are
 * thread-safe: the core sends from its worker threads as well as from the transport's.
 */
public interface Connection {
  PublicKey remoteKey();

  /** True when this node dialled. */
  boolean outbound();

  PeerAddress remoteAddress();

  /**
   * Queues one encoded {@code Envelope}. Returns false, queuing nothing, when the bytes waiting for
   * this peer would exceed the per-peer bound: the peer is too slow and the core drops it.
   */
  boolean send(byte[] envelope);

  /**
   * False while the bytes waiting for this peer are above the transport's high-water mark; the core
   * then drops gossip for this peer instead of queuing more.
   */
  boolean writable();

  /** Closes the link; the transport then reports {@link P2PCore#closed}. Idempotent. */
  void close(DisconnectReason reason);
}

package org.learnchain.p2p.core;

import java.io.IOException;
import java.util.Optional;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.PeerAddress;

/**
 * Moves bytes between nodes and authenticates peers; everything else lives in {@link P2PCore}.
 *
 * <p>Contract with the core: every {@link #dial} ends in exactly one of {@link P2PCore#open} (with
 * the dialled address), {@link P2PCore#handshakeFailed} (outbound) or {@link P2PCore#dialFailed};
 * every connection the core opened ends in exactly one {@link P2PCore#closed}; inbound bytes of an
 * open connection go to {@link P2PCore#onEnvelope} in order, or to {@link P2PCore#violation}.
 */
public interface Transport {
  /** Starts listening and returns the bound address (the real port when asked for port 0). */
  PeerAddress start(P2PCore core) throws IOException;

  /** Connects and handshakes asynchronously. */
  void dial(PeerAddress address, Optional<PublicKey> expectedKey);

  /** Stops listening and closes every connection; blocks until the transport's threads end. */
  void stop();
}

package org.learnchain.p2p;

import java.util.Optional;
import org.learnchain.crypto.PublicKey;

/**
 * A connected, authenticated peer.
 *
 * @param key the member key it authenticated with
 * @param remote the address of the other end of the connection
 * @param outbound true when this node dialled it
 * @param listenAddress where it says it listens (from its signed peer record), once known
 * @param score its current reputation (see {@link ReputationAdjustment})
 * @param connectedForMs how long the session has been up
 */
public record PeerInfo(
    PublicKey key,
    PeerAddress remote,
    boolean outbound,
    Optional<PeerAddress> listenAddress,
    int score,
    long connectedForMs) {}

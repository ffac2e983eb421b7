package org.learnchain.p2p;

import java.util.Objects;
import org.learnchain.crypto.PublicKey;

/**
 * A gossip message as delivered to a subscriber.
 *
 * @param topic what kind of payload this is
 * @param id SHA-256 of {@code payload}, checked on receipt
 * @param payload the opaque bytes the publisher handed to {@link P2PNetwork#publish}; owned by the
 *     receiver (a fresh array per delivery)
 * @param from the peer this node received the message from (not necessarily its author; payloads
 *     carry their own signatures where authorship matters)
 */
public record GossipMessage(Topic topic, MessageId id, byte[] payload, PublicKey from) {
  public GossipMessage {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(from, "from");
  }
}

package org.learnchain.simulation;

import org.learnchain.crypto.MessageType;

/**
 * A node's behaviour on the wire: sees every message and block the node's consensus publishes and
 * decides what actually goes out. Honest nodes pass everything through; a Byzantine strategy
 * alters, withholds, duplicates, delays or targets messages, signing with its own key where it
 * needs to. The node's own state machine stays the production code.
 */
@FunctionalInterface
public interface GossipInterceptor {
  GossipInterceptor HONEST = (kind, payload, out) -> out.publish(kind, payload);

  void publish(MessageType kind, byte[] payload, NetworkOut out);
}

package org.learnchain.p2p;

/**
 * Receives a gossip message that its topic's {@link GossipValidator} accepted. Called once per
 * distinct message on the network's gossip thread, before the message is relayed.
 */
@FunctionalInterface
public interface GossipHandler {
  void onMessage(GossipMessage message);
}

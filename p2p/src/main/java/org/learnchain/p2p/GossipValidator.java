package org.learnchain.p2p;

/**
 * Decides whether a gossip message is valid before it is relayed. Called once per distinct message
 * (after de-duplication), on the network's gossip thread: it must not block for long, since every
 * topic's messages wait behind it.
 */
@FunctionalInterface
public interface GossipValidator {
  ValidationResult validate(GossipMessage message);
}

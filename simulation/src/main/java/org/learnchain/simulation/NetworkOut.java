package org.learnchain.simulation;

import org.learnchain.crypto.MessageType;

/**
 * What a node's outgoing gossip can do on the simulated network. Honest nodes only {@link
 * #publish}; Byzantine strategies (a {@link GossipInterceptor}) can also target single peers or
 * send late.
 */
public interface NetworkOut {
  /** Sends to every reachable peer with the network's delays. */
  void publish(MessageType kind, byte[] payload);

  /** Sends to one peer only. */
  void sendTo(int peer, MessageType kind, byte[] payload);

  /** Sends to every reachable peer at simulated time {@code atMs} (plus network delay). */
  void publishAt(long atMs, MessageType kind, byte[] payload);

  /** The simulated time now. */
  long nowMs();

  /** Number of nodes on the network. */
  int size();
}

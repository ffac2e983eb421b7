package org.learnchain.consensus.port;

import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;

/**
 * The consensus view of the peer-to-peer network. Messages travel as their canonical signed
 * encodings with a kind; the network neither parses nor trusts them. What peers send arrives back
 * through {@link org.learnchain.consensus.ConsensusNode#onMessage} and {@link
 * org.learnchain.consensus.ConsensusNode#onBlock} (the node-app's p2p adapter calls them from its
 * threads; they only enqueue).
 */
public interface Gossip {

  /**
   * Sends a message to every peer, best effort. {@code kind} is one of the consensus message types
   * (MODEL_COMMIT ... ATTESTATION) or BLOCK, whose payload is the ledger's block encoding.
   */
  void publish(MessageType kind, byte[] payload);

  /**
   * Asks peers for the block with {@code hash} (used to fetch a missing parent after a partition or
   * a restart). The answer, if any peer has it, arrives as an ordinary block event.
   */
  void requestBlock(Hash hash);
}

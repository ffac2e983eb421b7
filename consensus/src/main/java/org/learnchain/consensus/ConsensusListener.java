package org.learnchain.consensus;

import org.learnchain.consensus.message.MisconductReport;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;

/**
 * What a node's consensus reports to the rest of the node (status, metrics, the CLI's live output)
 * and to tests. Called on the state machine's thread: implementations must be quick and must not
 * call back into the node.
 */
public interface ConsensusListener {
  ConsensusListener NONE = new ConsensusListener() {};

  /** A verified block was stored; {@code head} tells whether it is now the canonical head. */
  default void blockImported(Block block, boolean head) {}

  /** A block failed verification. */
  default void blockRejected(Block block, String reason) {}

  /** The canonical head changed (a new block, or a fork switch). */
  default void headChanged(Block head) {}

  /**
   * A block was committed although this node's own re-run of its model disagreed (the re-run
   * decided this node's prevote; the commit of more than two thirds decides the chain).
   */
  default void committedDespiteLocalCheck(Block block, String reason) {}

  /** A block was committed (and so is final). */
  default void finalized(Hash hash, long height) {}

  /** A peer reported misconduct, or this node did. */
  default void misconduct(MisconductReport report) {}

  /** This node submitted an evidence transaction with this proof. */
  default void evidenceSubmitted(byte[] proof) {}

  /** A round started on top of the head. */
  default void roundStarted(long height, boolean hasProblem) {}
}

package org.learnchain.consensus.port;

import java.util.Optional;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;

/**
 * The chain as consensus sees it: the ledger's blocks, states and state transition, the block store
 * and the transaction pool. Consensus decides which block is the head and which is final; this port
 * only records those decisions. {@link org.learnchain.consensus.ledger.LedgerChain} implements it
 * over the ledger's {@code ChainStore}, {@code StateTransition} and mempool.
 */
public interface ChainPort {

  /** The stored canonical head (the genesis block before any other). */
  Block head();

  /** A stored block by hash, on any branch. */
  Optional<Block> block(Hash hash);

  /** The hash of the canonical block at {@code height}. */
  Optional<Hash> canonicalHash(long height);

  /**
   * The world state after the stored block {@code hash}. Available at least for the finalized block
   * and every stored block above it.
   */
  Optional<WorldState> stateAfter(Hash hash);

  /** The latest block consensus declared final (the genesis block before any). */
  Hash finalizedHash();

  long finalizedHeight();

  /** Applies a received block's body to its parent's state (the verifier's path). */
  TransitionResult apply(
      WorldState parent,
      BlockHeader header,
      java.util.List<SignedTransaction> transactions,
      BlockOutcome outcome);

  /**
   * Builds a block body on {@code parent} for {@code proposer} at {@code height}: pending
   * transactions from the pool that apply (invalid ones skipped), then {@code outcome}.
   */
  StateTransition.Assembly assemble(
      WorldState parent, long height, PublicKey proposer, BlockOutcome outcome);

  /**
   * Stores a verified block with its state in one atomic write; does not move the head. Idempotent
   * for a block already stored.
   */
  void store(Block block, TransitionResult.Applied applied);

  /** Makes {@code hash} (a stored block) the canonical head; the pool drops what it included. */
  void setHead(Hash hash);

  /** Records that {@code hash} at {@code height} is final; never called with a lower height. */
  void setFinalized(Hash hash, long height);

  /**
   * Hands a transaction this node signed (an evidence transaction) to the pool, which also gossips
   * it.
   */
  void submitTransaction(SignedTransaction transaction);

  /** The nonce this node's next transaction from {@code sender} must carry. */
  long nextNonce(Address sender);
}

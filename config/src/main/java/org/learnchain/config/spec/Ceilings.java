package org.learnchain.config.spec;

/**
 * The hard ceilings of the encodings: what a decoder accepts before it allocates anything, whatever
 * the chain spec says. They are code, not genesis, because a decoder runs before it knows which
 * chain or height the bytes belong to. A {@link ChainSpec} must fit under them; {@link
 * DerivedLimits#check} refuses a genesis whose spec does not. See docs/chain-spec.md.
 */
public final class Ceilings {
  private Ceilings() {}

  /** Largest canonical model file any decoder reads (consensus work section, ml-engine loader). */
  public static final int MAX_MODEL_BYTES = 64 << 20;

  /** Largest opaque proof an {@code Evidence} transaction may carry (a bad block with a model). */
  public static final int MAX_EVIDENCE_BYTES = 32 << 20;

  /** Largest encoded transaction any decoder reads (an evidence transaction and its envelope). */
  public static final int MAX_TRANSACTION_BYTES = MAX_EVIDENCE_BYTES + 4096;

  /** Most transactions any block decoder reads. */
  public static final int MAX_BLOCK_TRANSACTIONS = 50_000;

  /** Most unbonding entries an account's encoding may hold (ledger {@code Account}). */
  public static final int MAX_UNBONDING_ENTRIES = 256;

  /** Most delegations an account's encoding may hold. */
  public static final int MAX_DELEGATIONS = 256;

  /** Most delegators (backers) a miner account's encoding may hold. */
  public static final int MAX_BACKERS = 8192;

  /**
   * Largest p2p frame a node may be configured with. A block travels in one frame, so a spec whose
   * largest block does not fit this frame can never be carried by any node.
   */
  public static final int MAX_FRAME_BYTES = 16 << 20;

  /** Smallest p2p frame a node may be configured with. */
  public static final int MIN_FRAME_BYTES = 64 << 10;

  /**
   * What a block message adds to the block it carries: the proposal (round, proof-of-lock round,
   * signature), the gossip envelope and the frame header.
   */
  public static final int BLOCK_MESSAGE_OVERHEAD_BYTES = 64 << 10;

  /** A block's header and its encoding's framing, beyond its transactions and work section. */
  public static final int BLOCK_HEADER_BYTES = 64 << 10;

  /**
   * Room a block keeps beside its model and transactions for the rest of its work section (winner
   * certificate, model and prediction commits, the parent commit) and the test and label reveals.
   */
  public static final int MIN_WORK_RESERVE_BYTES = 1 << 20;
}

package org.learnchain.config.spec;

/**
 * The rules every node of a chain must apply identically at one height: the numbers two nodes must
 * agree on for a block to be valid on both. Read from the {@code spec} section of genesis.json (and
 * the {@code limits.maxModelBytes} it starts from), changed at activation heights by {@link
 * ProtocolSchedule}. Every parameter, its default, unit and reader are in docs/chain-spec.md.
 *
 * @param maxModelBytes largest canonical model file a block may carry (starts at genesis {@code
 *     limits.maxModelBytes})
 * @param maxTransactionBytes largest encoded transaction a block or the mempool accepts
 * @param maxBlockTransactions most transactions in one block
 * @param maxBlockTransactionBytes most encoded transaction bytes in one block
 * @param maxBlockBytes largest encoded block (header, transactions and work section)
 * @param maxPendingProblems most problems pending at once
 * @param maxUnbondingEntries most unbonding entries one account may hold
 * @param maxDelegations most miners one account may delegate to
 * @param maxBackers most delegators one miner may have
 * @param evidenceWindowRounds how many heights back evidence of misbehaviour is admissible
 * @param maxTrainingSamples most training samples a miner trains on for one problem
 */
public record ChainSpec(
    long maxModelBytes,
    int maxTransactionBytes,
    int maxBlockTransactions,
    int maxBlockTransactionBytes,
    int maxBlockBytes,
    int maxPendingProblems,
    int maxUnbondingEntries,
    int maxDelegations,
    int maxBackers,
    int evidenceWindowRounds,
    int maxTrainingSamples) {

  public static final int DEFAULT_MAX_TRANSACTION_BYTES = 4 << 20;
  public static final int DEFAULT_MAX_BLOCK_TRANSACTIONS = 50_000;
  public static final int DEFAULT_MAX_BLOCK_TRANSACTION_BYTES = 4 << 20;

  /** A block and its message fill a default (and the largest) 16 MiB p2p frame exactly. */
  public static final int DEFAULT_MAX_BLOCK_BYTES =
      Ceilings.MAX_FRAME_BYTES - Ceilings.BLOCK_MESSAGE_OVERHEAD_BYTES;

  public static final int DEFAULT_MAX_PENDING_PROBLEMS = 4096;
  public static final int DEFAULT_MAX_UNBONDING_ENTRIES = 32;
  public static final int DEFAULT_MAX_DELEGATIONS = 32;
  public static final int DEFAULT_MAX_BACKERS = 1024;

  /** The evidence window is at least this many heights, however short the unbonding delay. */
  public static final int MIN_DEFAULT_EVIDENCE_WINDOW_ROUNDS = 64;

  public static final int DEFAULT_MAX_TRAINING_SAMPLES = 10_000_000;

  /**
   * The default spec of a genesis: evidence stays admissible for the unbonding delay (so that a
   * validator cannot unbond before its misbehaviour is proven), and for at least 64 heights.
   */
  public static ChainSpec defaults(long maxModelBytes, int unbondingDelayRounds) {
    return new ChainSpec(
        maxModelBytes,
        DEFAULT_MAX_TRANSACTION_BYTES,
        DEFAULT_MAX_BLOCK_TRANSACTIONS,
        DEFAULT_MAX_BLOCK_TRANSACTION_BYTES,
        DEFAULT_MAX_BLOCK_BYTES,
        DEFAULT_MAX_PENDING_PROBLEMS,
        DEFAULT_MAX_UNBONDING_ENTRIES,
        DEFAULT_MAX_DELEGATIONS,
        DEFAULT_MAX_BACKERS,
        Math.max(unbondingDelayRounds, MIN_DEFAULT_EVIDENCE_WINDOW_ROUNDS),
        DEFAULT_MAX_TRAINING_SAMPLES);
  }

  /** The limits derived from this spec (block budget, frame size). */
  public DerivedLimits derived() {
    return DerivedLimits.of(this);
  }
}

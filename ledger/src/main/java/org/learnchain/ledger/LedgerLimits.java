package org.learnchain.ledger;

/**
 * Hard ceilings the ledger applies before it allocates anything for untrusted input. Genesis holds
 * the economic parameters and the dataset/model limits; these are the structural bounds of the
 * encodings themselves, frozen because a block valid on one node must be decodable on every other.
 */
public final class LedgerLimits {
  private LedgerLimits() {}

  /** Largest opaque problem spec (owned by ml-engine) a {@code SubmitProblem} may carry. */
  public static final int MAX_SPEC_BYTES = 64 * 1024;

  /** Largest opaque proof an {@code Evidence} transaction may carry (a bad block with a model). */
  public static final int MAX_EVIDENCE_BYTES = 32 * 1024 * 1024;

  /** Largest encoded transaction (an evidence transaction plus its envelope). */
  public static final int MAX_TRANSACTION_BYTES = MAX_EVIDENCE_BYTES + 4096;

  /** Most transactions in one block. */
  public static final int MAX_BLOCK_TRANSACTIONS = 50_000;

  /** Largest opaque work section (certificate, commits, predictions, model bytes, attestations). */
  public static final int MAX_WORK_BYTES = 256 * 1024 * 1024;

  /** Most addresses in an outcome's attester or committer list. */
  public static final int MAX_OUTCOME_PARTICIPANTS = 4096;

  /** Most unbonding entries one account may have at a time. */
  public static final int MAX_UNBONDING_ENTRIES = 32;

  /** Most miners one account may delegate to at a time. */
  public static final int MAX_DELEGATIONS = 32;

  /** Most delegators one miner may have at a time (its reward split is linear in this). */
  public static final int MAX_BACKERS = 1024;

  /** Most problems pending at once; selection and the pending index are linear in this. */
  public static final int MAX_PENDING_PROBLEMS = 4096;

  /** Most entries in one height's expiry or unbonding queue (bounded by the block's txs). */
  public static final int MAX_QUEUE_ENTRIES = MAX_BLOCK_TRANSACTIONS;
}

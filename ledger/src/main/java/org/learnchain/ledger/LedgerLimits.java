package org.learnchain.ledger;

import org.learnchain.config.spec.Ceilings;

/**
 * Hard ceilings the ledger's decoders apply before they allocate anything for untrusted input. They
 * are not the rules: the chain spec (genesis {@code spec}, {@link
 * org.learnchain.config.spec.ChainSpec}) sets each height's limits on transaction size,
 * transactions per block, pending problems, unbonding entries, delegations and delegators, and
 * {@link org.learnchain.ledger.state.StateTransition} enforces them. A spec above a ceiling here is
 * refused when the genesis is read (docs/chain-spec.md); the shared ceilings live in {@link
 * Ceilings}.
 */
public final class LedgerLimits {
  private LedgerLimits() {}

  /** Largest opaque problem spec (owned by ml-engine) a {@code SubmitProblem} may carry. */
  public static final int MAX_SPEC_BYTES = 64 * 1024;

  /** Largest opaque proof an {@code Evidence} transaction may carry (a bad block with a model). */
  public static final int MAX_EVIDENCE_BYTES = Ceilings.MAX_EVIDENCE_BYTES;

  /** Largest encoded transaction any decoder reads (an evidence transaction and its envelope). */
  public static final int MAX_TRANSACTION_BYTES = Ceilings.MAX_TRANSACTION_BYTES;

  /** Most transactions any block decoder reads. */
  public static final int MAX_BLOCK_TRANSACTIONS = Ceilings.MAX_BLOCK_TRANSACTIONS;

  /** Largest opaque work section (certificate, commits, predictions, model bytes, attestations). */
  public static final int MAX_WORK_BYTES = 256 * 1024 * 1024;

  /** Most addresses in an outcome's attester or committer list. */
  public static final int MAX_OUTCOME_PARTICIPANTS = 4096;

  /** Most unbonding entries an account encoding may hold. */
  public static final int MAX_UNBONDING_ENTRIES = Ceilings.MAX_UNBONDING_ENTRIES;

  /** Most delegations an account encoding may hold. */
  public static final int MAX_DELEGATIONS = Ceilings.MAX_DELEGATIONS;

  /** Most delegators an account encoding may hold. */
  public static final int MAX_BACKERS = Ceilings.MAX_BACKERS;

  /** Most entries in one height's expiry or unbonding queue (bounded by the block's txs). */
  public static final int MAX_QUEUE_ENTRIES = MAX_BLOCK_TRANSACTIONS;
}

package org.learnchain.ledger;

/**
 * Why units moved to (or, for a slash, away from) an account while a block was applied. Ids are
 * frozen: they are stored in the chain database's payment column.
 */
public enum PaymentKind {
  /** The winner's part of a solved problem's bounty (after burn, validator and delegator pools). */
  BOUNTY(1, "bounty"),
  /** New units paid to the winner of a solved problem (the genesis subsidy). */
  SUBSIDY(2, "subsidy"),
  /** A validator's fixed share of a solved problem's validator pool. */
  VALIDATOR_SHARE(3, "validator-share"),
  /** A delegator's share of its miner's winnings, pro rata to its delegation. */
  DELEGATOR_SHARE(4, "delegator-share"),
  /** A committer's fixed share of a wasted round's bounty. */
  WASTED_SPLIT(5, "wasted-split"),
  /** An expired problem's bounty, less the fee, back to its submitter. */
  REFUND(6, "refund"),
  /** A transaction fee (or an expired problem's fee) paid to the block's proposer. */
  FEE(7, "fee"),
  /** Units burned from an equivocator's stake and unbonding entries (a debit). */
  SLASH(8, "slash"),
  /** Unbonding entries that matured at this height and returned to the balance. */
  UNBONDED(9, "unbonded");

  private final int id;
  private final String label;

  PaymentKind(int id, String label) {
    this.id = id;
    this.label = label;
  }

  public int id() {
    return id;
  }

  /** The name the CLI and the API show. */
  public String label() {
    return label;
  }

  /** Whether the amount left the account rather than arrived. */
  public boolean isDebit() {
    return this == SLASH;
  }

  public static PaymentKind fromId(int id) {
    for (PaymentKind k : values()) {
      if (k.id == id) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown payment kind " + id);
  }
}

package org.learnchain.ledger;

import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * Starts unbonding {@code amount} units of stake. They stay slashable and unspendable until
 * Genesis.unbondingDelayRounds() blocks later, so misconduct found in that window can still be
 * punished.
 */
public record Unstake(long amount) implements Transaction {
  static final int TAG = 4;

  @Override
  public int kindTag() {
    return TAG;
  }

  @Override
  public long spend() {
    return 0;
  }

  @Override
  public void writeFields(CanonicalWriter w) {
    w.i64(amount);
  }
}

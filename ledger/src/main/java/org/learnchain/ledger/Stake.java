package org.learnchain.ledger;

import org.learnchain.crypto.codec.CanonicalWriter;

/** Bonds {@code amount} units of the sender's balance as stake (slashable, not spendable). */
public record Stake(long amount) implements Transaction {
  static final int TAG = 3;

  @Override
  public int kindTag() {
    return TAG;
  }

  @Override
  public long spend() {
    return amount;
  }

  @Override
  public void writeFields(CanonicalWriter w) {
    w.i64(amount);
  }
}

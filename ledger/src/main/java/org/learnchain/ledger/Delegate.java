package org.learnchain.ledger;

import java.util.Objects;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * Locks {@code amount} units behind {@code miner}: the sender then receives, pro rata, the
 * delegator share (Rewards.delegatorShareBps) of the useful-work rewards that miner wins.
 */
public record Delegate(Address miner, long amount) implements Transaction {
  static final int TAG = 5;

  public Delegate {
    Objects.requireNonNull(miner, "miner");
  }

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
    w.address(miner).i64(amount);
  }
}

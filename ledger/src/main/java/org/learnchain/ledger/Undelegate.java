package org.learnchain.ledger;

import java.util.Objects;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.codec.CanonicalWriter;

/** Withdraws {@code amount} units delegated to {@code miner}; they unbond like unstaked stake. */
public record Undelegate(Address miner, long amount) implements Transaction {
  static final int TAG = 6;

  public Undelegate {
    Objects.requireNonNull(miner, "miner");
  }

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
    w.address(miner).i64(amount);
  }
}

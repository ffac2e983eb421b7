package org.learnchain.ledger;

import java.util.Objects;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.codec.CanonicalWriter;

/** Moves {@code amount} units from the sender's balance to {@code to}. */
public record Transfer(Address to, long amount) implements Transaction {
  static final int TAG = 1;

  public Transfer {
    Objects.requireNonNull(to, "to");
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
    w.address(to).i64(amount);
  }
}

package org.learnchain.ledger;

import java.util.Objects;
import org.learnchain.crypto.Address;

/**
 * One movement of units the state transition made for an account while applying a block, in the
 * order it made them. Derived deterministically from the block, so every node that applies the
 * block (its proposer, its validators, a node that syncs it later) records the same list.
 *
 * @param amount units, always positive; {@link PaymentKind#isDebit()} says the direction
 */
public record Payment(PaymentKind kind, Address account, long amount) {
  public Payment {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(account, "account");
    if (amount <= 0) {
      throw new IllegalArgumentException("payment amount must be positive, got " + amount);
    }
  }
}

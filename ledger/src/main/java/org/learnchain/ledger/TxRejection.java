package org.learnchain.ledger;

import java.util.Objects;

/** Why one transaction is not valid, with a one-line message for logs and users. */
public record TxRejection(RejectReason reason, String message) {
  public TxRejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return reason + ": " + message;
  }
}

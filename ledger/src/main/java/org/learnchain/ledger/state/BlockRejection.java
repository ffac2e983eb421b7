package org.learnchain.ledger.state;

import java.util.Objects;
import org.learnchain.ledger.RejectReason;

/**
 * Why a block's body cannot be applied: the first invalid transaction ({@code txIndex >= 0}) or a
 * block-level problem such as an outcome for a problem that is not pending ({@code txIndex == -1}).
 */
public record BlockRejection(int txIndex, RejectReason reason, String message) {
  public static final int NOT_A_TRANSACTION = -1;

  public BlockRejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return (txIndex >= 0 ? "tx " + txIndex + " " : "") + reason + ": " + message;
  }
}

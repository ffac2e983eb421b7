package org.learnchain.ledger.state;

import java.util.List;
import java.util.Objects;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Payment;

/** The outcome of applying a block body to its parent state. */
public sealed interface TransitionResult
    permits TransitionResult.Applied, TransitionResult.Rejected {

  /**
   * The body is valid.
   *
   * @param state the state after the block
   * @param diff what changed, for the store
   * @param txHashes the transactions' ids in block order
   * @param fees total fees paid to the proposer (including expired problems' fees)
   * @param minted units created (subsidy)
   * @param burned units destroyed (bounty burn, slashing, rounding remainders)
   * @param payments every unit moved to (or slashed from) an account, in application order; the
   *     same list on every node that applies the block
   */
  record Applied(
      WorldState state,
      StateDiff diff,
      List<Hash> txHashes,
      long fees,
      long minted,
      long burned,
      List<Payment> payments)
      implements TransitionResult {
    public Applied {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(diff, "diff");
      txHashes = List.copyOf(txHashes);
      payments = List.copyOf(payments);
    }

    /** A result without payment records (tests that build one by hand). */
    public Applied(
        WorldState state,
        StateDiff diff,
        List<Hash> txHashes,
        long fees,
        long minted,
        long burned) {
      this(state, diff, txHashes, fees, minted, burned, List.of());
    }

    public Hash stateRoot() {
      return state.root();
    }
  }

  /** The body is invalid; nothing changed. */
  record Rejected(BlockRejection rejection) implements TransitionResult {
    public Rejected {
      Objects.requireNonNull(rejection, "rejection");
    }
  }
}

package org.learnchain.ledger.mempool;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.RejectReason;

/** The mempool's answer to a submitted transaction. */
public sealed interface Admission permits Admission.Accepted, Admission.Rejected {

  /**
   * Taken in.
   *
   * @param replaced the same sender's transaction with the same nonce it replaced (lower fee)
   * @param evicted transactions dropped to make room, in eviction order
   */
  record Accepted(Hash id, Optional<Hash> replaced, List<Hash> evicted) implements Admission {
    public Accepted {
      Objects.requireNonNull(id, "id");
      evicted = List.copyOf(evicted);
    }
  }

  /** Refused, with a reason code and a one-line message; the pool did not change. */
  record Rejected(RejectReason reason, String message) implements Admission {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}

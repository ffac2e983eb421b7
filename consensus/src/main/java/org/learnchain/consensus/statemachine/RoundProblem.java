package org.learnchain.consensus.statemachine;

import java.util.Optional;
import org.learnchain.consensus.Bytes;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.PendingProblem;

/**
 * The round's problem with its submitter's key, which signs the reveals and certificates. The key
 * is empty when the submitting address is not a genesis member: such a problem can never be
 * revealed, so its rounds can only close.
 */
public record RoundProblem(PendingProblem pending, Optional<PublicKey> submitterKey, Bytes spec) {

  public static RoundProblem of(PendingProblem p, Optional<PublicKey> submitter) {
    return new RoundProblem(p, submitter, Bytes.own(p.spec()));
  }

  public Hash id() {
    return pending.id();
  }

  public boolean submittedBy(PublicKey key) {
    return submitterKey.isPresent() && submitterKey.get().equals(key);
  }
}

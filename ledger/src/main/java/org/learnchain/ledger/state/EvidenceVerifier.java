package org.learnchain.ledger.state;

import java.util.Optional;
import org.learnchain.crypto.PublicKey;

/**
 * Port through which the ledger asks consensus, which owns the message formats, whom an evidence
 * proof convicts. Implementations must be deterministic (every node must reach the same answer for
 * the same proof and height) and must not throw on malformed proofs: they return empty.
 */
@FunctionalInterface
public interface EvidenceVerifier {

  /**
   * The offender the proof convicts, or empty when the proof is malformed or proves nothing.
   *
   * @param proof the opaque proof bytes from the Evidence transaction
   * @param height height of the block that includes the proof (for age limits)
   */
  Optional<PublicKey> offender(byte[] proof, long height);
}

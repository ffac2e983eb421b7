package org.learnchain.ledger;

import java.util.Arrays;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * A proof of misconduct (two conflicting signed messages, a bad block, ...). Its format belongs to
 * consensus: the ledger only asks its {@code EvidenceVerifier} who the offender is and records the
 * proof's hash so the same proof can never slash twice.
 */
public record Evidence(byte[] proof) implements Transaction {
  static final int TAG = 7;

  public Evidence {
    proof = proof.clone();
  }

  @Override
  public byte[] proof() {
    return proof.clone();
  }

  /** SHA-256 of the proof: the key under which its use is recorded. */
  public Hash proofHash() {
    return Hashing.sha256(proof);
  }

  public int proofLength() {
    return proof.length;
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
    w.bytes(proof);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Evidence e && Arrays.equals(proof, e.proof);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(proof);
  }

  @Override
  public String toString() {
    return "Evidence[proofBytes=" + proof.length + "]";
  }
}

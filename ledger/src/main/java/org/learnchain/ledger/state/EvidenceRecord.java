package org.learnchain.ledger.state;

import org.learnchain.crypto.Address;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * The trace an accepted evidence proof leaves in the state; its presence under the proof's hash is
 * what stops the same proof from slashing twice.
 *
 * @param slashed units destroyed from the offender's stake and unbonding entries
 */
public record EvidenceRecord(long height, Address offender, long slashed) {
  byte[] encode() {
    return new CanonicalWriter(36).i64(height).address(offender).i64(slashed).toByteArray();
  }

  static EvidenceRecord decode(byte[] bytes) {
    CanonicalReader r = new CanonicalReader(bytes);
    EvidenceRecord e = new EvidenceRecord(r.i64(), r.address(), r.i64());
    r.end();
    return e;
  }
}

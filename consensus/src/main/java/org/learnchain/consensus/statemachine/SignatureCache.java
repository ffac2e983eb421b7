package org.learnchain.consensus.statemachine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.crypto.Hash;

/**
 * Remembers which messages (by id, the hash of the full signed encoding) already passed signature
 * verification, so that a message verified when it was gossiped is not verified again when a block
 * carries it. Bounded, oldest forgotten first. Sound because the id covers the signature: a cached
 * id can only be the very bytes that were verified.
 */
public final class SignatureCache {
  private final Map<Hash, Boolean> verified;

  public SignatureCache(int capacity) {
    this.verified =
        new LinkedHashMap<>(capacity, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Hash, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Verifies {@code m}'s signature, or finds it already verified. */
  public boolean verify(ConsensusMessage m, ChainDomains domains) {
    Hash id = m.id();
    if (verified.containsKey(id)) {
      return true;
    }
    if (!m.verifySignature(domains)) {
      return false;
    }
    verified.put(id, Boolean.TRUE);
    return true;
  }
}

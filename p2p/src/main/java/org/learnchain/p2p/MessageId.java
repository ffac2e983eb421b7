package org.learnchain.p2p;

import java.util.Objects;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;

/**
 * Identity of a gossip message: SHA-256 of its payload. Two messages with the same payload are the
 * same message, whoever sends them, which is what de-duplication needs.
 */
public record MessageId(Hash hash) {
  public MessageId {
    Objects.requireNonNull(hash, "hash");
  }

  public static MessageId of(byte[] payload) {
    return new MessageId(Hashing.sha256(payload));
  }

  @Override
  public String toString() {
    return hash.toShortHex();
  }
}

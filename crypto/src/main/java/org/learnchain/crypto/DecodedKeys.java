package org.learnchain.crypto;

import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Public keys already decoded to curve points, so that verifying another signature of the same
 * sender skips the point decompression (about a tenth of a verification: docs/benchmarks.md, where
 * a transfer's CPU goes).
 *
 * <p>Same verdicts as verifying with the key's bytes: Bouncy Castle's {@code
 * validatePublicKeyPartialExport} runs exactly the key checks its byte-key {@code verify} runs
 * (canonical encoding, {@code checkPointFullVar}; decoding, which refuses x = 0 with the sign bit
 * set), and its point-key {@code verify} hashes the point's encoding, which for a key that passed
 * those checks is the key's own bytes; the signature's checks and the equation are the same code.
 * {@code Ed25519SignaturesTest} compares both ways on valid, forged and malformed inputs.
 *
 * <p>Bounded and lock-free: a direct-mapped table of immutable entries (key bytes and point); a
 * newer key overwrites an older one in its slot, which costs only a decoding later. Entries are
 * published through final fields, so a racing reader sees a whole entry or none. A key that does
 * not decode is not held.
 */
final class DecodedKeys {
  private static final int SLOTS = 1 << 14;

  private record Entry(byte[] key, Ed25519.PublicPoint point) {}

  private final Entry[] table = new Entry[SLOTS];

  /** The decoded point of {@code key} (32 bytes), or null when it is no valid public key. */
  Ed25519.PublicPoint point(byte[] key) {
    int i = index(key);
    Entry e = table[i];
    if (e != null && Arrays.equals(e.key, key)) {
      return e.point;
    }
    Ed25519.PublicPoint p = Ed25519.validatePublicKeyPartialExport(key, 0);
    if (p != null) {
      table[i] = new Entry(key.clone(), p);
    }
    return p;
  }

  private static int index(byte[] key) {
    int h = (key[0] & 0xff) | (key[1] & 0xff) << 8 | (key[2] & 0xff) << 16 | (key[3] & 0xff) << 24;
    h ^= (key[8] & 0xff) | (key[9] & 0xff) << 8 | (key[10] & 0xff) << 16 | (key[11] & 0xff) << 24;
    return (h ^ (h >>> 14)) & (SLOTS - 1);
  }
}

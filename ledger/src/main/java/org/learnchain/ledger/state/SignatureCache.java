package org.learnchain.ledger.state;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.learnchain.crypto.Hash;

/**
 * Ids of transactions whose signatures this process has already verified, so that a transaction is
 * verified once per node rather than once per step (gossip validation, pool admission, block
 * building, block verification all see the same transaction).
 *
 * <p>Soundness: a transaction id is SHA-256 of the whole canonical encoding, chain id, sender, body
 * and signature included, and verification is a pure function of those bytes; so an id found here
 * stands for exactly the bytes that verified. Only successes are recorded.
 *
 * <p>Bounded and lock-free: a direct-mapped table indexed by the id's hash code (uniform, as the
 * ids are SHA-256 output). A newer id overwrites an older one in its slot, which costs only a
 * repeated verification later.
 */
public final class SignatureCache {
  private final AtomicReferenceArray<Hash> slots;
  private final int mask;

  /**
   * @param capacity slots, rounded up to a power of two (at least 16)
   */
  public SignatureCache(int capacity) {
    int size = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
    this.slots = new AtomicReferenceArray<>(size);
    this.mask = size - 1;
  }

  /** The cache a node uses: room for several full mempools of transactions. */
  public static SignatureCache forNode() {
    return new SignatureCache(1 << 16);
  }

  public boolean contains(Hash txId) {
    return txId.equals(slots.get(index(txId)));
  }

  /** Records that {@code txId}'s signature verified. */
  public void add(Hash txId) {
    slots.set(index(txId), txId);
  }

  private int index(Hash h) {
    int v = h.hashCode();
    return (v ^ (v >>> 16)) & mask;
  }
}

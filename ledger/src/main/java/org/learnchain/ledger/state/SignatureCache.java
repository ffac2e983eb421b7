package org.learnchain.ledger.state;

import org.learnchain.crypto.Hash;

/**
 * Ids of transactions whose signatures this process has already verified, so that a transaction is
 * verified once per node rather than once per step (gossip validation, pool admission, block
 * building, block verification all see the same transaction).
 *
 * <p>Soundness: a transaction id is SHA-256 of the whole canonical encoding, chain id, sender, body
 * and signature included, and verification is a pure function of those bytes; so an id found here
 * stands for exactly the bytes that verified. Only successes are recorded, and all 256 bits of an
 * id are stored and compared.
 *
 * <p>Bounded, lock-free and allocation-free: a direct-mapped table of ids held as four 64-bit words
 * each, indexed by the id's first word (uniform, as the ids are SHA-256 output). A newer id
 * overwrites an older one in its slot, which costs only a repeated verification later. Two threads
 * writing one slot at once can leave words of two verified ids mixed there; a query matches such a
 * mix only if its id shares at least 128 bits with each of two verified ids, which SHA-256 makes
 * infeasible to arrange, so a mix is in effect an empty slot. An empty slot holds zeros, and the
 * zero id is never reported as present.
 *
 * <p>Size: an id must survive in its slot from pool admission until its block is verified, while up
 * to a full pool (20,000 by default) and the blocks in flight arrive after it. With {@code n} slots
 * an id survives {@code k} later arrivals with probability about {@code exp(-k/n)}: 2^18 slots (8
 * MiB) keep 93% of ids through a full pool's worth of arrivals, where the former 2^16 kept 74% and
 * a backlog made the node verify a quarter of its signatures twice.
 */
public final class SignatureCache {
  private final long[] words;
  private final int mask;

  /**
   * @param capacity slots, rounded up to a power of two (at least 16)
   */
  public SignatureCache(int capacity) {
    int size = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
    this.words = new long[size * Hash.WORDS];
    this.mask = size - 1;
  }

  /** The cache a node uses: room for several full mempools of transactions. */
  public static SignatureCache forNode() {
    return new SignatureCache(1 << 18);
  }

  public boolean contains(Hash txId) {
    int base = index(txId);
    long any = 0;
    for (int i = 0; i < Hash.WORDS; i++) {
      long w = txId.word(i);
      if (words[base + i] != w) {
        return false;
      }
      any |= w;
    }
    // An empty slot is zeros: the zero id is never in the cache.
    return any != 0;
  }

  /** Records that {@code txId}'s signature verified. */
  public void add(Hash txId) {
    int base = index(txId);
    for (int i = 0; i < Hash.WORDS; i++) {
      words[base + i] = txId.word(i);
    }
  }

  private int index(Hash h) {
    long v = h.word(0);
    return ((int) (v ^ (v >>> 32)) & mask) * Hash.WORDS;
  }
}

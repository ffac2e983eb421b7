package org.learnchain.ledger.store;

/**
 * The column families (segments) of the ledger's key-value store. Ids are frozen: a database names
 * its column families by id, so renaming a constant is harmless but changing or reusing an id
 * corrupts every existing database. New columns take new ids.
 */
public enum Column {
  /** Block hash -> canonical block encoding (side-chain blocks too). */
  BLOCKS(1),
  /** Height (8 bytes big-endian) -> hash of the canonical block at that height. */
  CANONICAL(2),
  /** Flat world state at the head: accounts, chain counters, unbonding and expiry queues. */
  STATE(3),
  /** Content hash -> bytes (training sets and other blobs fetched by hash). */
  BLOBS(4),
  /** Flat world state at the head: pending and closed problems. */
  PROBLEMS(5),
  /** Flat world state at the head: records of accepted evidence proofs. */
  EVIDENCE(6),
  /** Peer id -> peer record (owned by p2p through node-app). */
  PEERS(7),
  /** Schema version, head, finalized height. */
  METADATA(8),
  /** (round, kind) -> a message this node signed, persisted before it is sent. */
  JOURNAL(9),
  /** Block hash -> that block's state diff (forward and backward), for reorgs. */
  STATE_DIFFS(10),
  /**
   * (account, height, index in the block) -> (block hash, payment kind, amount): every payment the
   * state transition made while applying a block appended at the head; written in that block's
   * batch. Entries whose block hash is not canonical at their height are ignored when read.
   */
  PAYMENTS(11);

  private final int id;

  Column(int id) {
    this.id = id;
  }

  public int id() {
    return id;
  }

  /** The column family name in RocksDB: the id as one byte. */
  public byte[] familyName() {
    return new byte[] {(byte) id};
  }
}

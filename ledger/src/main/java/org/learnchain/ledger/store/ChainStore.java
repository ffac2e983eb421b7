package org.learnchain.ledger.store;

import java.util.List;
import java.util.Optional;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.PaymentKind;
import org.learnchain.ledger.state.StateDiff;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;

/**
 * The node's chain database: blocks, the canonical chain, the head's world state, and the small
 * records consensus and p2p persist. One implementation ({@link KvChainStore}) runs over RocksDB or
 * over the in-memory twin.
 *
 * <p>Durability: every method that changes the chain writes one atomic batch, synced to stable
 * storage before it returns. A crash at any moment leaves the store at the state of the last
 * returned call: the head is always a whole block whose state is complete.
 *
 * <p>Thread-safety: reads may run on any thread; writes are serialized.
 */
public interface ChainStore extends AutoCloseable {

  /** Block 0, derived from genesis. */
  Block genesisBlock();

  /** The head block (the tip of the canonical chain). */
  Block head();

  /** The world state after the head block. */
  WorldState headState();

  Optional<Block> block(Hash hash);

  boolean contains(Hash hash);

  /** Hash of the canonical block at {@code height}, if the canonical chain reaches it. */
  Optional<Hash> canonicalHash(long height);

  default Optional<Block> canonicalBlock(long height) {
    return canonicalHash(height).flatMap(this::block);
  }

  /** Height below which (inclusive) the canonical chain never changes; 0 at genesis. */
  long finalizedHeight();

  /**
   * Stores a block that extends the head and makes it the head, with its state changes, in one
   * synced batch.
   *
   * @param applied the result of applying the block to the head state; its state root must be the
   *     block's
   * @throws IllegalArgumentException when the block does not extend the head or the result does not
   *     belong to it
   */
  void appendBlock(Block block, TransitionResult.Applied applied);

  /**
   * Stores a block off the head (a fork) with its diff, in one synced batch; the head is unchanged.
   * Its parent must already be stored.
   */
  void storeBlock(Block block, StateDiff diff);

  /**
   * Makes a stored block the head (fork choice), moving the canonical index and the flat state in
   * one synced batch.
   *
   * @throws IllegalArgumentException when the block is unknown
   * @throws IllegalStateException when the switch would revert a finalized block
   */
  void setHead(Hash hash);

  /**
   * Records that the canonical chain is final up to {@code height} (at most the head's). Diffs
   * below it are no longer needed for reorgs and are pruned.
   */
  void setFinalized(long height);

  /**
   * The world state after a stored block: the head's, or derived through the diffs between the head
   * and that block (only blocks above the finalized height, or the head, are reachable).
   */
  Optional<WorldState> state(Hash blockHash);

  /**
   * Payments to (or slashes of) {@code account} recorded by canonical blocks at heights from {@code
   * fromHeight} on, oldest first, at most {@code limit}. Recorded when a block is appended at the
   * head (every node that applies a block records the same list).
   */
  List<PaymentRecord> payments(Address account, long fromHeight, int limit);

  /**
   * The first height whose payments are recorded: 0 for a database created with payment records,
   * otherwise the height after the head at which an older database was upgraded.
   */
  long paymentsRecordedFrom();

  /** One payment of a canonical block, as stored. */
  record PaymentRecord(long height, Hash block, PaymentKind kind, long amount) {}

  /** Stores content-addressed bytes (synced) and returns their SHA-256. */
  Hash putBlob(byte[] data);

  Optional<byte[]> blob(Hash hash);

  /**
   * Persists (synced) a message this node signed for {@code round}, before it is sent: after a
   * restart, consensus reads it back instead of signing a conflicting one.
   *
   * @param kind a short label (at most 64 UTF-8 bytes), e.g. a message type tag
   */
  void journal(long round, String kind, byte[] message);

  /**
   * Like {@link #journal(long, String, byte[])}, but when {@code sync} is false the entry is
   * written without waiting for the disk: it becomes durable with the next synced write (the
   * store's writes reach the disk in order), or is lost with everything after it in a crash. For
   * records that a synced write follows at once, such as a height's decision before its block.
   */
  default void journal(long round, String kind, byte[] message, boolean sync) {
    journal(round, kind, message);
  }

  Optional<byte[]> journaled(long round, String kind);

  /** The kinds journaled for {@code round}, in key order. */
  List<String> journaledKinds(long round);

  /** Deletes journal entries of rounds below {@code round}. */
  void pruneJournal(long round);

  /** Saves a peer record under its id (p2p's address book; not synced). */
  void putPeer(byte[] id, byte[] record);

  void removePeer(byte[] id);

  /** Every saved peer, as (id, record), in id order. */
  List<PeerRecord> peers();

  /** A stored peer. */
  record PeerRecord(byte[] id, byte[] record) {}

  @Override
  void close();
}

package org.learnchain.ledger.store;

import java.util.Optional;

/**
 * A byte-level key-value store split into {@link Column}s, with atomic write batches. Keys are
 * ordered by unsigned byte comparison in every implementation, so iteration order is the same on
 * RocksDB and in memory.
 *
 * <p>I/O failures raise {@link StorageException}. Iterators and batches hold native resources in
 * the RocksDB implementation: always use them in try-with-resources.
 */
public interface KeyValueStore extends AutoCloseable {

  Optional<byte[]> get(Column column, byte[] key);

  /** Iterates the whole column in key order. */
  KvIterator iterator(Column column);

  /** Iterates, in key order, the keys of {@code column} that start with {@code prefix}. */
  KvIterator iterator(Column column, byte[] prefix);

  /** A new, empty batch; nothing is visible until {@link WriteBatch#commit}. */
  WriteBatch batch();

  /** Closes the store (RocksDB: flushes memtables, releases native handles). Idempotent. */
  @Override
  void close();

  /** A cursor over a column, positioned before its first entry. */
  interface KvIterator extends AutoCloseable {
    /** Moves to the next entry; false at the end. */
    boolean next();

    byte[] key();

    byte[] value();

    @Override
    void close();
  }

  /** Writes applied all together or not at all. Later operations on a key win over earlier ones. */
  interface WriteBatch extends AutoCloseable {
    void put(Column column, byte[] key, byte[] value);

    void delete(Column column, byte[] key);

    /** Number of operations so far. */
    int size();

    /**
     * Applies every operation atomically.
     *
     * @param sync when true, the batch is on stable storage (fsync) before this returns: a crash
     *     afterwards cannot lose it
     */
    void commit(boolean sync);

    /** Releases the batch (after commit, or to abandon it). */
    @Override
    void close();
  }
}

package org.learnchain.ledger.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The in-memory twin of the RocksDB store, for fast tests and simulations: same ordering, same
 * atomic batches. Its contents outlive {@link #close()} so that a test can {@link #reopen()} it and
 * exercise a node restart. Like the RocksDB write-ahead log it models durability in order: a batch
 * committed without {@code sync} becomes durable with the next synced one, and {@link
 * #reopenAfterPowerLoss()} drops the unsynced batches after the last synced one (a process crash,
 * {@link #reopen()}, keeps them, as the operating system still holds them).
 */
public final class InMemoryKeyValueStore implements KeyValueStore {
  private final Data data;
  private volatile boolean closed;

  /** The contents, shared by every handle reopened on them. */
  private static final class Data {
    final Map<Column, TreeMap<byte[], byte[]>> columns = new EnumMap<>(Column.class);
    final ReadWriteLock lock = new ReentrantReadWriteLock();

    /**
     * What the unsynced batches since the last synced one overwrote, oldest first: {column, key,
     * previous value or null}. Undone, newest first, by a power loss.
     */
    final List<Object[]> undo = new ArrayList<>();

    Data() {
      for (Column c : Column.values()) {
        columns.put(c, new TreeMap<>(Arrays::compareUnsigned));
      }
    }
  }

  private InMemoryKeyValueStore(Data data) {
    this.data = data;
  }

  public static InMemoryKeyValueStore create() {
    return new InMemoryKeyValueStore(new Data());
  }

  /** A new open handle on the same contents (what survives a process restart). */
  public InMemoryKeyValueStore reopen() {
    return new InMemoryKeyValueStore(data);
  }

  /**
   * A new open handle on what a power loss leaves: the batches committed without sync after the
   * last synced one are gone, everything before it is kept.
   */
  public InMemoryKeyValueStore reopenAfterPowerLoss() {
    data.lock.writeLock().lock();
    try {
      for (int i = data.undo.size() - 1; i >= 0; i--) {
        Object[] u = data.undo.get(i);
        TreeMap<byte[], byte[]> col = data.columns.get((Column) u[0]);
        if (u[2] == null) {
          col.remove((byte[]) u[1]);
        } else {
          col.put((byte[]) u[1], (byte[]) u[2]);
        }
      }
      data.undo.clear();
    } finally {
      data.lock.writeLock().unlock();
    }
    return new InMemoryKeyValueStore(data);
  }

  private void checkOpen() {
    if (closed) {
      throw new StorageException("in-memory store is closed");
    }
  }

  @Override
  public Optional<byte[]> get(Column column, byte[] key) {
    checkOpen();
    data.lock.readLock().lock();
    try {
      byte[] v = data.columns.get(column).get(key);
      return v == null ? Optional.empty() : Optional.of(v.clone());
    } finally {
      data.lock.readLock().unlock();
    }
  }

  @Override
  public KvIterator iterator(Column column) {
    return iterator(column, new byte[0]);
  }

  @Override
  public KvIterator iterator(Column column, byte[] prefix) {
    checkOpen();
    List<byte[][]> snapshot = new ArrayList<>();
    data.lock.readLock().lock();
    try {
      for (var e : data.columns.get(column).tailMap(prefix, true).entrySet()) {
        if (!startsWith(e.getKey(), prefix)) {
          break;
        }
        snapshot.add(new byte[][] {e.getKey().clone(), e.getValue().clone()});
      }
    } finally {
      data.lock.readLock().unlock();
    }
    return new KvIterator() {
      private int i = -1;

      @Override
      public boolean next() {
        return ++i < snapshot.size();
      }

      @Override
      public byte[] key() {
        return snapshot.get(i)[0];
      }

      @Override
      public byte[] value() {
        return snapshot.get(i)[1];
      }

      @Override
      public void close() {}
    };
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  @Override
  public WriteBatch batch() {
    checkOpen();
    return new WriteBatch() {
      private final List<Object[]> ops = new ArrayList<>();

      @Override
      public void put(Column column, byte[] key, byte[] value) {
        ops.add(new Object[] {column, key.clone(), value.clone()});
      }

      @Override
      public void delete(Column column, byte[] key) {
        ops.add(new Object[] {column, key.clone(), null});
      }

      @Override
      public int size() {
        return ops.size();
      }

      @Override
      public void commit(boolean sync) {
        checkOpen();
        data.lock.writeLock().lock();
        try {
          for (Object[] op : ops) {
            TreeMap<byte[], byte[]> col = data.columns.get((Column) op[0]);
            byte[] previous =
                op[2] == null
                    ? col.remove((byte[]) op[1])
                    : col.put((byte[]) op[1], (byte[]) op[2]);
            if (!sync) {
              data.undo.add(new Object[] {op[0], op[1], previous});
            }
          }
          if (sync) {
            // In order, like a write-ahead log: this sync makes every earlier batch durable too.
            data.undo.clear();
          }
        } finally {
          data.lock.writeLock().unlock();
        }
        ops.clear();
      }

      @Override
      public void close() {
        ops.clear();
      }
    };
  }

  @Override
  public void close() {
    closed = true;
  }
}

package org.learnchain.ledger.store.rocksdb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.learnchain.ledger.store.Column;
import org.learnchain.ledger.store.CorruptDatabaseException;
import org.learnchain.ledger.store.KeyValueStore;
import org.learnchain.ledger.store.StorageException;
import org.learnchain.ledger.store.UnsupportedSchemaException;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link KeyValueStore} on RocksDB: one column family per {@link Column}, named by its frozen
 * id. Opening refuses a database holding column families this build does not know (written by a
 * newer schema), runs with paranoid checks, and by default verifies every SST block checksum so a
 * damaged file is reported at start rather than served later.
 *
 * <p>Crash safety rests on the write-ahead log: a batch committed with {@code sync} is fsynced
 * before the commit returns, and recovery in point-in-time mode replays whole batches only, so a
 * torn write at the tail of the log after a kill is dropped, never half-applied.
 */
public final class RocksDbKeyValueStore implements KeyValueStore {
  private static final Logger LOG = LoggerFactory.getLogger(RocksDbKeyValueStore.class);

  static {
    RocksDB.loadLibrary();
  }

  /**
   * @param verifyChecksums read every SST block at open and check its checksum (linear in the
   *     database size; the safe default)
   */
  public record Options(boolean verifyChecksums) {
    public static final Options DEFAULT = new Options(true);
  }

  private final Path dir;
  private final RocksDB db;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final Memory memory;
  private final List<ColumnFamilyHandle> handles;
  private final Map<Column, ColumnFamilyHandle> byColumn = new EnumMap<>(Column.class);
  private final WriteOptions syncWrites;
  private final WriteOptions asyncWrites;
  private final ReadOptions reads;
  private volatile boolean closed;

  private RocksDbKeyValueStore(
      Path dir,
      RocksDB db,
      DBOptions dbOptions,
      ColumnFamilyOptions cfOptions,
      Memory memory,
      List<ColumnFamilyHandle> handles) {
    this.dir = dir;
    this.db = db;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.memory = memory;
    this.handles = handles;
    // handles[0] is "default"; the columns follow in declaration order.
    Column[] cols = Column.values();
    for (int i = 0; i < cols.length; i++) {
      byColumn.put(cols[i], handles.get(i + 1));
    }
    this.syncWrites = new WriteOptions().setSync(true);
    this.asyncWrites = new WriteOptions().setSync(false);
    this.reads = new ReadOptions().setVerifyChecksums(true);
  }

  /**
   * Opens (creating if needed) the database in {@code dir}.
   *
   * @throws UnsupportedSchemaException when the database has column families this build does not
   *     know
   * @throws CorruptDatabaseException when RocksDB finds damaged files or checksums
   * @throws StorageException for other I/O failures
   */
  public static RocksDbKeyValueStore open(Path dir, Options options) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new StorageException(
          "cannot create database directory " + dir + ": " + e.getMessage(), e);
    }
    checkFamilies(dir);
    Memory memory = Memory.create();
    DBOptions dbOptions =
        new DBOptions()
            .setWriteBufferManager(memory.writeBuffers())
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setParanoidChecks(true)
            .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
            .setMaxBackgroundJobs(2)
            .setKeepLogFileNum(4);
    ColumnFamilyOptions cfOptions =
        new ColumnFamilyOptions()
            .setCompressionType(CompressionType.LZ4_COMPRESSION)
            .setWriteBufferSize(Memory.WRITE_BUFFER_BYTES)
            .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(memory.cache()));
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (Column c : Column.values()) {
      descriptors.add(new ColumnFamilyDescriptor(c.familyName(), cfOptions));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db;
    try {
      db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
    } catch (RocksDBException e) {
      dbOptions.close();
      cfOptions.close();
      memory.close();
      throw classify("cannot open database " + dir, e);
    }
    RocksDbKeyValueStore store =
        new RocksDbKeyValueStore(dir, db, dbOptions, cfOptions, memory, handles);
    if (options.verifyChecksums()) {
      long start = System.nanoTime();
      try {
        db.verifyChecksum();
      } catch (RocksDBException e) {
        store.closeWithoutFlush();
        throw new CorruptDatabaseException(
            "database " + dir + " failed checksum verification: " + oneLine(e), e);
      }
      LOG.info(
          "Database checksums verified dir={} ms={}", dir, (System.nanoTime() - start) / 1_000_000);
    }
    return store;
  }

  /** Refuses a database whose column families this build does not know. */
  private static void checkFamilies(Path dir) {
    if (!Files.exists(dir.resolve("CURRENT"))) {
      return;
    }
    List<byte[]> existing;
    try (org.rocksdb.Options o = new org.rocksdb.Options()) {
      existing = RocksDB.listColumnFamilies(o, dir.toString());
    } catch (RocksDBException e) {
      throw classify("cannot read the column families of " + dir, e);
    }
    for (byte[] name : existing) {
      if (Arrays.equals(name, RocksDB.DEFAULT_COLUMN_FAMILY)) {
        continue;
      }
      boolean known = false;
      for (Column c : Column.values()) {
        known |= Arrays.equals(name, c.familyName());
      }
      if (!known) {
        throw new UnsupportedSchemaException(
            "database "
                + dir
                + " has unknown column family 0x"
                + HexFormat.of().formatHex(name)
                + "; it was written by a newer learnchain");
      }
    }
  }

  private static StorageException classify(String what, RocksDBException e) {
    String status = e.getStatus() == null ? "" : String.valueOf(e.getStatus().getCode());
    if (status.contains("Corruption") || oneLine(e).contains("Corruption")) {
      return new CorruptDatabaseException(what + ": " + oneLine(e), e);
    }
    return new StorageException(what + ": " + oneLine(e), e);
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace('\n', ' ');
  }

  private void checkOpen() {
    if (closed) {
      throw new StorageException("database " + dir + " is closed");
    }
  }

  @Override
  public Optional<byte[]> get(Column column, byte[] key) {
    checkOpen();
    try {
      return Optional.ofNullable(db.get(byColumn.get(column), reads, key));
    } catch (RocksDBException e) {
      throw classify("read failed in " + column, e);
    }
  }

  @Override
  public KvIterator iterator(Column column) {
    return iterator(column, new byte[0]);
  }

  @Override
  public KvIterator iterator(Column column, byte[] prefix) {
    checkOpen();
    ReadOptions ro = new ReadOptions().setVerifyChecksums(true);
    Slice upper = null;
    byte[] bound = upperBound(prefix);
    if (bound != null) {
      upper = new Slice(bound);
      ro.setIterateUpperBound(upper);
    }
    RocksIterator it = db.newIterator(byColumn.get(column), ro);
    it.seek(prefix);
    Slice upperSlice = upper;
    return new KvIterator() {
      private boolean started;

      @Override
      public boolean next() {
        if (started) {
          it.next();
        }
        started = true;
        if (it.isValid()) {
          return true;
        }
        try {
          it.status();
        } catch (RocksDBException e) {
          throw classify("iteration failed in " + column, e);
        }
        return false;
      }

      @Override
      public byte[] key() {
        return it.key();
      }

      @Override
      public byte[] value() {
        return it.value();
      }

      @Override
      public void close() {
        it.close();
        ro.close();
        if (upperSlice != null) {
          upperSlice.close();
        }
      }
    };
  }

  /** The smallest key greater than every key with this prefix; null when there is none. */
  static byte[] upperBound(byte[] prefix) {
    byte[] b = prefix.clone();
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        b[i]++;
        return Arrays.copyOf(b, i + 1);
      }
    }
    return null;
  }

  @Override
  public WriteBatch batch() {
    checkOpen();
    org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch();
    return new WriteBatch() {
      @Override
      public void put(Column column, byte[] key, byte[] value) {
        try {
          wb.put(byColumn.get(column), key, value);
        } catch (RocksDBException e) {
          throw classify("batch put failed", e);
        }
      }

      @Override
      public void delete(Column column, byte[] key) {
        try {
          wb.delete(byColumn.get(column), key);
        } catch (RocksDBException e) {
          throw classify("batch delete failed", e);
        }
      }

      @Override
      public int size() {
        return wb.count();
      }

      @Override
      public void commit(boolean sync) {
        checkOpen();
        try {
          db.write(sync ? syncWrites : asyncWrites, wb);
        } catch (RocksDBException e) {
          throw classify("write failed", e);
        }
      }

      @Override
      public void close() {
        wb.close();
      }
    };
  }

  /**
   * Flushes memtables to SST files and closes. Flushing makes the next open fast (no WAL replay)
   * and puts every byte under SST checksums.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
      db.flush(fo, handles);
    } catch (RocksDBException e) {
      LOG.warn("Database flush at close failed dir={} error={}", dir, oneLine(e));
    }
    closeWithoutFlush();
  }

  private void closeWithoutFlush() {
    closed = true;
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    try {
      db.closeE();
    } catch (RocksDBException e) {
      LOG.warn("Database close failed dir={} error={}", dir, oneLine(e));
    }
    syncWrites.close();
    asyncWrites.close();
    reads.close();
    dbOptions.close();
    cfOptions.close();
    memory.close();
  }

  /**
   * The native memory budget of one database. RocksDB's defaults give each of the column families
   * its own 64 MiB memtables (two per family before a stall), so a busy node's resident size grew
   * for minutes under sustained load before flushes caught up. Here every memtable is charged to
   * one block cache, so memtables and cached blocks together stay within {@link #CACHE_BYTES}
   * (memtables are flushed early when they would exceed {@link #MEMTABLE_BUDGET_BYTES}).
   */
  private record Memory(LRUCache cache, WriteBufferManager writeBuffers) implements AutoCloseable {
    static final long CACHE_BYTES = 128L << 20;
    static final long MEMTABLE_BUDGET_BYTES = 64L << 20;
    static final long WRITE_BUFFER_BYTES = 16L << 20;

    static Memory create() {
      LRUCache cache = new LRUCache(CACHE_BYTES);
      return new Memory(cache, new WriteBufferManager(MEMTABLE_BUDGET_BYTES, cache));
    }

    @Override
    public void close() {
      writeBuffers.close();
      cache.close();
    }
  }
}

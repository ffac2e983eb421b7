package org.learnchain.ledger.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.ledger.store.rocksdb.RocksDbKeyValueStore;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

class RocksDbKeyValueStoreTest extends AbstractKeyValueStoreTest {
  @TempDir Path dir;

  @Override
  protected KeyValueStore open() {
    return RocksDbKeyValueStore.open(dir.resolve("db"), RocksDbKeyValueStore.Options.DEFAULT);
  }

  @Override
  protected KeyValueStore reopen(KeyValueStore current) {
    current.close();
    return open();
  }

  @Test
  void aDatabaseWithAnUnknownColumnFamilyIsRefused() throws Exception {
    Path db = dir.resolve("newer");
    try (DBOptions o =
        new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)) {
      List<ColumnFamilyDescriptor> d =
          List.of(
              new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
              new ColumnFamilyDescriptor(new byte[] {(byte) 99}));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      try (RocksDB r = RocksDB.open(o, db.toString(), d, handles)) {
        handles.forEach(ColumnFamilyHandle::close);
      }
    }
    UnsupportedSchemaException e =
        assertThrows(
            UnsupportedSchemaException.class,
            () -> RocksDbKeyValueStore.open(db, RocksDbKeyValueStore.Options.DEFAULT));
    assertTrue(e.getMessage().contains("unknown column family 0x63"), e.getMessage());
  }
}

package org.learnchain.ledger.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InMemoryKeyValueStoreTest extends AbstractKeyValueStoreTest {
  @Override
  protected KeyValueStore open() {
    return InMemoryKeyValueStore.create();
  }

  @Override
  protected KeyValueStore reopen(KeyValueStore current) {
    current.close();
    return ((InMemoryKeyValueStore) current).reopen();
  }

  private static void write(KeyValueStore kv, int key, int value, boolean sync) {
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      if (value == 0) {
        b.delete(Column.METADATA, new byte[] {(byte) key});
      } else {
        b.put(Column.METADATA, new byte[] {(byte) key}, new byte[] {(byte) value});
      }
      b.commit(sync);
    }
  }

  /** Like a write-ahead log: a sync makes every earlier batch durable, later ones are lost. */
  @Test
  void aPowerLossDropsOnlyTheUnsyncedBatchesAfterTheLastSync() {
    InMemoryKeyValueStore kv = InMemoryKeyValueStore.create();
    write(kv, 1, 10, false);
    write(kv, 2, 20, true); // carries key 1 to the disk as well
    write(kv, 1, 11, false);
    write(kv, 3, 30, false);
    write(kv, 2, 0, false);
    kv.close();
    InMemoryKeyValueStore after = kv.reopenAfterPowerLoss();
    assertArrayEquals(new byte[] {10}, after.get(Column.METADATA, new byte[] {1}).orElseThrow());
    assertArrayEquals(new byte[] {20}, after.get(Column.METADATA, new byte[] {2}).orElseThrow());
    assertTrue(after.get(Column.METADATA, new byte[] {3}).isEmpty());
    // A process restart keeps the unsynced writes: the operating system still holds them.
    write(after, 4, 40, false);
    after.close();
    InMemoryKeyValueStore restarted = after.reopen();
    assertArrayEquals(
        new byte[] {40}, restarted.get(Column.METADATA, new byte[] {4}).orElseThrow());
  }
}

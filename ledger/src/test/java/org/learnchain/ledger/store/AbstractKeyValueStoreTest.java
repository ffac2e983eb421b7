package org.learnchain.ledger.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The byte-level contract, run against every {@link KeyValueStore} implementation. */
abstract class AbstractKeyValueStoreTest {
  private KeyValueStore store;

  /** Opens the store under test (a fresh one on the first call of a test). */
  protected abstract KeyValueStore open();

  /** Closes {@code current} and opens the same store again, as after a restart. */
  protected abstract KeyValueStore reopen(KeyValueStore current);

  KeyValueStore store() {
    if (store == null) {
      store = open();
    }
    return store;
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  static byte[] b(int... v) {
    byte[] out = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (byte) v[i];
    }
    return out;
  }

  void put(Column c, byte[] k, byte[] v) {
    try (KeyValueStore.WriteBatch batch = store().batch()) {
      batch.put(c, k, v);
      batch.commit(false);
    }
  }

  List<byte[]> keys(KeyValueStore.KvIterator it) {
    List<byte[]> out = new ArrayList<>();
    try (it) {
      while (it.next()) {
        out.add(it.key());
      }
    }
    return out;
  }

  @Test
  void columnsAreSeparateNamespaces() {
    put(Column.BLOCKS, b(1), b(10));
    put(Column.STATE, b(1), b(20));
    assertArrayEquals(b(10), store().get(Column.BLOCKS, b(1)).orElseThrow());
    assertArrayEquals(b(20), store().get(Column.STATE, b(1)).orElseThrow());
    assertTrue(store().get(Column.BLOBS, b(1)).isEmpty());
  }

  @Test
  void batchesApplyAllTogetherAndLaterOperationsWin() {
    try (KeyValueStore.WriteBatch batch = store().batch()) {
      batch.put(Column.STATE, b(1), b(1));
      batch.put(Column.STATE, b(2), b(2));
      batch.put(Column.STATE, b(1), b(3));
      batch.delete(Column.STATE, b(2));
      assertEquals(4, batch.size());
      assertTrue(store().get(Column.STATE, b(1)).isEmpty(), "visible before commit");
      batch.commit(true);
    }
    assertArrayEquals(b(3), store().get(Column.STATE, b(1)).orElseThrow());
    assertTrue(store().get(Column.STATE, b(2)).isEmpty());
    try (KeyValueStore.WriteBatch abandoned = store().batch()) {
      abandoned.put(Column.STATE, b(9), b(9));
    }
    assertTrue(store().get(Column.STATE, b(9)).isEmpty());
  }

  @Test
  void iterationIsInUnsignedKeyOrderAndPrefixBounded() {
    put(Column.PEERS, b(0x80), b(0));
    put(Column.PEERS, b(0x01, 0xff), b(0));
    put(Column.PEERS, b(0x01), b(0));
    put(Column.PEERS, b(0x01, 0x00), b(0));
    put(Column.PEERS, b(0x02), b(0));
    put(Column.PEERS, b(0xff, 0xff), b(0));
    put(Column.PEERS, b(0xff), b(0));
    List<byte[]> all = keys(store().iterator(Column.PEERS));
    List<byte[]> expected =
        List.of(b(0x01), b(0x01, 0x00), b(0x01, 0xff), b(0x02), b(0x80), b(0xff), b(0xff, 0xff));
    assertEquals(expected.size(), all.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), all.get(i));
    }
    assertEquals(3, keys(store().iterator(Column.PEERS, b(0x01))).size());
    assertEquals(2, keys(store().iterator(Column.PEERS, b(0xff))).size());
    assertEquals(1, keys(store().iterator(Column.PEERS, b(0xff, 0xff))).size());
    assertEquals(0, keys(store().iterator(Column.PEERS, b(0x03))).size());
    assertEquals(0, keys(store().iterator(Column.JOURNAL)).size());
  }

  @Test
  void contentsSurviveAReopen() {
    try (KeyValueStore.WriteBatch batch = store().batch()) {
      for (int i = 0; i < 500; i++) {
        batch.put(Column.BLOCKS, b(i >> 8, i), b(i));
      }
      batch.commit(true);
    }
    store = reopen(store);
    assertEquals(500, keys(store.iterator(Column.BLOCKS)).size());
    assertArrayEquals(b(7), store.get(Column.BLOCKS, b(0, 7)).orElseThrow());
  }

  @Test
  void aClosedStoreRefusesWork() {
    KeyValueStore s = store();
    s.close();
    assertThrows(StorageException.class, () -> s.get(Column.STATE, b(1)));
    assertThrows(StorageException.class, s::batch);
    s.close(); // idempotent
    store = null;
  }

  @Test
  void emptyValuesAndMissingKeysAreDistinct() {
    put(Column.METADATA, b(5), new byte[0]);
    assertEquals(0, store().get(Column.METADATA, b(5)).orElseThrow().length);
    assertFalse(store().get(Column.METADATA, b(6)).isPresent());
  }
}

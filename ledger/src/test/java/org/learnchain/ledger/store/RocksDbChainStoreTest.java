package org.learnchain.ledger.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.ledger.RandomChain;
import org.learnchain.ledger.store.rocksdb.RocksDbKeyValueStore;

class RocksDbChainStoreTest extends AbstractChainStoreTest {
  @TempDir Path dir;

  @Override
  protected KeyValueStore openKv() {
    return RocksDbKeyValueStore.open(dir.resolve("chain"), RocksDbKeyValueStore.Options.DEFAULT);
  }

  @Override
  protected KeyValueStore reopenKv(KeyValueStore current) {
    current.close();
    return openKv();
  }

  static List<byte[][]> contents(KeyValueStore kv, Column c) {
    List<byte[][]> out = new ArrayList<>();
    try (KeyValueStore.KvIterator it = kv.iterator(c)) {
      while (it.next()) {
        out.add(new byte[][] {it.key(), it.value()});
      }
    }
    return out;
  }

  @Test
  void rocksDbAndInMemoryHoldIdenticalStatesAndRoots() {
    RandomChain c = new RandomChain(31, 30, ForkJoinPool.commonPool());
    InMemoryKeyValueStore memKv = InMemoryKeyValueStore.create();
    KeyValueStore rocksKv =
        RocksDbKeyValueStore.open(dir.resolve("twin"), RocksDbKeyValueStore.Options.DEFAULT);
    ChainStore mem =
        KvChainStore.open(memKv, c.genesis(), ForkJoinPool.commonPool(), new SimpleMeterRegistry());
    ChainStore rocks =
        KvChainStore.open(
            rocksKv, c.genesis(), ForkJoinPool.commonPool(), new SimpleMeterRegistry());
    for (int i = 0; i < 40; i++) {
      RandomChain.Built b = c.next(mem.head(), mem.headState());
      mem.appendBlock(b.block(), b.applied());
      rocks.appendBlock(b.block(), b.applied());
    }
    rocks.close();
    mem.close();
    rocksKv = RocksDbKeyValueStore.open(dir.resolve("twin"), RocksDbKeyValueStore.Options.DEFAULT);
    KeyValueStore memAgain = memKv.reopen();
    ChainStore rocks2 =
        KvChainStore.open(
            rocksKv, c.genesis(), ForkJoinPool.commonPool(), new SimpleMeterRegistry());
    ChainStore mem2 =
        KvChainStore.open(
            memAgain, c.genesis(), ForkJoinPool.commonPool(), new SimpleMeterRegistry());
    assertEquals(mem2.headState().root(), rocks2.headState().root());
    assertEquals(mem2.head(), rocks2.head());
    for (Column col : Column.values()) {
      List<byte[][]> a = contents(memAgain, col);
      List<byte[][]> r = contents(rocksKv, col);
      assertEquals(a.size(), r.size(), col.name());
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.get(i)[0], r.get(i)[0]);
        assertArrayEquals(a.get(i)[1], r.get(i)[1]);
      }
    }
    rocks2.close();
    mem2.close();
  }
}

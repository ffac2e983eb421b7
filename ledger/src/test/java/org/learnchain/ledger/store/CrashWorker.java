package org.learnchain.ledger.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;
import org.learnchain.ledger.RandomChain;
import org.learnchain.ledger.store.rocksdb.RocksDbKeyValueStore;

/**
 * Child process of {@link CrashSafetyTest}: opens the RocksDB chain store, then appends
 * deterministic random blocks until killed, printing {@code APPENDED h} only after each append
 * returned (the block is acknowledged, hence must survive any crash).
 */
public final class CrashWorker {
  private CrashWorker() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int txsPerBlock = Integer.parseInt(args[2]);
    long maxHeight = Long.parseLong(args[3]);
    PrintStream out = System.out;
    ForkJoinPool pool = new ForkJoinPool(2);
    RandomChain chain = new RandomChain(seed, txsPerBlock, pool);
    KeyValueStore kv = RocksDbKeyValueStore.open(dir, new RocksDbKeyValueStore.Options(false));
    ChainStore store = KvChainStore.open(kv, chain.genesis(), pool, new SimpleMeterRegistry());
    out.println("READY " + store.head().height());
    out.flush();
    while (store.head().height() < maxHeight) {
      RandomChain.Built b = chain.next(store.head(), store.headState());
      store.appendBlock(b.block(), b.applied());
      out.println("APPENDED " + b.block().height());
      out.flush();
    }
    store.close();
    out.println("DONE");
    out.flush();
  }
}

package org.learnchain.ledger.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.ledger.RandomChain;
import org.learnchain.ledger.store.rocksdb.RocksDbKeyValueStore;

/**
 * A database with flipped bytes in its files is detected when the node starts and reported with a
 * clear message; it is never served. RocksDB's checksum verification at open finds damage in any
 * SST file; without it, the store's own checks (blocks and state read with checksums, head hash,
 * state root) still refuse to start.
 */
class CorruptionTest {
  @TempDir Path tmp;
  final RandomChain chain = new RandomChain(41, 20, ForkJoinPool.commonPool());

  private Path buildDatabase(String name) {
    Path db = tmp.resolve(name);
    try (KeyValueStore kv = RocksDbKeyValueStore.open(db, RocksDbKeyValueStore.Options.DEFAULT)) {
      ChainStore store =
          KvChainStore.open(
              kv, chain.genesis(), ForkJoinPool.commonPool(), new SimpleMeterRegistry());
      for (int i = 0; i < 25; i++) {
        RandomChain.Built b = chain.next(store.head(), store.headState());
        store.appendBlock(b.block(), b.applied());
      }
      store.journal(3, "attestation", new byte[200]);
      store.putBlob(new byte[4096]);
    } // close flushes every column to SST files
    return db;
  }

  private static List<Path> sstFiles(Path db) throws IOException {
    try (Stream<Path> s = Files.list(db)) {
      return s.filter(p -> p.toString().endsWith(".sst")).sorted().toList();
    }
  }

  private static void flipBytes(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = f.length() / 4;
      for (int i = 0; i < 8; i++) {
        f.seek(at + i);
        int v = f.read();
        f.seek(at + i);
        f.write(v ^ 0x5a);
      }
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
  }

  private ChainStore openChain(Path db, RocksDbKeyValueStore.Options options) {
    KeyValueStore kv = RocksDbKeyValueStore.open(db, options);
    try {
      return KvChainStore.open(
          kv, chain.genesis(), ForkJoinPool.commonPool(), new SimpleMeterRegistry());
    } catch (StorageException e) {
      kv.close();
      throw e;
    }
  }

  @Test
  void aFlippedByteInAnySstFileIsDetectedAtStart() throws IOException {
    Path clean = buildDatabase("clean");
    List<Path> files = sstFiles(clean);
    assertTrue(files.size() >= 5, "expected one SST per written column, got " + files);
    openChain(clean, RocksDbKeyValueStore.Options.DEFAULT).close();
    for (int i = 0; i < files.size(); i++) {
      Path copy = tmp.resolve("damaged-" + i);
      copy(clean, copy);
      flipBytes(copy.resolve(files.get(i).getFileName()));
      CorruptDatabaseException e =
          assertThrows(
              CorruptDatabaseException.class,
              () -> openChain(copy, RocksDbKeyValueStore.Options.DEFAULT),
              "damage in " + files.get(i).getFileName() + " went unnoticed");
      assertTrue(
          e.getMessage().contains("checksum") || e.getMessage().contains("orruption"),
          e.getMessage());
      assertTrue(!e.getMessage().contains("\n"), "one-line report");
    }
  }

  @Test
  void withoutTheFullChecksumPassTheStoreStillRefusesDamagedState() throws IOException {
    Path db = buildDatabase("all-damaged");
    for (Path f : sstFiles(db)) {
      flipBytes(f);
    }
    assertThrows(
        CorruptDatabaseException.class,
        () -> openChain(db, new RocksDbKeyValueStore.Options(false)));
  }
}

package org.learnchain.ledger.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.RandomChain;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;
import org.learnchain.ledger.store.rocksdb.RocksDbKeyValueStore;

/**
 * Crash safety for real: a child JVM appends blocks to RocksDB and is killed with SIGKILL at random
 * moments, 20 times. After every kill the database must open cleanly (checksums verified), hold
 * every block the child acknowledged, have a whole block as head, and that head's state must equal
 * a clean in-memory replay of the same deterministic blocks.
 */
class CrashSafetyTest {
  private static final long SEED = 77;
  private static final int TXS_PER_BLOCK = 12;
  private static final int KILLS = 20;

  @TempDir Path tmp;

  /** Clean replay: states[h] is the state after block h, computed without any store. */
  private final List<WorldState> replayStates = new ArrayList<>();

  private final List<Block> replayBlocks = new ArrayList<>();
  private final RandomChain chain = new RandomChain(SEED, TXS_PER_BLOCK, ForkJoinPool.commonPool());

  private void replayTo(long height) {
    if (replayStates.isEmpty()) {
      replayStates.add(chain.transition().genesisState());
      replayBlocks.add(chain.transition().genesisBlock());
    }
    while (replayStates.size() <= height) {
      int h = replayStates.size();
      RandomChain.Built b = chain.next(replayBlocks.get(h - 1), replayStates.get(h - 1));
      Block blk = b.block();
      // Re-apply the body from scratch rather than trusting the builder's state.
      TransitionResult r =
          chain
              .transition()
              .apply(replayStates.get(h - 1), blk.header(), blk.transactions(), blk.outcome());
      replayStates.add(((TransitionResult.Applied) r).state());
      replayBlocks.add(blk);
    }
  }

  @Test
  void killedMidWriteTwentyTimesTheStoreReopensWholeAndCorrect() throws Exception {
    Path db = tmp.resolve("chain");
    Random rnd = new Random(SEED);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long lastHeight = 0;
    int killedWhileWriting = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      ProcessBuilder pb =
          new ProcessBuilder(
              java,
              "-Xmx256m",
              "-XX:TieredStopAtLevel=1",
              "-cp",
              System.getProperty("java.class.path"),
              CrashWorker.class.getName(),
              db.toString(),
              Long.toString(SEED),
              Integer.toString(TXS_PER_BLOCK),
              "100000");
      pb.redirectError(tmp.resolve("worker-" + kill + ".log").toFile());
      Process p = pb.start();
      AtomicLong acknowledged = new AtomicLong(-1);
      CountDownLatch ready = new CountDownLatch(1);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                      acknowledged.set(Long.parseLong(line.substring(6)));
                      ready.countDown();
                    } else if (line.startsWith("APPENDED ")) {
                      acknowledged.set(Long.parseLong(line.substring(9)));
                    }
                  }
                } catch (IOException e) {
                  // The pipe breaks when the child is killed: expected.
                }
              });
      reader.start();
      try {
        assertTrue(
            ready.await(30, TimeUnit.SECONDS),
            "worker did not start: " + Files.readString(tmp.resolve("worker-" + kill + ".log")));
        Thread.sleep(50 + rnd.nextInt(400));
      } finally {
        p.destroyForcibly(); // SIGKILL
        p.waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(5_000);
      long acked = acknowledged.get();

      try (KeyValueStore kv = RocksDbKeyValueStore.open(db, RocksDbKeyValueStore.Options.DEFAULT)) {
        ChainStore store =
            KvChainStore.open(
                kv, chain.genesis(), ForkJoinPool.commonPool(), new SimpleMeterRegistry());
        long h = store.head().height();
        assertTrue(h >= acked, "acknowledged block " + acked + " lost, head is " + h);
        assertTrue(h >= lastHeight, "head went back from " + lastHeight + " to " + h);
        if (h > acked) {
          killedWhileWriting++; // the block was durable but its acknowledgment never printed
        }
        replayTo(h);
        assertEquals(replayBlocks.get((int) h), store.head(), "head block at " + h);
        assertEquals(replayStates.get((int) h).root(), store.headState().root());
        assertEquals(
            replayStates.get((int) h).pendingProblems(), store.headState().pendingProblems());
        for (long i = Math.max(1, lastHeight); i <= h; i++) {
          assertEquals(replayBlocks.get((int) i).hash(), store.canonicalHash(i).orElseThrow());
        }
        lastHeight = h;
      }
    }
    assertTrue(lastHeight > KILLS, "the workers barely ran: height " + lastHeight);
    System.out.println(
        "crash test: kills="
            + KILLS
            + " finalHeight="
            + lastHeight
            + " killsAfterDurableWrite="
            + killedWhileWriting);
  }
}

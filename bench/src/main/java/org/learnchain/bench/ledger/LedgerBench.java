package org.learnchain.bench.ledger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.learnchain.config.Genesis;
import org.learnchain.config.Member;
import org.learnchain.config.ModelLimits;
import org.learnchain.config.Rewards;
import org.learnchain.config.RoundDurations;
import org.learnchain.crypto.Ed25519Signatures;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.SigningDomain;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.ledger.TxMerkle;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.ledger.store.KvChainStore;
import org.learnchain.ledger.store.rocksdb.RocksDbKeyValueStore;

/**
 * Ledger throughput: blocks of signed transfers between funded accounts, applied (signatures
 * verified, state transition, state root) and committed to RocksDB (one synced batch per block),
 * against raw Ed25519 verification measured on the same threads in the same run.
 *
 * <p>{@code ratio = transfersPerSecond / verifyPerSecond}: at 1.0 the ledger would cost nothing
 * beyond checking signatures; the goal is at least 0.5.
 */
public final class LedgerBench {
  private LedgerBench() {}

  /**
   * @param accounts funded accounts in genesis
   * @param blocks timed blocks
   * @param transfersPerBlock transfers in each block
   * @param threads worker threads (signature checks and state hashing)
   * @param warmupBlocks untimed blocks applied first (JIT warm-up)
   * @param verifyWarmupMs untimed raw verification before the first verification pass
   */
  public record Config(
      int accounts,
      int blocks,
      int transfersPerBlock,
      int threads,
      int warmupBlocks,
      long verifyWarmupMs) {
    public static Config defaults() {
      return new Config(100_000, 20, 5_000, Runtime.getRuntime().availableProcessors(), 3, 2_000);
    }
  }

  /**
   * @param transfersPerSecond timed transfers over the wall time of apply + build + commit
   * @param verifyPerSecond raw Ed25519 verifications per second on the same threads (mean of a pass
   *     before and a pass after the ledger run)
   * @param ratio transfersPerSecond / verifyPerSecond
   * @param transferCpuMicros process CPU time per transfer (all threads: workers, RocksDB, GC)
   * @param verifyCpuMicros process CPU time per raw verification
   * @param cpuRatio verifyCpuMicros / transferCpuMicros: the ratio on an otherwise idle machine
   *     with perfect scaling, much less sensitive than {@code ratio} to other processes' load
   * @param applyMsPerBlock mean time in the state transition, waiting for the block's signature
   *     checks included (they run ahead, overlapped with the previous block)
   * @param commitMsPerBlock mean time writing and syncing the block's batch (on the committer
   *     thread, overlapped with the next block's apply)
   */
  public record Result(
      int accounts,
      int blocks,
      int transfersPerBlock,
      int threads,
      long transfers,
      double seconds,
      double transfersPerSecond,
      double verifyPerSecond,
      double ratio,
      double verifyBeforePerSecond,
      double verifyAfterPerSecond,
      double transferCpuMicros,
      double verifyCpuMicros,
      double cpuRatio,
      double applyMsPerBlock,
      double commitMsPerBlock,
      long headHeight,
      String stateRoot) {

    public String toJson() {
      return String.format(
          Locale.ROOT,
          "{\"benchmark\":\"ledger\",\"accounts\":%d,\"blocks\":%d,\"transfersPerBlock\":%d,"
              + "\"threads\":%d,\"transfers\":%d,\"seconds\":%.3f,\"transfersPerSecond\":%.1f,"
              + "\"verifyPerSecond\":%.1f,\"ratio\":%.3f,\"verifyBeforePerSecond\":%.1f,"
              + "\"verifyAfterPerSecond\":%.1f,\"transferCpuMicros\":%.2f,"
              + "\"verifyCpuMicros\":%.2f,\"cpuRatio\":%.3f,\"applyMsPerBlock\":%.2f,"
              + "\"commitMsPerBlock\":%.2f,\"headHeight\":%d,\"stateRoot\":\"%s\"}",
          accounts,
          blocks,
          transfersPerBlock,
          threads,
          transfers,
          seconds,
          transfersPerSecond,
          verifyPerSecond,
          ratio,
          verifyBeforePerSecond,
          verifyAfterPerSecond,
          transferCpuMicros,
          verifyCpuMicros,
          cpuRatio,
          applyMsPerBlock,
          commitMsPerBlock,
          headHeight,
          stateRoot);
    }
  }

  private static final String CHAIN = "learnchain-bench";

  static PrivateKey key(int i) {
    return PrivateKey.fromSeed(
        Hashing.sha256(("bench-account/" + i).getBytes(StandardCharsets.UTF_8)).toArray());
  }

  /** Runs the benchmark in {@code dir} (emptied first). */
  public static Result run(Path dir, Config config) throws IOException {
    ForkJoinPool pool = new ForkJoinPool(config.threads());
    try {
      return run(dir, config, pool);
    } finally {
      pool.shutdown();
    }
  }

  private static Result run(Path dir, Config config, ForkJoinPool pool) throws IOException {
    deleteRecursively(dir);
    int n = config.accounts();
    PrivateKey[] keys = new PrivateKey[n];
    pool.submit(() -> IntStream.range(0, n).parallel().forEach(i -> keys[i] = key(i))).join();
    List<Member> members = new ArrayList<>(n);
    for (PrivateKey k : keys) {
      members.add(new Member(k.publicKey(), Set.of(), 1_000_000_000L, 0));
    }
    Genesis genesis =
        new Genesis(
            CHAIN,
            0,
            members,
            new RoundDurations(1_000, 1_000, 1_000, 1_000),
            new Rewards(1_000, 2_000, 2_500, 0, 1, 1_000, 5_000),
            100,
            1e-5,
            new ModelLimits(1, 1, 1, Set.of(), 1, 1),
            10);
    StateTransition transition =
        new StateTransition(genesis, (proof, height) -> Optional.empty(), pool);

    int totalBlocks = config.warmupBlocks() + config.blocks();
    List<List<SignedTransaction>> bodies = signTransfers(keys, config, totalBlocks, pool);
    PrivateKey proposer = keys[0];

    // Raw verification is measured before and after the ledger run and averaged, so that a change
    // in background load during the run weighs on both sides of the ratio alike.
    int verifyCount =
        Math.max(Math.min(20_000, 20 * config.transfersPerBlock()), 2 * config.transfersPerBlock());
    VerifyPass verifyBefore =
        measureVerify(bodies.get(0), pool, verifyCount, config.verifyWarmupMs());
    try (RocksDbKeyValueStore kv =
        RocksDbKeyValueStore.open(dir, new RocksDbKeyValueStore.Options(false))) {
      ChainStore store = KvChainStore.open(kv, genesis, pool, new SimpleMeterRegistry());
      long applyNanos = 0;
      LongAdder commitNanos = new LongAdder();
      long start = 0;
      long cpuStart = -1;
      // A three-stage pipeline, the way a syncing node imports: the pool checks block b+1's
      // signatures while the main thread applies block b on block b-1's in-memory state and a
      // committer thread writes block b-1. Each block becomes head only once its synced batch is
      // written; at most one commit is in flight.
      ExecutorService ahead = Executors.newSingleThreadExecutor();
      ExecutorService committer = Executors.newSingleThreadExecutor();
      try {
        Future<StateTransition.PreparedTransactions> next =
            ahead.submit(() -> transition.prepare(bodies.get(0)));
        Future<?> commit = null;
        Block parent = store.head();
        WorldState parentState = store.headState();
        for (int b = 0; b < totalBlocks; b++) {
          if (b == config.warmupBlocks()) {
            if (commit != null) {
              commit.get();
            }
            applyNanos = 0;
            commitNanos.reset();
            start = System.nanoTime();
            cpuStart = processCpuNanos();
          }
          long t0 = System.nanoTime();
          StateTransition.PreparedTransactions prepared = next.get();
          if (b + 1 < totalBlocks) {
            int following = b + 1;
            next = ahead.submit(() -> transition.prepare(bodies.get(following)));
          }
          TransitionResult r =
              transition.apply(
                  parentState,
                  parent.height() + 1,
                  proposer.publicKey(),
                  prepared,
                  new BlockOutcome.Idle());
          if (!(r instanceof TransitionResult.Applied applied)) {
            throw new IllegalStateException("benchmark block rejected: " + r);
          }
          BlockHeader header =
              new BlockHeader(
                  parent.height() + 1,
                  parent.hash(),
                  parent.header().timestampMs() + 1_000,
                  parent.height() + 1,
                  0,
                  Hash.ZERO,
                  TxMerkle.root(applied.txHashes()),
                  Hash.ZERO,
                  applied.stateRoot(),
                  Hash.ZERO,
                  Hash.ZERO,
                  proposer.publicKey());
          Block block =
              new Block(
                  header,
                  header.sign(proposer, CHAIN),
                  new BlockOutcome.Idle(),
                  prepared.transactions(),
                  new byte[0]);
          applyNanos += System.nanoTime() - t0;
          if (commit != null) {
            commit.get();
          }
          commit =
              committer.submit(
                  () -> {
                    long c0 = System.nanoTime();
                    store.appendBlock(block, applied);
                    commitNanos.add(System.nanoTime() - c0);
                  });
          parent = block;
          parentState = applied.state();
        }
        if (commit != null) {
          commit.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("benchmark interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("benchmark pipeline failed", e.getCause());
      } finally {
        ahead.shutdownNow();
        committer.shutdownNow();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long cpuEnd = processCpuNanos();
      long transfers = (long) config.blocks() * config.transfersPerBlock();
      double tps = transfers / seconds;
      VerifyPass verifyAfter = measureVerify(bodies.get(0), pool, verifyCount, 0);
      double vps = (verifyBefore.perSecond() + verifyAfter.perSecond()) / 2;
      double verifyCpu = (verifyBefore.cpuMicrosEach() + verifyAfter.cpuMicrosEach()) / 2;
      double transferCpu = cpuStart < 0 ? Double.NaN : (cpuEnd - cpuStart) / 1e3 / transfers;
      return new Result(
          n,
          config.blocks(),
          config.transfersPerBlock(),
          config.threads(),
          transfers,
          seconds,
          tps,
          vps,
          tps / vps,
          verifyBefore.perSecond(),
          verifyAfter.perSecond(),
          transferCpu,
          verifyCpu,
          verifyCpu / transferCpu,
          applyNanos / 1e6 / config.blocks(),
          commitNanos.sum() / 1e6 / config.blocks(),
          store.head().height(),
          store.headState().root().toHex());
    }
  }

  /**
   * Transfers for every block: senders in round-robin so each account's nonces run in order, random
   * recipients; signed in parallel before anything is timed.
   */
  private static List<List<SignedTransaction>> signTransfers(
      PrivateKey[] keys, Config config, int blocks, ForkJoinPool pool) {
    int n = keys.length;
    int per = config.transfersPerBlock();
    List<List<SignedTransaction>> bodies = new ArrayList<>(blocks);
    for (int b = 0; b < blocks; b++) {
      SignedTransaction[] txs = new SignedTransaction[per];
      int block = b;
      pool.submit(
              () ->
                  IntStream.range(0, per)
                      .parallel()
                      .forEach(
                          i -> {
                            long serial = (long) block * per + i;
                            int sender = (int) (serial % n);
                            long nonce = serial / n;
                            Random rnd = new Random(serial);
                            PublicKey to = keys[rnd.nextInt(n)].publicKey();
                            txs[i] =
                                SignedTransaction.sign(
                                    keys[sender],
                                    CHAIN,
                                    nonce,
                                    1,
                                    new Transfer(to.address(), 1 + rnd.nextInt(1_000)));
                          }))
          .join();
      bodies.add(List.of(txs));
    }
    return bodies;
  }

  /** A verification pass: wall rate and process CPU per verification. */
  record VerifyPass(double perSecond, double cpuMicrosEach) {}

  /** Raw Ed25519 verifications on {@code pool}, over prepared (message, key, signature). */
  static VerifyPass measureVerify(
      List<SignedTransaction> sample, ForkJoinPool pool, int count, long warmupMs) {
    SigningDomain domain = SigningDomain.of(CHAIN, MessageType.TRANSACTION);
    int m = sample.size();
    byte[][] messages = new byte[m][];
    PublicKey[] pks = new PublicKey[m];
    Signature[] sigs = new Signature[m];
    for (int i = 0; i < m; i++) {
      messages[i] = domain.message(sample.get(i).signingPayload());
      pks[i] = sample.get(i).sender();
      sigs[i] = sample.get(i).signature();
    }
    // Warm-up for a fixed time (until the JIT has compiled the verifier), then the timed pass.
    long warmUntil = System.nanoTime() + warmupMs * 1_000_000L;
    while (System.nanoTime() < warmUntil) {
      runVerify(messages, pks, sigs, pool, 2_000);
    }
    long c0 = processCpuNanos();
    long t0 = System.nanoTime();
    runVerify(messages, pks, sigs, pool, count);
    long wall = System.nanoTime() - t0;
    long cpu = processCpuNanos() - c0;
    return new VerifyPass(count / (wall / 1e9), c0 < 0 ? Double.NaN : cpu / 1e3 / count);
  }

  private static void runVerify(
      byte[][] messages, PublicKey[] pks, Signature[] sigs, ForkJoinPool pool, int count) {
    int m = messages.length;
    long ok =
        pool.submit(
                () ->
                    IntStream.range(0, count)
                        .parallel()
                        .filter(
                            i ->
                                Ed25519Signatures.verifyRaw(
                                    pks[i % m], messages[i % m], sigs[i % m]))
                        .count())
            .join();
    if (ok != count) {
      throw new IllegalStateException("benchmark signatures failed to verify");
    }
  }

  /** CPU time of the whole process (every thread, RocksDB's and the GC's too), or -1. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

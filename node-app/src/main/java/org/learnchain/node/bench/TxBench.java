package org.learnchain.node.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.learnchain.config.ConfigResult;
import org.learnchain.config.HostPort;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.proto.api.AccountReply;
import org.learnchain.proto.api.AccountRequest;
import org.learnchain.proto.api.BlockView;
import org.learnchain.proto.api.ChainEvent;
import org.learnchain.proto.api.ListBlocksReply;
import org.learnchain.proto.api.ListBlocksRequest;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.ResourcesReply;
import org.learnchain.proto.api.ResourcesRequest;
import org.learnchain.proto.api.StatusReply;
import org.learnchain.proto.api.StatusRequest;
import org.learnchain.proto.api.SubmitTransactionReply;
import org.learnchain.proto.api.SubmitTransactionRequest;
import org.learnchain.proto.api.WatchBlocksRequest;

/**
 * Sustained transfer throughput of a running network, measured from outside through one node's gRPC
 * API.
 *
 * <p>Setup (untimed): {@code accounts} fresh keys are funded by the given member key, in batches
 * the mempool's per-sender limits accept, each batch waited on until it is in a block. Load: signed
 * transfers between those accounts leave at the open-loop rate (a transfer is due at {@code start +
 * i / rate} whether or not earlier ones were answered), round-robin over the accounts so that no
 * sender's pooled queue is what limits the figure; submissions are asynchronous. A {@code
 * WatchBlocks} stream from the same node says when each transfer is in a canonical block and when
 * that block is final. After the window, the bench waits up to {@code grace} for stragglers, then
 * reads every canonical block since the start and counts each acknowledged transfer there: {@code
 * lost} is acknowledged but in no block; a transfer in two blocks is a {@code duplicate}.
 *
 * <p>A refused transfer leaves a nonce gap in its sender's sequence, so the sender's later
 * transfers can never execute: the bench stops using that sender and counts the later transfers it
 * had already sent as {@code stranded}, apart from {@code lost}.
 */
public final class TxBench {
  // Below the pool's default per-sender limit (64), so one batch is admitted whole.
  private static final int FUNDING_BATCH = 60;
  private static final long FUNDING_TIMEOUT_MS = 120_000;
  private static final int MAX_OUTSTANDING = 100_000;

  private TxBench() {}

  /**
   * @param node the node that receives the transfers and is watched, HOST:PORT
   * @param memoryNodes nodes whose memory is reported at start and end (the target included)
   * @param rate transfers per second offered
   * @param accounts senders the load is spread over
   * @param warmup load sent before the window, left out of the figures (JIT, pools filling)
   * @param grace how long after the window the bench waits for acknowledged transfers
   * @param memoryEvery how often each node's memory is sampled during the window
   * @param progress where a progress line goes every few seconds (null: none)
   */
  public record Options(
      String node,
      List<String> memoryNodes,
      double rate,
      Duration duration,
      int accounts,
      Duration warmup,
      Duration grace,
      Duration memoryEvery,
      PrintWriter progress) {}

  /** One node's memory at the start and end of the window, and sampled in between. */
  public record NodeMemory(String node, Resources start, Resources end, List<Resources> samples) {}

  /** A node's memory at one moment (bytes). */
  public record Resources(long heapUsed, long heapAfterGc, long heapMax, long rss, long gcCount) {
    static Resources of(ResourcesReply r) {
      return new Resources(
          r.getHeapUsedBytes(),
          r.getHeapAfterGcBytes(),
          r.getHeapMaxBytes(),
          r.getRssBytes(),
          r.getGcCount());
    }
  }

  /**
   * The figures of one run.
   *
   * @param tps transfers sent in the window and committed, per second from the window's start to
   *     the last of their commits (at least the window)
   * @param windowTps transfers seen committed during the sending window, per second of it
   * @param p50Ms median latency from submission to the transfer's block arriving at the watcher
   * @param finalP50Ms the same up to the block being final (NaN when none was final in time)
   * @param committed acknowledged transfers found exactly once in the canonical chain
   * @param lost acknowledged transfers in no canonical block after the grace period
   * @param rejected refused transfers by reason (the pool's reason, or the gRPC status)
   * @param startHeight the head when the window opened
   */
  public record Result(
      double rate,
      double durationSeconds,
      int accounts,
      long sent,
      long acked,
      long committed,
      long lost,
      long stranded,
      long duplicates,
      double tps,
      double windowTps,
      double p50Ms,
      double p99Ms,
      double maxMs,
      double finalP50Ms,
      double finalP99Ms,
      Map<String, Long> rejected,
      long startHeight,
      long endHeight,
      double[] loadAverageStart,
      double[] loadAverageEnd,
      List<NodeMemory> memory,
      List<Hash> acknowledged) {}

  /** A failure of the bench's setup, with a one-line reason. */
  public static final class BenchException extends Exception {
    private static final long serialVersionUID = 1L;

    public BenchException(String message) {
      super(message);
    }
  }

  /** One transfer the bench sent, and what happened to it (times from {@link System#nanoTime}). */
  private static final class Sent {
    final int account;
    final long nonce;
    final long submitNanos;
    final boolean warm;
    volatile long ackNanos;
    volatile long commitNanos;
    volatile long finalNanos;

    Sent(int account, long nonce, long submitNanos, boolean warm) {
      this.account = account;
      this.nonce = nonce;
      this.submitNanos = submitNanos;
      this.warm = warm;
    }
  }

  /**
   * Runs the bench with {@code funder} (a funded member key; not destroyed here) paying for the
   * accounts.
   */
  public static Result run(Options o, PrivateKey funder) throws BenchException {
    if (!(o.rate() > 0) || o.duration().isNegative() || o.duration().isZero()) {
      throw new BenchException("rate and duration must be positive");
    }
    if (o.accounts() < 1) {
      throw new BenchException("accounts must be at least 1");
    }
    ManagedChannel channel = channel(o.node());
    try {
      return new Run(o, funder, channel).execute();
    } catch (StatusRuntimeException e) {
      throw new BenchException("node " + o.node() + ": " + describe(e.getStatus()));
    } finally {
      channel.shutdownNow();
    }
  }

  static ManagedChannel channel(String node) throws BenchException {
    ConfigResult<HostPort> hp = HostPort.parse(node, "--node", "node");
    if (!hp.isValid()) {
      throw new BenchException(hp.problems().get(0).message());
    }
    return NettyChannelBuilder.forAddress(hp.value().host(), hp.value().port())
        .usePlaintext()
        .maxInboundMessageSize(64 << 20)
        .build();
  }

  static String describe(Status s) {
    String d = s.getDescription() == null ? "" : ": " + s.getDescription();
    return s.getCode() == Status.Code.UNAVAILABLE
        ? "unreachable (is it running?)" + d
        : s.getCode().name().toLowerCase(java.util.Locale.ROOT) + d;
  }

  /** The reason a refusal is counted under: the pool's reason name, else the status code. */
  static String reason(Status s) {
    String d = s.getDescription();
    if (d != null) {
      int colon = d.indexOf(':');
      String head = colon > 0 ? d.substring(0, colon) : "";
      if (!head.isEmpty() && head.chars().allMatch(c -> c == '_' || Character.isUpperCase(c))) {
        return head;
      }
    }
    return s.getCode().name();
  }

  /** One run's state. The sender thread writes nonces; gRPC callbacks record answers. */
  private static final class Run {
    private final Options o;
    private final PrivateKey funder;
    private final ManagedChannel channel;
    private final NodeServiceGrpc.NodeServiceStub async;
    private final Map<Hash, Sent> sent = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong committedLive = new AtomicLong();
    private final Map<Integer, Long> brokenAt = new ConcurrentHashMap<>();
    // Heights the watcher has seen, with their transfers: a re-sent height undoes the old one.
    private final TreeMap<Long, List<Hash>> seenBlocks = new TreeMap<>();
    private volatile long finalizedHeight;
    private volatile long headHeight;
    private volatile Throwable watchError;
    private final List<Map<String, Resources>> memorySamples =
        java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile double[] loadStart;
    private volatile long windowStartHeight;
    private String chainId;
    private long fee;

    Run(Options o, PrivateKey funder, ManagedChannel channel) {
      this.o = o;
      this.funder = funder;
      this.channel = channel;
      this.async = NodeServiceGrpc.newStub(channel);
    }

    private NodeServiceGrpc.NodeServiceBlockingStub blocking() {
      return NodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    Result execute() throws BenchException {
      StatusReply status = blocking().getStatus(StatusRequest.getDefaultInstance());
      chainId = status.getChainId();
      fee = Math.max(1, status.getMinTxFee());
      long setupHeight = status.getHeight();
      io.grpc.Context.CancellableContext watchContext =
          io.grpc.Context.current().withCancellation();
      try {
        watchContext.run(() -> watch(setupHeight + 1));
        List<PrivateKey> keys = fund(status);
        long begin = System.nanoTime();
        long start = begin + o.warmup().toNanos();
        long startHeight = headHeight;
        ScheduledExecutorService sampler =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "bench-memory");
                  t.setDaemon(true);
                  return t;
                });
        try {
          // The window opens after the warm-up; memory is sampled from then on, off the sender.
          sampler.schedule(
              () -> {
                loadStart = LoadAverage.read();
                windowStartHeight = headHeight;
              },
              o.warmup().toMillis(),
              TimeUnit.MILLISECONDS);
          sampler.scheduleAtFixedRate(
              () -> memorySamples.add(memory()),
              o.warmup().toMillis(),
              Math.max(1_000, o.memoryEvery().toMillis()),
              TimeUnit.MILLISECONDS);
          send(keys, begin, start);
        } finally {
          sampler.shutdownNow();
        }
        long sendEnd = System.nanoTime();
        awaitSettled(sendEnd);
        double[] loadEnd = LoadAverage.read();
        memorySamples.add(memory());
        return summarise(start, sendEnd, startHeight, keys.size(), loadEnd);
      } finally {
        watchContext.cancel(null);
      }
    }

    // ------------------------------------------------------------ watching the chain

    private void watch(long fromHeight) {
      async.watchBlocks(
          WatchBlocksRequest.newBuilder().setFromHeight(fromHeight).build(),
          new StreamObserver<>() {
            @Override
            public void onNext(ChainEvent e) {
              onChainEvent(e, System.nanoTime());
            }

            @Override
            public void onError(Throwable t) {
              if (Status.fromThrowable(t).getCode() != Status.Code.CANCELLED) {
                watchError = t;
              }
            }

            @Override
            public void onCompleted() {
              watchError = new IllegalStateException("the node ended the block watch");
            }
          });
    }

    private synchronized void onChainEvent(ChainEvent e, long now) {
      headHeight = Math.max(headHeight, e.getHeadHeight());
      if (e.hasBlock()) {
        BlockView b = e.getBlock();
        // A height seen before means a reorganisation: what the old branch held is not in yet.
        for (List<Hash> undone : seenBlocks.tailMap(b.getHeight(), true).values()) {
          for (Hash h : undone) {
            Sent s = sent.get(h);
            if (s != null && s.commitNanos != 0) {
              s.commitNanos = 0;
              s.finalNanos = 0;
              committedLive.decrementAndGet();
            }
          }
        }
        seenBlocks.tailMap(b.getHeight(), true).clear();
        List<Hash> hashes = new ArrayList<>(b.getTxHashesCount());
        for (ByteString bs : b.getTxHashesList()) {
          Hash h = Hash.wrap(bs.toByteArray());
          hashes.add(h);
          Sent s = sent.get(h);
          if (s != null && s.commitNanos == 0) {
            s.commitNanos = now;
            committedLive.incrementAndGet();
            if (b.getHeight() <= finalizedHeight) {
              s.finalNanos = now;
            }
          }
        }
        seenBlocks.put(b.getHeight(), hashes);
        headHeight = Math.max(headHeight, b.getHeight());
      }
      long fin = e.getFinalizedHeight();
      if (fin > finalizedHeight) {
        for (List<Hash> hs : seenBlocks.subMap(finalizedHeight, false, fin, true).values()) {
          for (Hash h : hs) {
            Sent s = sent.get(h);
            if (s != null && s.finalNanos == 0) {
              s.finalNanos = now;
            }
          }
        }
        finalizedHeight = fin;
        // Final blocks cannot be re-sent, so only the unfinalized tail needs remembering.
        seenBlocks.headMap(fin, true).clear();
      }
    }

    // ------------------------------------------------------------ funding

    private List<PrivateKey> fund(StatusReply status) throws BenchException {
      SecureRandom random = new SecureRandom();
      List<PrivateKey> keys = new ArrayList<>(o.accounts());
      for (int i = 0; i < o.accounts(); i++) {
        keys.add(PrivateKey.generate(random));
      }
      long perAccount = (long) Math.ceil(o.rate() * o.duration().toMillis() / 1000.0 / keys.size());
      // Each transfer moves 1 unit to the next account and pays the fee; twice that is headroom.
      long grant = 2 * (perAccount + 1) * (fee + 1) + 1_000;
      AccountReply funderAccount =
          blocking()
              .getAccount(
                  AccountRequest.newBuilder()
                      .setAddress(ByteString.copyFrom(funder.publicKey().address().toArray()))
                      .build());
      long need = keys.size() * (grant + fee);
      if (funderAccount.getBalance() < need) {
        throw new BenchException(
            "the funding key "
                + funder.publicKey().address().toHex()
                + " holds "
                + funderAccount.getBalance()
                + ", the accounts need "
                + need);
      }
      long nonce = funderAccount.getNextNonce();
      progress("funding accounts=%d grant=%d", keys.size(), grant);
      for (int from = 0; from < keys.size(); from += FUNDING_BATCH) {
        List<Hash> batch = new ArrayList<>();
        for (int i = from; i < Math.min(keys.size(), from + FUNDING_BATCH); i++) {
          SignedTransaction tx =
              SignedTransaction.sign(
                  funder,
                  chainId,
                  nonce++,
                  fee,
                  new Transfer(keys.get(i).publicKey().address(), grant));
          sent.put(tx.hash(), new Sent(-1, tx.nonce(), System.nanoTime(), true));
          try {
            SubmitTransactionReply r =
                blocking()
                    .submitTransaction(
                        SubmitTransactionRequest.newBuilder()
                            .setTransaction(ByteString.copyFrom(tx.encode()))
                            .build());
            batch.add(Hash.wrap(r.getTxHash().toByteArray()));
          } catch (StatusRuntimeException e) {
            throw new BenchException("funding transfer refused: " + describe(e.getStatus()));
          }
        }
        long until = System.currentTimeMillis() + FUNDING_TIMEOUT_MS;
        while (!batch.stream().allMatch(h -> sent.get(h).commitNanos != 0)) {
          checkWatch();
          if (System.currentTimeMillis() > until) {
            throw new BenchException(
                "funding transfers not in a block after " + FUNDING_TIMEOUT_MS / 1000 + " s");
          }
          sleepMs(20);
        }
      }
      for (var it = sent.entrySet().iterator(); it.hasNext(); ) {
        if (it.next().getValue().account < 0) {
          it.remove();
        }
      }
      committedLive.set(0);
      return keys;
    }

    private void checkWatch() throws BenchException {
      Throwable t = watchError;
      if (t != null) {
        throw new BenchException("block watch failed: " + describe(Status.fromThrowable(t)));
      }
    }

    // ------------------------------------------------------------ load

    private void send(List<PrivateKey> keys, long begin, long start) throws BenchException {
      int n = keys.size();
      long[] nonces = new long[n];
      Address[] addresses = new Address[n];
      for (int i = 0; i < n; i++) {
        addresses[i] = keys.get(i).publicKey().address();
      }
      long end = start + o.duration().toNanos();
      long i = 0;
      int next = 0;
      long lastProgress = begin;
      while (true) {
        long now = System.nanoTime();
        long elapsed = now - begin;
        if (now >= end) {
          break;
        }
        long due = (long) (elapsed / 1e9 * o.rate());
        while (i < due) {
          if (sent.size() - committedLive.get() - rejectedTotal() > MAX_OUTSTANDING) {
            throw new BenchException(
                "more than "
                    + MAX_OUTSTANDING
                    + " transfers outstanding; the node is not keeping up");
          }
          int a = -1;
          for (int k = 0; k < n; k++) {
            int c = (next + k) % n;
            if (!brokenAt.containsKey(c)) {
              a = c;
              break;
            }
          }
          if (a < 0) {
            // Every sender has a nonce gap: nothing more can execute, so the window ends here.
            progress("every sending account had a transfer refused; sending stops");
            return;
          }
          next = (a + 1) % n;
          submit(keys.get(a), a, nonces[a]++, addresses[(a + 1) % n], now < start);
          i++;
        }
        if (now - lastProgress >= 5_000_000_000L) {
          lastProgress = now;
          progress(
              "t=%ds sent=%d acked=%d committed=%d rejected=%s height=%d finalized=%d",
              elapsed / 1_000_000_000L,
              sent.size(),
              acked.get(),
              committedLive.get(),
              rejected,
              headHeight,
              finalizedHeight);
        }
        checkWatch();
        LockSupport.parkNanos(200_000);
      }
    }

    private long rejectedTotal() {
      return rejected.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private void submit(PrivateKey key, int account, long nonce, Address to, boolean warm) {
      SignedTransaction tx = SignedTransaction.sign(key, chainId, nonce, fee, new Transfer(to, 1));
      Hash hash = tx.hash();
      Sent s = new Sent(account, nonce, System.nanoTime(), warm);
      sent.put(hash, s);
      async
          .withDeadlineAfter(60, TimeUnit.SECONDS)
          .submitTransaction(
              SubmitTransactionRequest.newBuilder()
                  .setTransaction(ByteString.copyFrom(tx.encode()))
                  .build(),
              new StreamObserver<>() {
                @Override
                public void onNext(SubmitTransactionReply r) {
                  s.ackNanos = System.nanoTime();
                  acked.incrementAndGet();
                }

                @Override
                public void onError(Throwable t) {
                  answered.incrementAndGet();
                  rejected
                      .computeIfAbsent(reason(Status.fromThrowable(t)), r -> new AtomicLong())
                      .incrementAndGet();
                  brokenAt.merge(account, nonce, Math::min);
                }

                @Override
                public void onCompleted() {
                  answered.incrementAndGet();
                }
              });
    }

    /** Waits until every answered transfer is committed, or the grace period has passed. */
    private void awaitSettled(long sendEnd) throws BenchException {
      long until = sendEnd + o.grace().toNanos();
      long lastProgress = System.nanoTime();
      while (System.nanoTime() < until) {
        checkWatch();
        if (answered.get() == sent.size() && committedLive.get() >= acked.get()) {
          return;
        }
        if (System.nanoTime() - lastProgress >= 5_000_000_000L) {
          lastProgress = System.nanoTime();
          progress(
              "settling acked=%d committed=%d height=%d",
              acked.get(), committedLive.get(), headHeight);
        }
        sleepMs(20);
      }
    }

    // ------------------------------------------------------------ figures

    private Map<String, Resources> memory() {
      Map<String, Resources> out = new HashMap<>();
      for (String node : o.memoryNodes()) {
        ManagedChannel c = null;
        try {
          c = node.equals(o.node()) ? channel : channel(node);
          ResourcesReply r =
              NodeServiceGrpc.newBlockingStub(c)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .getResources(ResourcesRequest.getDefaultInstance());
          out.put(node, Resources.of(r));
        } catch (BenchException | StatusRuntimeException e) {
          progress("memory of %s unavailable: %s", node, e.getMessage());
        } finally {
          if (c != null && c != channel) {
            c.shutdownNow();
          }
        }
      }
      return out;
    }

    /** Every canonical block from {@code from} to the head, read through ListBlocks. */
    private Map<Hash, Integer> chainCounts(long from) {
      Map<Hash, Integer> counts = new HashMap<>();
      long h = from;
      while (true) {
        ListBlocksReply r =
            blocking()
                .listBlocks(ListBlocksRequest.newBuilder().setFromHeight(h).setCount(100).build());
        if (r.getBlocksCount() == 0) {
          return counts;
        }
        for (BlockView b : r.getBlocksList()) {
          for (ByteString bs : b.getTxHashesList()) {
            counts.merge(Hash.wrap(bs.toByteArray()), 1, Integer::sum);
          }
          h = b.getHeight() + 1;
        }
      }
    }

    private Result summarise(
        long start, long sendEnd, long startHeight, int accounts, double[] loadEnd) {
      Map<Hash, Integer> counts = chainCounts(Math.max(1, startHeight));
      long committed = 0;
      long lost = 0;
      long stranded = 0;
      long duplicates = 0;
      long lastCommit = start;
      long inWindow = 0;
      long windowCommitted = 0;
      List<Hash> acknowledged = new ArrayList<>();
      List<Double> latencies = new ArrayList<>();
      List<Double> finals = new ArrayList<>();
      for (Map.Entry<Hash, Sent> e : sent.entrySet()) {
        Sent s = e.getValue();
        if (s.ackNanos == 0) {
          continue;
        }
        acknowledged.add(e.getKey());
        int count = counts.getOrDefault(e.getKey(), 0);
        if (count == 0) {
          Long broken = brokenAt.get(s.account);
          if (broken != null && s.nonce > broken) {
            stranded++;
          } else {
            lost++;
          }
          continue;
        }
        committed++;
        if (count > 1) {
          duplicates++;
        }
        if (!s.warm) {
          windowCommitted++;
        }
        if (s.commitNanos != 0 && !s.warm) {
          latencies.add((s.commitNanos - s.submitNanos) / 1e6);
          lastCommit = Math.max(lastCommit, s.commitNanos);
          if (s.commitNanos <= sendEnd) {
            inWindow++;
          }
        }
        if (s.finalNanos != 0 && !s.warm) {
          finals.add((s.finalNanos - s.submitNanos) / 1e6);
        }
      }
      double seconds = o.duration().toNanos() / 1e9;
      double span = Math.max(seconds, (lastCommit - start) / 1e9);
      Map<String, Long> reasons = new TreeMap<>();
      rejected.forEach((k, v) -> reasons.put(k, v.get()));
      List<NodeMemory> memory = new ArrayList<>();
      List<Map<String, Resources>> samples;
      synchronized (memorySamples) {
        samples = new ArrayList<>(memorySamples);
      }
      for (String node : o.memoryNodes()) {
        List<Resources> series = new ArrayList<>();
        for (Map<String, Resources> m : samples) {
          if (m.containsKey(node)) {
            series.add(m.get(node));
          }
        }
        if (series.size() >= 2) {
          memory.add(new NodeMemory(node, series.get(0), series.get(series.size() - 1), series));
        }
      }
      return new Result(
          o.rate(),
          seconds,
          accounts,
          sent.size(),
          acked.get(),
          committed,
          lost,
          stranded,
          duplicates,
          windowCommitted / span,
          inWindow / seconds,
          Percentiles.of(latencies, 0.50),
          Percentiles.of(latencies, 0.99),
          Percentiles.of(latencies, 1.0),
          Percentiles.of(finals, 0.50),
          Percentiles.of(finals, 0.99),
          reasons,
          windowStartHeight,
          headHeight,
          loadStart == null ? loadEnd : loadStart,
          loadEnd,
          memory,
          acknowledged);
    }

    private void progress(String format, Object... args) {
      if (o.progress() != null) {
        o.progress().printf(java.util.Locale.ROOT, "bench tx: " + format + "%n", args);
        o.progress().flush();
      }
    }
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

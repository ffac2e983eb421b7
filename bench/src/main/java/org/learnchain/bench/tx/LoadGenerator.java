package org.learnchain.bench.tx;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.proto.api.AccountReply;
import org.learnchain.proto.api.AccountRequest;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.SubmitTransactionReply;
import org.learnchain.proto.api.SubmitTransactionRequest;
import org.learnchain.proto.api.SubmitTransactionsReply;
import org.learnchain.proto.api.SubmitTransactionsRequest;
import org.learnchain.proto.api.TransactionResult;

/**
 * The load: funds fresh accounts (untimed, in batches the pool's per-sender limits admit, each
 * waited on until it is in a block), then sends signed transfers between them at the open-loop
 * rate, round-robin over the accounts, asynchronously, and records every answer.
 *
 * <p>Every transfer of the run is signed before the load starts (untimed, like the funding), so the
 * bench's own signing does not compete with the nodes for the CPU while they are measured; an
 * account that runs past its signed transfers (others were refused) signs the rest as it goes.
 *
 * <p>A refused transfer leaves a nonce gap in its sender's sequence, so the sender's later
 * transfers can never execute: the generator stops using that sender ({@link #brokenAt}).
 */
final class LoadGenerator {
  // Below the pool's default per-sender limit (64), so one batch is admitted whole.
  private static final int FUNDING_BATCH = 60;
  private static final long FUNDING_TIMEOUT_MS = 120_000;
  private static final int MAX_OUTSTANDING = 100_000;
  // A batch leaves when full or when its first transfer has waited this long.
  private static final long LINGER_NANOS = 50_000_000L;
  // The first resend of a pushed-back transfer waits 2 x this, doubling up to the maximum.
  private static final long RETRY_WAIT_NANOS = 25_000_000L;
  private static final long MAX_RETRY_WAIT_NANOS = 1_000_000_000L;

  private final TxBench.Options o;
  private final NodeServiceGrpc.NodeServiceStub async;
  private final Supplier<NodeServiceGrpc.NodeServiceBlockingStub> blocking;
  private final BlockWatcher watcher;
  private final Map<Hash, Sent> sent;
  private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final Map<Integer, Long> brokenAt = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> retried = new ConcurrentHashMap<>();
  // Pushed-back transfers by the time they may leave again; gathered batch (sender thread only).
  private final PriorityBlockingQueue<Item> retries =
      new PriorityBlockingQueue<>(1024, Comparator.comparingLong(it -> it.notBefore));
  private final List<Item> pending = new ArrayList<>();
  // Per sending account: its transfers held back behind a pushed-back one (see Lane).
  private Lane[] lanes = new Lane[0];
  private final ConcurrentLinkedQueue<Lane> toRelease = new ConcurrentLinkedQueue<>();
  private long pendingSince;
  private volatile boolean retrying = true;
  private String chainId;
  private long fee;
  // Per account, its transfers signed ahead by nonce: the request's bytes and the id.
  private ByteString[][] signedBytes;
  private Hash[][] signedIds;

  LoadGenerator(
      TxBench.Options o,
      NodeServiceGrpc.NodeServiceStub async,
      Supplier<NodeServiceGrpc.NodeServiceBlockingStub> blocking,
      BlockWatcher watcher,
      Map<Hash, Sent> sent) {
    this.o = o;
    this.async = async;
    this.blocking = blocking;
    this.watcher = watcher;
    this.sent = sent;
  }

  long acked() {
    return acked.get();
  }

  /** Refusals by reason, sorted. */
  Map<String, Long> rejected() {
    Map<String, Long> out = new TreeMap<>();
    rejected.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** The lowest refused nonce of an account, or null when none of its transfers was refused. */
  Long brokenAt(int account) {
    return brokenAt.get(account);
  }

  /**
   * Makes {@code o.accounts()} fresh keys and has {@code funder} pay each enough for the window.
   */
  List<PrivateKey> fund(PrivateKey funder, String chainId, long fee) throws BenchException {
    this.chainId = chainId;
    this.fee = fee;
    SecureRandom random = new SecureRandom();
    List<PrivateKey> keys = new ArrayList<>(o.accounts());
    for (int i = 0; i < o.accounts(); i++) {
      keys.add(PrivateKey.generate(random));
    }
    long perAccount = (long) Math.ceil(o.rate() * o.duration().toMillis() / 1000.0 / keys.size());
    // Each transfer moves 1 unit to the next account and pays the fee; twice that is headroom.
    long grant = 2 * (perAccount + 1) * (fee + 1) + 1_000;
    AccountReply funderAccount =
        blocking
            .get()
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
    TxBench.progress(o, "funding accounts=%d grant=%d", keys.size(), grant);
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
              blocking
                  .get()
                  .submitTransaction(
                      SubmitTransactionRequest.newBuilder()
                          .setTransaction(ByteString.copyFrom(tx.encode()))
                          .build());
          batch.add(Hash.wrap(r.getTxHash().toByteArray()));
        } catch (StatusRuntimeException e) {
          throw new BenchException("funding transfer refused: " + TxBench.describe(e.getStatus()));
        }
      }
      long until = System.currentTimeMillis() + FUNDING_TIMEOUT_MS;
      while (!batch.stream().allMatch(h -> sent.get(h).commitNanos != 0)) {
        watcher.check();
        if (System.currentTimeMillis() > until) {
          throw new BenchException(
              "funding transfers not in a block after " + FUNDING_TIMEOUT_MS / 1000 + " s");
        }
        TxBench.sleepMs(20);
      }
    }
    sent.values().removeIf(s -> s.account < 0);
    watcher.resetCommitted();
    presign(keys);
    return keys;
  }

  /** Signs every account's share of the run's transfers, round-robin as {@link #send} sends. */
  private void presign(List<PrivateKey> keys) {
    int n = keys.size();
    double seconds = (o.warmup().toMillis() + o.duration().toMillis()) / 1000.0;
    int perAccount = (int) Math.min(1 << 20, Math.ceil(o.rate() * seconds / n) + 1);
    TxBench.progress(o, "signing %d transfers ahead of the load", (long) perAccount * n);
    signedBytes = new ByteString[n][perAccount];
    signedIds = new Hash[n][perAccount];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            a -> {
              Address to = keys.get((a + 1) % n).publicKey().address();
              for (int nonce = 0; nonce < perAccount; nonce++) {
                byte[] encoded = transfer(keys.get(a), nonce, to).encode();
                signedBytes[a][nonce] = ByteString.copyFrom(encoded);
                signedIds[a][nonce] = Hashing.sha256(encoded);
              }
            });
  }

  private SignedTransaction transfer(PrivateKey key, long nonce, Address to) {
    return SignedTransaction.sign(key, chainId, nonce, fee, new Transfer(to, 1));
  }

  /**
   * Sends from {@code begin} (the warm-up, at a rising rate: {@link #due}) until {@code start +
   * duration}, at the open-loop rate from {@code start}. With {@code batch} above 1, due transfers
   * leave in SubmitTransactions calls of up to {@code batch}, or after {@link #LINGER_NANOS} at
   * most; otherwise one SubmitTransaction call each. A transfer the node pushes back
   * (RESOURCE_EXHAUSTED: busy, pool full, sender limit) is sent again later, its latency still
   * counted from its first submission.
   *
   * @throws BenchException when more than {@link #MAX_OUTSTANDING} transfers are outstanding (the
   *     node is not keeping up) or the block watch fails; what was sent until then stays recorded
   */
  void send(List<PrivateKey> keys, long begin, long start) throws BenchException {
    int n = keys.size();
    long[] nonces = new long[n];
    Address[] addresses = new Address[n];
    lanes = new Lane[n];
    for (int i = 0; i < n; i++) {
      addresses[i] = keys.get(i).publicKey().address();
      lanes[i] = new Lane();
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
      long due = due(elapsed, start - begin);
      while (i < due) {
        if (sent.size() - watcher.committed() - rejectedTotal() > MAX_OUTSTANDING) {
          throw new BenchException(
              "more than "
                  + MAX_OUTSTANDING
                  + " transfers outstanding; the node is not keeping up");
        }
        int a = nextUnbroken(next, n);
        if (a < 0) {
          // Every sender has a nonce gap: nothing more can execute, so the window ends here.
          TxBench.progress(o, "every sending account had a transfer refused; sending stops");
          flush();
          return;
        }
        next = (a + 1) % n;
        enqueueNew(item(keys.get(a), a, nonces[a]++, addresses[(a + 1) % n], now < start), now);
        i++;
      }
      resend(now);
      release(now);
      if (!pending.isEmpty() && now - pendingSince >= LINGER_NANOS) {
        flush();
      }
      if (now - lastProgress >= 5_000_000_000L) {
        lastProgress = now;
        TxBench.progress(
            o,
            "t=%ds sent=%d acked=%d committed=%d rejected=%s retried=%s height=%d finalized=%d",
            elapsed / 1_000_000_000L,
            sent.size(),
            acked.get(),
            watcher.committed(),
            rejected,
            retried,
            watcher.headHeight(),
            watcher.finalizedHeight());
      }
      watcher.check();
      LockSupport.parkNanos(200_000);
    }
    flush();
  }

  /**
   * Transfers due {@code elapsed} nanoseconds after the load began: during the warm-up ({@code
   * warmup} nanoseconds) the rate rises linearly from 0 to {@code o.rate()}, so that the nodes
   * compile their hot paths under a growing load instead of queueing a backlog that the window's
   * first transfers would wait behind; from the window on it is {@code o.rate()}.
   */
  long due(long elapsed, long warmup) {
    double r = o.rate() / 1e9;
    if (elapsed < warmup) {
      return (long) (r * elapsed * ((double) elapsed / warmup) / 2);
    }
    return (long) (r * (warmup / 2.0 + (elapsed - warmup)));
  }

  private int nextUnbroken(int next, int n) {
    for (int k = 0; k < n; k++) {
      int c = (next + k) % n;
      if (!brokenAt.containsKey(c)) {
        return c;
      }
    }
    return -1;
  }

  private long rejectedTotal() {
    return rejected.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** The transfer {@code nonce} of {@code account}, signed ahead or now, recorded as sent. */
  private Item item(PrivateKey key, int account, long nonce, Address to, boolean warm) {
    ByteString bytes;
    Hash id;
    if (nonce < signedBytes[account].length) {
      bytes = signedBytes[account][(int) nonce];
      id = signedIds[account][(int) nonce];
      signedBytes[account][(int) nonce] = null;
    } else {
      byte[] encoded = transfer(key, nonce, to).encode();
      bytes = ByteString.copyFrom(encoded);
      id = Hashing.sha256(encoded);
    }
    Sent s = new Sent(account, nonce, System.nanoTime(), warm);
    sent.put(id, s);
    return new Item(bytes, s);
  }

  /** Sends {@code item} now (single calls) or adds it to the batch being gathered. */
  private void enqueue(Item item, long now) {
    if (o.batch() <= 1) {
      submitOne(item);
      return;
    }
    if (pending.isEmpty()) {
      pendingSince = now;
    }
    pending.add(item);
    if (pending.size() >= o.batch()) {
      flush();
    }
  }

  /**
   * A new transfer: held behind its sender's pushed-back transfers, if any, so that the node never
   * takes a later nonce of a sender whose earlier one it refused (a gap that the pool could fill
   * with transfers that can never execute); otherwise sent.
   */
  private void enqueueNew(Item item, long now) {
    Lane l = lanes[item.sent.account];
    synchronized (l) {
      if (l.waiting > 0 || !l.held.isEmpty()) {
        l.held.add(item);
        return;
      }
    }
    enqueue(item, now);
  }

  /** Sends, in nonce order, the held transfers of senders whose pushed-back ones are now in. */
  private void release(long now) {
    Lane l;
    while ((l = toRelease.poll()) != null) {
      List<Item> out;
      synchronized (l) {
        if (l.waiting > 0) {
          continue;
        }
        out = new ArrayList<>(l.held);
        l.held.clear();
      }
      for (Item it : out) {
        enqueue(it, now);
      }
    }
  }

  /** Sends again the pushed-back transfers whose wait is over. */
  private void resend(long now) {
    Item r;
    while ((r = retries.peek()) != null && r.notBefore <= now) {
      retries.poll();
      enqueue(r, now);
    }
  }

  /** Sends the gathered batch, if any. */
  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    List<Item> batch = List.copyOf(pending);
    pending.clear();
    SubmitTransactionsRequest.Builder req = SubmitTransactionsRequest.newBuilder();
    for (Item it : batch) {
      req.addTransactions(it.bytes);
    }
    async
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .submitTransactions(
            req.build(),
            new StreamObserver<>() {
              @Override
              public void onNext(SubmitTransactionsReply r) {
                long now = System.nanoTime();
                for (int k = 0; k < batch.size(); k++) {
                  Item it = batch.get(k);
                  if (k >= r.getResultsCount()) {
                    refused(it, "MISSING_RESULT", false);
                    continue;
                  }
                  TransactionResult t = r.getResults(k);
                  if (t.getCode().equals("OK")) {
                    acknowledged(it, now);
                  } else {
                    refused(
                        it,
                        TxBench.reason(t.getCode(), t.getMessage()),
                        t.getCode().equals(Status.Code.RESOURCE_EXHAUSTED.name()));
                  }
                }
              }

              @Override
              public void onError(Throwable t) {
                Status st = Status.fromThrowable(t);
                for (Item it : batch) {
                  refused(it, TxBench.reason(st), st.getCode() == Status.Code.RESOURCE_EXHAUSTED);
                }
              }

              @Override
              public void onCompleted() {}
            });
  }

  private void submitOne(Item item) {
    async
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .submitTransaction(
            SubmitTransactionRequest.newBuilder().setTransaction(item.bytes).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(SubmitTransactionReply r) {
                acknowledged(item, System.nanoTime());
              }

              @Override
              public void onError(Throwable t) {
                Status st = Status.fromThrowable(t);
                refused(item, TxBench.reason(st), st.getCode() == Status.Code.RESOURCE_EXHAUSTED);
              }

              @Override
              public void onCompleted() {}
            });
  }

  private void acknowledged(Item item, long now) {
    item.sent.ackNanos = now;
    acked.incrementAndGet();
    answered.incrementAndGet();
    settled(item);
  }

  /** A transfer has its final answer: its sender's held transfers may go once none waits. */
  private void settled(Item item) {
    if (!item.pushedBack) {
      return;
    }
    Lane l = lanes[item.sent.account];
    synchronized (l) {
      l.waiting--;
      if (l.waiting == 0 && !l.held.isEmpty()) {
        toRelease.add(l);
      }
    }
  }

  /**
   * A refusal: pushed back (the node had no room) means the transfer is sent again after a wait
   * that doubles with each attempt; anything else is final and leaves a nonce gap.
   */
  private void refused(Item item, String reason, boolean pushedBack) {
    if (pushedBack && retrying) {
      retried.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
      if (!item.pushedBack) {
        item.pushedBack = true;
        Lane l = lanes[item.sent.account];
        synchronized (l) {
          l.waiting++;
        }
      }
      item.attempts++;
      long wait = Math.min(MAX_RETRY_WAIT_NANOS, RETRY_WAIT_NANOS << Math.min(10, item.attempts));
      item.notBefore = System.nanoTime() + wait;
      retries.add(item);
      return;
    }
    answered.incrementAndGet();
    rejected.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    brokenAt.merge(item.sent.account, item.sent.nonce, Math::min);
    settled(item);
  }

  /** Pushed-back answers by reason (each a later resend, not a loss). */
  Map<String, Long> retried() {
    Map<String, Long> out = new TreeMap<>();
    retried.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /**
   * One sender's order: how many of its transfers wait to be sent again, and its later transfers
   * held until none does. Guarded by itself.
   */
  private static final class Lane {
    int waiting;
    final ArrayDeque<Item> held = new ArrayDeque<>();
  }

  /** One transfer on its way: its bytes, its record, and its resends. */
  private static final class Item {
    final ByteString bytes;
    final Sent sent;
    int attempts;
    long notBefore;
    // Pushed back at least once: counted in its sender's Lane until its final answer.
    volatile boolean pushedBack;

    Item(ByteString bytes, Sent sent) {
      this.bytes = bytes;
      this.sent = sent;
    }
  }

  /**
   * Waits until every transfer is answered and every acknowledged one committed, or the grace
   * period has passed, sending pushed-back transfers again meanwhile; those still pushed back at
   * the end count as refused.
   */
  void awaitSettled(long sendEnd) throws BenchException {
    long until = sendEnd + o.grace().toNanos();
    long lastProgress = System.nanoTime();
    try {
      while (System.nanoTime() < until) {
        watcher.check();
        long now = System.nanoTime();
        resend(now);
        release(now);
        flush();
        if (answered.get() == sent.size() && watcher.committed() >= acked.get()) {
          return;
        }
        if (now - lastProgress >= 5_000_000_000L) {
          lastProgress = now;
          TxBench.progress(
              o,
              "settling acked=%d committed=%d waiting to resend=%d height=%d",
              acked.get(),
              watcher.committed(),
              retries.size(),
              watcher.headHeight());
        }
        TxBench.sleepMs(20);
      }
    } finally {
      giveUp();
    }
  }

  /** Stops resending: what is still pushed back is refused for good. */
  void giveUp() {
    retrying = false;
    Item r;
    while ((r = retries.poll()) != null) {
      refused(r, "GAVE_UP_RETRYING", false);
    }
    for (Item it : pending) {
      refused(it, "GAVE_UP_RETRYING", false);
    }
    pending.clear();
    for (Lane l : lanes) {
      List<Item> held;
      synchronized (l) {
        held = new ArrayList<>(l.held);
        l.held.clear();
      }
      for (Item it : held) {
        refused(it, "GAVE_UP_RETRYING", false);
      }
    }
  }
}

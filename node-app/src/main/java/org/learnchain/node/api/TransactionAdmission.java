package org.learnchain.node.api;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Decoded;
import org.learnchain.ledger.RejectReason;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.mempool.Admission;

/**
 * The bounded stage every transaction from the API goes through (SubmitTransaction and
 * SubmitTransactions alike): at most {@link #capacity()} transactions wait for or undergo their
 * checks at once, and the checks run on a fixed pool of worker threads, not on the gRPC threads. A
 * call that would take the stage past its capacity is answered RESOURCE_EXHAUSTED ({@code
 * POOL_BUSY: ...}) at once instead of queueing, so a client sending faster than the node can verify
 * signatures is pushed back and the node's consensus keeps its share of the CPU (docs/api.md,
 * submitting transactions).
 *
 * <p>A transaction's checks, in order: it decodes ({@code MALFORMED}), it is for this chain ({@code
 * WRONG_CHAIN}), then the pool's full check and admission ({@link ApiContext#pool()}), whose
 * refusal carries the pool's reason. Every outcome is an {@link Outcome}: the id, or the status
 * code and the one-line {@code REASON: detail} SubmitTransaction answers with.
 */
final class TransactionAdmission implements AutoCloseable {
  /** Transactions waiting for or undergoing their checks at most, by default. */
  static final int DEFAULT_CAPACITY = 2_000;

  private final ApiContext ctx;
  private final Executor workers;
  private final ExecutorService owned;
  private final int parallelism;
  private final int capacity;
  private final Semaphore permits;

  /**
   * @param workers where the checks run (a bounded pool; a direct executor runs them in the caller)
   * @param parallelism how many of {@code workers}' threads a batch's signature checks spread over
   * @param capacity transactions admitted into the stage at once (at least one batch's worth)
   */
  TransactionAdmission(ApiContext ctx, Executor workers, int parallelism, int capacity) {
    if (capacity < BatchSubmission.MAX_TRANSACTIONS || parallelism < 1) {
      throw new IllegalArgumentException(
          "capacity " + capacity + " below one batch, or parallelism " + parallelism);
    }
    this.ctx = ctx;
    this.workers = workers;
    this.owned = workers instanceof ExecutorService e ? e : null;
    this.parallelism = parallelism;
    this.capacity = capacity;
    this.permits = new Semaphore(capacity);
  }

  /** A stage with its own pool of one worker per core. */
  static TransactionAdmission start(ApiContext ctx, int capacity) {
    int threads = Runtime.getRuntime().availableProcessors();
    AtomicInteger n = new AtomicInteger();
    // The queue holds at most one task per admitted transaction: the permits bound it.
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "api-tx-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return new TransactionAdmission(ctx, pool, threads, capacity);
  }

  int capacity() {
    return capacity;
  }

  int parallelism() {
    return parallelism;
  }

  /** Transactions in the stage now. */
  int pending() {
    return capacity - permits.availablePermits();
  }

  /**
   * Takes room for {@code n} transactions, all or none; false when the stage has less room left.
   */
  boolean tryEnter(int n) {
    return permits.tryAcquire(n);
  }

  /** Gives back the room of {@code n} transactions that have their outcome. */
  void leave(int n) {
    permits.release(n);
  }

  /** The refusal of a call the stage has no room for. */
  Outcome busy(int n) {
    return Outcome.refused(
        Status.Code.RESOURCE_EXHAUSTED,
        "POOL_BUSY: "
            + n
            + " more transaction(s) would pass the "
            + capacity
            + " this node checks at once; send again later");
  }

  /** Runs {@code task} on the stage's workers; false when they are shut down. */
  boolean execute(Runnable task) {
    try {
      workers.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Decodes {@code bytes} and checks that the transaction is for this chain. */
  Decoding decode(ByteString bytes) {
    Decoded<SignedTransaction> d = SignedTransaction.tryDecode(bytes.toByteArray());
    if (d instanceof Decoded.Malformed<SignedTransaction> m) {
      return new Decoding(null, refusal(RejectReason.MALFORMED, m.reason()));
    }
    SignedTransaction tx = ((Decoded.Ok<SignedTransaction>) d).value();
    if (!tx.chainId().equals(ctx.genesis().chainId())) {
      return new Decoding(
          null,
          refusal(
              RejectReason.WRONG_CHAIN,
              "transaction is for chain '"
                  + tx.chainId()
                  + "', this node runs '"
                  + ctx.genesis().chainId()
                  + "'"));
    }
    return new Decoding(tx, null);
  }

  /**
   * Checks the signature through the node's signature cache, so that {@link #admit} finds it
   * verified; the verdict itself is the pool's to give.
   */
  void verify(SignedTransaction tx) {
    ctx.signatures().test(tx);
  }

  /** The pool's full check and admission of a decoded transaction of this chain. */
  Outcome admit(SignedTransaction tx) {
    Admission a = ctx.pool().apply(tx);
    if (a instanceof Admission.Rejected r) {
      return refusal(r.reason(), r.message());
    }
    return Outcome.accepted(((Admission.Accepted) a).id());
  }

  /** Decodes and admits one transaction (SubmitTransaction's whole check). */
  Outcome submit(ByteString bytes) {
    Decoding d = decode(bytes);
    return d.refusal() != null ? d.refusal() : admit(d.tx());
  }

  private static Outcome refusal(RejectReason reason, String message) {
    Status s = ApiErrors.refused(reason, message).getStatus();
    return Outcome.refused(s.getCode(), s.getDescription());
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.shutdownNow();
    }
  }

  /** A decoded transaction of this chain, or why there is none. */
  record Decoding(SignedTransaction tx, Outcome refusal) {}

  /**
   * What became of one transaction: accepted with its id ({@code code} OK), or refused with a
   * status code and a one-line {@code REASON: detail}.
   */
  record Outcome(Hash id, Status.Code code, String message) {
    static Outcome accepted(Hash id) {
      return new Outcome(id, Status.Code.OK, "");
    }

    static Outcome refused(Status.Code code, String message) {
      return new Outcome(null, code, ApiErrors.oneLine(message));
    }

    boolean isAccepted() {
      return code == Status.Code.OK;
    }

    /** The refusal as a call's error status. */
    io.grpc.StatusRuntimeException asError() {
      return code.toStatus().withDescription(message).asRuntimeException();
    }
  }
}

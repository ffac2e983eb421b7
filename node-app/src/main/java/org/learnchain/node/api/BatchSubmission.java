package org.learnchain.node.api;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.learnchain.proto.api.SubmitTransactionsReply;
import org.learnchain.proto.api.TransactionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SubmitTransactions call: the batch enters the {@link TransactionAdmission} stage whole (or is
 * answered POOL_BUSY), its transactions are decoded and their signatures checked in parallel on the
 * stage's workers, a chunk per worker, and then admitted to the pool one by one in the request's
 * order, so that a sender's nonces arrive in the order sent. Each transaction gets its own result;
 * one refused transaction never affects another (docs/api.md, submitting transactions).
 */
final class BatchSubmission {
  private static final Logger LOG = LoggerFactory.getLogger(BatchSubmission.class);

  /** Most transactions in one batch. */
  static final int MAX_TRANSACTIONS = 1_000;

  /** Most bytes of transactions in one batch (their encodings summed). */
  static final int MAX_BYTES = 1 << 20;

  /** Fewest transactions worth a chunk of their own on another worker. */
  private static final int MIN_CHUNK = 8;

  private final TransactionAdmission stage;
  private final List<ByteString> items;
  private final StreamObserver<SubmitTransactionsReply> out;
  private final TransactionAdmission.Decoding[] decoded;
  private final AtomicInteger chunksLeft = new AtomicInteger();

  private BatchSubmission(
      TransactionAdmission stage,
      List<ByteString> items,
      StreamObserver<SubmitTransactionsReply> out) {
    this.stage = stage;
    this.items = items;
    this.out = out;
    this.decoded = new TransactionAdmission.Decoding[items.size()];
  }

  /** Why a batch is refused whole before any of it is looked at, or null when it is in bounds. */
  static String overCap(List<ByteString> items) {
    long bytes = 0;
    for (ByteString b : items) {
      bytes += b.size();
    }
    if (items.size() > MAX_TRANSACTIONS || bytes > MAX_BYTES) {
      return "a batch holds at most "
          + MAX_TRANSACTIONS
          + " transactions and "
          + MAX_BYTES
          + " bytes; this one has "
          + items.size()
          + " and "
          + bytes;
    }
    return null;
  }

  /** Answers the call {@code out}, now when refused whole, else once every transaction is done. */
  static void submit(
      TransactionAdmission stage,
      List<ByteString> items,
      StreamObserver<SubmitTransactionsReply> out) {
    String over = overCap(items);
    if (over != null) {
      out.onError(ApiErrors.invalid(over));
      return;
    }
    int n = items.size();
    if (n == 0) {
      out.onNext(SubmitTransactionsReply.getDefaultInstance());
      out.onCompleted();
      return;
    }
    if (!stage.tryEnter(n)) {
      out.onError(stage.busy(n).asError());
      return;
    }
    new BatchSubmission(stage, items, out).start();
  }

  private void start() {
    int n = items.size();
    int chunk = Math.max(MIN_CHUNK, (n + stage.parallelism() - 1) / stage.parallelism());
    int chunks = (n + chunk - 1) / chunk;
    chunksLeft.set(chunks);
    for (int c = 0; c < chunks; c++) {
      int from = c * chunk;
      int to = Math.min(n, from + chunk);
      if (!stage.execute(() -> prepare(from, to))) {
        // Shutting down: the chunks already handed over still count down; these never run.
        for (int i = from; i < to; i++) {
          decoded[i] =
              new TransactionAdmission.Decoding(
                  null,
                  TransactionAdmission.Outcome.refused(
                      io.grpc.Status.Code.UNAVAILABLE, "STOPPING: the node is stopping"));
        }
        chunkDone();
      }
    }
  }

  /** Decodes transactions {@code from..to-1} and warms the signature cache with their checks. */
  private void prepare(int from, int to) {
    try {
      for (int i = from; i < to; i++) {
        TransactionAdmission.Decoding d = stage.decode(items.get(i));
        if (d.tx() != null) {
          stage.verify(d.tx());
        }
        decoded[i] = d;
      }
    } catch (RuntimeException e) {
      LOG.warn("Batch preparation failed", e);
    } finally {
      chunkDone();
    }
  }

  /** The last chunk to finish admits the batch in order and answers the call. */
  private void chunkDone() {
    if (chunksLeft.decrementAndGet() != 0) {
      return;
    }
    int n = items.size();
    try {
      SubmitTransactionsReply.Builder reply = SubmitTransactionsReply.newBuilder();
      for (int i = 0; i < n; i++) {
        reply.addResults(result(outcome(decoded[i])));
      }
      out.onNext(reply.build());
      out.onCompleted();
    } catch (RuntimeException e) {
      LOG.warn("Batch admission failed", e);
      try {
        out.onError(ApiErrors.internal("batch admission failed: " + e.getMessage()));
      } catch (RuntimeException ignored) {
        // The call already ended (cancelled by the client).
      }
    } finally {
      stage.leave(n);
    }
  }

  private TransactionAdmission.Outcome outcome(TransactionAdmission.Decoding d) {
    if (d == null) {
      return TransactionAdmission.Outcome.refused(
          io.grpc.Status.Code.INTERNAL, "INTERNAL: the transaction could not be checked");
    }
    if (d.refusal() != null) {
      return d.refusal();
    }
    try {
      return stage.admit(d.tx());
    } catch (RuntimeException e) {
      LOG.warn("Batch transaction admission failed", e);
      return TransactionAdmission.Outcome.refused(
          io.grpc.Status.Code.INTERNAL, "INTERNAL: " + e.getMessage());
    }
  }

  static TransactionResult result(TransactionAdmission.Outcome o) {
    TransactionResult.Builder r =
        TransactionResult.newBuilder().setCode(o.code().name()).setMessage(o.message());
    if (o.id() != null) {
      r.setTxHash(ByteString.copyFrom(o.id().toArray()));
    }
    return r.build();
  }
}

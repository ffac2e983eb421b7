package org.learnchain.node.adapter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.ledger.Decoded;
import org.learnchain.ledger.SignedTransaction;

/**
 * Groups the transactions a node gossips into batches: one gossip message per batch instead of one
 * per transaction, so that at a thousand transfers a second the per-message costs (frame, seal,
 * seen-cache entry, validation task, per-peer rate budget) are paid a few dozen times a second. A
 * batch leaves when it holds {@value #MAX_TXS} transactions or {@value #MAX_BYTES} bytes, or
 * {@value #LINGER_MS} ms after its first transaction, whichever comes first.
 *
 * <p>Encoding: the canonical list of the transactions' canonical encodings ({@code i32 count |
 * transaction...}), strictly decoded.
 */
final class TxBatcher {
  static final int MAX_TXS = 512;
  static final int MAX_BYTES = 256 * 1024;
  static final long LINGER_MS = 10;

  private final Consumer<byte[]> publish;
  private final ScheduledExecutorService scheduler;
  private final List<SignedTransaction> pending = new ArrayList<>();
  private int pendingBytes;
  private ScheduledFuture<?> flushTask;

  /**
   * @param publish gossips one encoded batch
   * @param scheduler runs the linger timer
   */
  TxBatcher(Consumer<byte[]> publish, ScheduledExecutorService scheduler) {
    this.publish = publish;
    this.scheduler = scheduler;
  }

  /** Queues {@code tx} for the next batch. */
  void add(SignedTransaction tx, int encodedSize) {
    byte[] full = null;
    synchronized (this) {
      pending.add(tx);
      pendingBytes += encodedSize;
      if (pending.size() >= MAX_TXS || pendingBytes >= MAX_BYTES) {
        full = drain();
      } else if (flushTask == null) {
        flushTask = scheduler.schedule(this::flush, LINGER_MS, TimeUnit.MILLISECONDS);
      }
    }
    if (full != null) {
      publish.accept(full);
    }
  }

  /** Sends what is queued now. */
  void flush() {
    byte[] batch;
    synchronized (this) {
      batch = pending.isEmpty() ? null : drain();
    }
    if (batch != null) {
      publish.accept(batch);
    }
  }

  private byte[] drain() {
    byte[] out = encode(pending, pendingBytes);
    pending.clear();
    pendingBytes = 0;
    if (flushTask != null) {
      flushTask.cancel(false);
      flushTask = null;
    }
    return out;
  }

  static byte[] encode(List<SignedTransaction> txs, int sizeHint) {
    CanonicalWriter w = new CanonicalWriter(sizeHint + 4);
    w.list(txs, (cw, tx) -> tx.write(cw));
    return w.toByteArray();
  }

  /** Decodes a batch from a peer; anything but a strict, bounded batch is malformed. */
  static Decoded<List<SignedTransaction>> decode(byte[] bytes) {
    return Decoded.of(
        () -> {
          CanonicalReader r = new CanonicalReader(bytes);
          List<SignedTransaction> txs = r.list(MAX_TXS, SignedTransaction::read);
          r.end();
          return txs;
        });
  }
}

package org.learnchain.node.api;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.proto.api.ChainEvent;

/**
 * One {@code WatchBlocks} stream. It ticks on the API scheduler and compares the store's head with
 * what it last sent, so it needs no hook into consensus and costs one head read per tick while the
 * chain is quiet.
 *
 * <p>Invariant: {@link #sent} holds the hash of every block sent at a height the stream may still
 * revisit (the last {@value #KEPT} heights). Each tick walks back from the head to the highest
 * height whose canonical hash still equals what was sent, and sends every canonical block above it
 * in height order, so after a reorganisation the client gets the new branch from the fork point on,
 * and never a block whose parent it has not been sent (from the start height on).
 */
final class BlockWatch extends PolledStream<ChainEvent> {
  /** How often a stream looks at the head; the latency a watcher sees on top of the node's. */
  static final long TICK_MS = 20;

  /** Most blocks sent in one tick, so that a stream from an old height does not hog the thread. */
  static final int MAX_PER_TICK = 256;

  /** Heights remembered for fork detection; reorganisations deeper than this restart from here. */
  static final int KEPT = 1024;

  private final ChainStore store;
  private final TreeMap<Long, Hash> sent = new TreeMap<>();
  private long next;
  private long lastFinalized = -1;

  BlockWatch(
      ChainStore store,
      ServerCallStreamObserver<ChainEvent> out,
      ScheduledExecutorService scheduler,
      Optional<Long> fromHeight) {
    super(out, scheduler, TICK_MS);
    this.store = store;
    this.next = fromHeight.orElseGet(() -> store.head().height() + 1);
  }

  @Override
  void poll() {
    Block head = store.head();
    long finalized = store.finalizedHeight();
    rewindToForkPoint();
    int budget = MAX_PER_TICK;
    while (next <= head.height() && budget-- > 0) {
      Optional<Block> b = store.canonicalBlock(next);
      if (b.isEmpty()) {
        // The head moved under us (a reorganisation to a shorter branch): next tick sees it.
        break;
      }
      send(b.get(), finalized, head.height());
      sent.put(next, b.get().hash());
      while (sent.size() > KEPT) {
        sent.pollFirstEntry();
      }
      next++;
    }
    if (finalized != lastFinalized) {
      lastFinalized = finalized;
      out.onNext(
          ChainEvent.newBuilder()
              .setFinalizedHeight(finalized)
              .setHeadHeight(head.height())
              .setAtMs(System.currentTimeMillis())
              .build());
    }
  }

  /** Moves {@link #next} back to just above the highest sent block that is still canonical. */
  private void rewindToForkPoint() {
    while (!sent.isEmpty()) {
      Map.Entry<Long, Hash> last = sent.lastEntry();
      Optional<Hash> canonical = store.canonicalHash(last.getKey());
      if (canonical.isPresent() && canonical.get().equals(last.getValue())) {
        return;
      }
      sent.pollLastEntry();
      next = last.getKey();
    }
  }

  private void send(Block b, long finalized, long headHeight) {
    out.onNext(
        ChainEvent.newBuilder()
            .setBlock(ProtoViews.block(b, finalized))
            .setFinalizedHeight(finalized)
            .setHeadHeight(headHeight)
            .setAtMs(System.currentTimeMillis())
            .build());
  }
}

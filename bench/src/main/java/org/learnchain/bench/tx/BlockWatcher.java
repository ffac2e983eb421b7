package org.learnchain.bench.tx;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.learnchain.crypto.Hash;
import org.learnchain.proto.api.BlockView;
import org.learnchain.proto.api.ChainEvent;
import org.learnchain.proto.api.ListBlocksReply;
import org.learnchain.proto.api.ListBlocksRequest;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.WatchBlocksRequest;

/**
 * Follows the target node's {@code WatchBlocks} stream and marks each sent transfer when its block
 * arrives and when that block is final; a height seen again (a reorganisation) undoes what the old
 * block held. After the run, {@link #chainCounts} reads the canonical chain itself, which is what
 * lost and duplicate transfers are counted against.
 */
final class BlockWatcher {
  private final Map<Hash, Sent> sent;
  private final AtomicLong committed = new AtomicLong();
  // Heights seen and not yet final, with their transfers: a re-sent height undoes the old one.
  private final TreeMap<Long, List<Hash>> seenBlocks = new TreeMap<>();
  private volatile long finalizedHeight;
  private volatile long headHeight;
  private volatile Throwable error;

  BlockWatcher(Map<Hash, Sent> sent) {
    this.sent = sent;
  }

  /** Opens the stream from {@code fromHeight}; it runs until the caller's gRPC context ends. */
  void start(NodeServiceGrpc.NodeServiceStub async, long fromHeight) {
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
              error = t;
            }
          }

          @Override
          public void onCompleted() {
            error = new IllegalStateException("the node ended the block watch");
          }
        });
  }

  long headHeight() {
    return headHeight;
  }

  long finalizedHeight() {
    return finalizedHeight;
  }

  /** Sent transfers seen in a block and not undone. */
  long committed() {
    return committed.get();
  }

  /** Forgets the count so far (the funding transfers), keeping the chain position. */
  void resetCommitted() {
    committed.set(0);
  }

  /** Fails when the stream broke. */
  void check() throws BenchException {
    Throwable t = error;
    if (t != null) {
      throw new BenchException("block watch failed: " + TxBench.describe(Status.fromThrowable(t)));
    }
  }

  synchronized void onChainEvent(ChainEvent e, long now) {
    headHeight = Math.max(headHeight, e.getHeadHeight());
    if (e.hasBlock()) {
      onBlock(e.getBlock(), now);
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

  private void onBlock(BlockView b, long now) {
    // A height seen before means a reorganisation: what the old branch held is not in yet.
    for (List<Hash> undone : seenBlocks.tailMap(b.getHeight(), true).values()) {
      for (Hash h : undone) {
        Sent s = sent.get(h);
        if (s != null && s.commitNanos != 0) {
          s.commitNanos = 0;
          s.finalNanos = 0;
          committed.decrementAndGet();
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
        committed.incrementAndGet();
        if (b.getHeight() <= finalizedHeight) {
          s.finalNanos = now;
        }
      }
    }
    seenBlocks.put(b.getHeight(), hashes);
    headHeight = Math.max(headHeight, b.getHeight());
  }

  /** How often each transaction occurs in the canonical blocks from {@code from} to the head. */
  static Map<Hash, Integer> chainCounts(
      Supplier<NodeServiceGrpc.NodeServiceBlockingStub> node, long from) {
    Map<Hash, Integer> counts = new HashMap<>();
    long h = from;
    while (true) {
      ListBlocksReply r =
          node.get()
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
}

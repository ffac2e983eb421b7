package org.learnchain.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.ServerCallStreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.learnchain.config.Genesis;
import org.learnchain.config.Member;
import org.learnchain.config.Role;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;
import org.learnchain.ledger.store.InMemoryKeyValueStore;
import org.learnchain.ledger.store.KvChainStore;
import org.learnchain.proto.api.ChainEvent;

/**
 * The WatchBlocks stream over a real chain store: blocks in height order, a reorganisation sent
 * again from the fork point, and finalized-height events.
 */
class BlockWatchTest {
  private final PrivateKey a = PrivateKey.generate(new SecureRandom());
  private final PrivateKey b = PrivateKey.generate(new SecureRandom());
  private final Genesis genesis =
      Genesis.withDefaults(
          "watch-test",
          1_000,
          List.of(
              new Member(a.publicKey(), EnumSet.allOf(Role.class), 1_000, 10),
              new Member(b.publicKey(), EnumSet.allOf(Role.class), 1_000, 10)));
  private final StateTransition transition =
      new StateTransition(genesis, (proof, height) -> Optional.empty());
  private final KvChainStore store =
      KvChainStore.open(
          InMemoryKeyValueStore.create(),
          genesis,
          ForkJoinPool.commonPool(),
          new SimpleMeterRegistry());
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void close() {
    scheduler.shutdownNow();
    store.close();
  }

  private record Built(Block block, TransitionResult.Applied applied) {}

  /** An idle block on {@code parent} by {@code proposer}. */
  private Built child(Block parent, WorldState parentState, PrivateKey proposer, long ts) {
    TransitionResult.Applied applied =
        (TransitionResult.Applied)
            transition.apply(
                parentState,
                parent.height() + 1,
                proposer.publicKey(),
                List.of(),
                new BlockOutcome.Idle());
    byte[] work = new WorkSection.Idle(List.of()).encode();
    BlockHeader h =
        new BlockHeader(
            parent.height() + 1,
            parent.hash(),
            ts,
            parent.height() + 1,
            0,
            Hash.ZERO,
            Block.txRoot(List.of()),
            Block.workHash(work),
            applied.stateRoot(),
            Hash.ZERO,
            Hash.ZERO,
            proposer.publicKey());
    Block block =
        new Block(h, h.sign(proposer, genesis.chainId()), new BlockOutcome.Idle(), List.of(), work);
    return new Built(block, applied);
  }

  @Test
  void sendsBlocksInOrderAndANewBranchFromTheForkPoint() throws Exception {
    Built a1 = child(store.head(), store.headState(), a, 2_000);
    store.appendBlock(a1.block(), a1.applied());
    Recorder out = new Recorder();
    new BlockWatch(store, out, scheduler, Optional.of(1L)).start();
    Built a2 = child(a1.block(), a1.applied().state(), a, 3_000);
    store.appendBlock(a2.block(), a2.applied());
    await(() -> out.blockHeights().equals(List.of(1L, 2L)));

    // A sibling of a2 becomes the head: the stream sends height 2 again, the new block.
    Built b2 = child(a1.block(), a1.applied().state(), b, 3_001);
    store.storeBlock(b2.block(), b2.applied().diff());
    store.setHead(b2.block().hash());
    await(() -> out.blockHeights().equals(List.of(1L, 2L, 2L)));
    assertEquals(
        b2.block().hash(), Hash.wrap(out.blocks().get(2).getBlock().getHash().toByteArray()));
    Built b3 = child(b2.block(), b2.applied().state(), b, 4_000);
    store.appendBlock(b3.block(), b3.applied());
    await(() -> out.blockHeights().equals(List.of(1L, 2L, 2L, 3L)));
    assertEquals(
        b2.block().hash(),
        Hash.wrap(out.blocks().get(3).getBlock().getPrevHash().toByteArray()),
        "every block sent after the switch builds on the new branch");

    store.setFinalized(2);
    await(() -> out.events.stream().anyMatch(e -> !e.hasBlock() && e.getFinalizedHeight() == 2));
    out.cancel();
    int seen = out.events.size();
    Built b4 = child(b3.block(), b3.applied().state(), b, 5_000);
    store.appendBlock(b4.block(), b4.applied());
    // A cancelled stream stops: give the watch a few ticks to show it sends nothing more.
    long until = System.currentTimeMillis() + 10 * BlockWatch.TICK_MS;
    while (System.currentTimeMillis() < until) {
      Thread.sleep(BlockWatch.TICK_MS);
    }
    assertEquals(seen, out.events.size(), "nothing sent after the client cancelled");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long until = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      assertTrue(System.currentTimeMillis() < until, "condition not met within 10 s");
      Thread.sleep(5);
    }
  }

  /** Captures what the watch sends, as a gRPC server stream would carry it. */
  private static final class Recorder extends ServerCallStreamObserver<ChainEvent> {
    final List<ChainEvent> events = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;
    private volatile Runnable onCancel = () -> {};

    List<ChainEvent> blocks() {
      return events.stream().filter(ChainEvent::hasBlock).toList();
    }

    List<Long> blockHeights() {
      return blocks().stream().map(e -> e.getBlock().getHeight()).toList();
    }

    void cancel() {
      cancelled = true;
      onCancel.run();
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {
      onCancel = handler;
    }

    @Override
    public void setCompression(String compression) {}

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setOnReadyHandler(Runnable handler) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}

    @Override
    public void onNext(ChainEvent value) {
      events.add(value);
    }

    @Override
    public void onError(Throwable t) {
      throw new AssertionError("the watch failed", t);
    }

    @Override
    public void onCompleted() {}
  }
}

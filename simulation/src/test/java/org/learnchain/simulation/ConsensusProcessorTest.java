package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.learnchain.config.Genesis;
import org.learnchain.config.Member;
import org.learnchain.config.ModelLimits;
import org.learnchain.config.Rewards;
import org.learnchain.config.Role;
import org.learnchain.config.RoundDurations;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.ConsensusListener;
import org.learnchain.consensus.ConsensusNode;
import org.learnchain.consensus.ConsensusProcessor;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.SystemClock;
import org.learnchain.consensus.evidence.ConsensusEvidenceVerifier;
import org.learnchain.consensus.ledger.LedgerChain;
import org.learnchain.consensus.ledger.StoreJournal;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.consensus.port.Gossip;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.mempool.Mempool;
import org.learnchain.ledger.mempool.MempoolConfig;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.ledger.store.InMemoryKeyValueStore;
import org.learnchain.ledger.store.KvChainStore;

/**
 * The production driving of one node: the processor thread, the wall clock and its timer thread,
 * over the ledger's chain store. A single validator builds idle blocks in real time.
 */
class ConsensusProcessorTest {
  @Test
  void aSingleValidatorBuildsBlocksOnTheWallClock() throws Exception {
    PrivateKey key = PrivateKey.fromSeed(new byte[32]);
    Genesis genesis =
        new Genesis(
            "processor-test",
            System.currentTimeMillis(),
            List.of(new Member(key.publicKey(), EnumSet.allOf(Role.class), 1_000, 0)),
            new RoundDurations(200, 100, 100, 20),
            new Rewards(0, 0, 0, 0, 0, 1, 0),
            10,
            1e-9,
            new ModelLimits(10, 1024, 100, Set.of("dense"), 1 << 20, 100),
            10);
    StateTransition transition =
        new StateTransition(
            genesis, new ConsensusEvidenceVerifier(new ChainDomains(genesis.chainId()), 10));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ChainStore store =
        KvChainStore.open(
            InMemoryKeyValueStore.create(), genesis, ForkJoinPool.commonPool(), registry);
    LedgerChain chain =
        new LedgerChain(
            store, transition, new Mempool(transition, MempoolConfig.DEFAULT, registry), tx -> {});
    CountDownLatch blocks = new CountDownLatch(5);
    Gossip gossip =
        new Gossip() {
          @Override
          public void publish(MessageType kind, byte[] payload) {
            // One validator: each of its proposals is committed at once, and each commit is
            // announced.
            if (kind == MessageType.COMMIT_CERTIFICATE) {
              blocks.countDown();
            }
          }

          @Override
          public void requestBlock(Hash hash) {}
        };
    try (SystemClock clock = new SystemClock()) {
      ConsensusNode node =
          new ConsensusNode(
              ConsensusConfig.of(genesis),
              key,
              new ConsensusPorts(
                  clock,
                  gossip,
                  chain,
                  LinearRegressionMl.honest(1),
                  (h, max) -> CompletableFuture.completedFuture(Result.err("no blobs")),
                  id -> Optional.empty(),
                  new StoreJournal(store)),
              ConsensusListener.NONE);
      ConsensusProcessor processor = new ConsensusProcessor(node);
      Thread t = new Thread(processor, "consensus");
      t.start();
      node.start();
      assertTrue(blocks.await(10, TimeUnit.SECONDS), "five blocks built in real time");
      processor.stop();
      t.join(5_000);
    }
    Block head = store.head();
    assertTrue(head.height() >= 5, "height " + head.height());
    // Every stored block is committed: the head is the committed height.
    assertEquals(head.height(), store.finalizedHeight());
    assertEquals(key.publicKey(), head.header().proposer());
  }
}

package org.learnchain.node.fuzz;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.learnchain.config.Genesis;
import org.learnchain.config.Member;
import org.learnchain.config.Role;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.ConsensusListener;
import org.learnchain.consensus.ConsensusNode;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.evidence.ConsensusEvidenceVerifier;
import org.learnchain.consensus.ledger.LedgerChain;
import org.learnchain.consensus.ledger.StoreJournal;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.consensus.port.Gossip;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.mempool.Mempool;
import org.learnchain.ledger.mempool.MempoolConfig;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.ledger.store.InMemoryKeyValueStore;
import org.learnchain.ledger.store.KvChainStore;
import org.learnchain.simulation.LinearRegressionMl;
import org.learnchain.simulation.SimulatedClock;

/**
 * A node's chain for fuzz targets, built from the real parts over an in-memory key-value store: a
 * genesis of three funded members (every role), the chain store, state transition, mempool and
 * ledger chain, and on request a consensus node over them that is never started (its inbox is what
 * the gossip handlers feed). Keys come from fixed seeds, so seeds signed with them replay.
 */
public final class FuzzChain {
  public static final String CHAIN_ID = "fuzz-node-chain";
  public static final long GENESIS_TIME_MS = 1_700_000_000_000L;
  public static final List<PrivateKey> MEMBERS = List.of(key("a"), key("b"), key("c"));
  public static final PrivateKey STRANGER = key("stranger");

  public final Genesis genesis;
  public final ChainDomains domains;
  public final ChainStore store;
  public final StateTransition transition;
  public final Mempool mempool;
  public final LedgerChain chain;

  public FuzzChain() {
    genesis =
        Genesis.withDefaults(
            CHAIN_ID,
            GENESIS_TIME_MS,
            MEMBERS.stream()
                .map(k -> new Member(k.publicKey(), EnumSet.allOf(Role.class), 1_000_000_000L, 0))
                .toList());
    domains = new ChainDomains(CHAIN_ID);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    transition = new StateTransition(genesis, new ConsensusEvidenceVerifier(domains, 10));
    store =
        KvChainStore.open(
            InMemoryKeyValueStore.create(), genesis, ForkJoinPool.commonPool(), registry);
    mempool = new Mempool(transition, MempoolConfig.DEFAULT, registry);
    chain = new LedgerChain(store, transition, mempool, tx -> {});
  }

  public static PrivateKey key(String name) {
    return PrivateKey.fromSeed(
        Hashing.sha256(("fuzz-node/" + name).getBytes(StandardCharsets.UTF_8)).toArray());
  }

  /**
   * A consensus node of member 0 over this chain, publishing through {@code gossip}; not started.
   */
  public ConsensusNode consensus(Gossip gossip) {
    return new ConsensusNode(
        ConsensusConfig.of(genesis),
        MEMBERS.get(0),
        new ConsensusPorts(
            new SimulatedClock(GENESIS_TIME_MS),
            gossip,
            chain,
            LinearRegressionMl.honest(1),
            (h, max) -> CompletableFuture.completedFuture(Result.err("no blobs in a fuzz node")),
            id -> Optional.empty(),
            new StoreJournal(store)),
        ConsensusListener.NONE);
  }
}

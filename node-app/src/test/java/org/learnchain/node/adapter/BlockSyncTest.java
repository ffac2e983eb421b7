package org.learnchain.node.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.config.Genesis;
import org.learnchain.config.GenesisJson;
import org.learnchain.config.HostPort;
import org.learnchain.config.NodeConfig;
import org.learnchain.config.NodeConfigLoader;
import org.learnchain.config.Role;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.state.SignatureCache;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.ml.MlRuntime;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.NodeOptions;
import org.learnchain.node.api.ApiToken;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.P2PNetwork;
import org.learnchain.p2p.blob.InMemoryBlobStore;
import org.learnchain.p2p.netty.NettyP2PNetwork;
import org.learnchain.simulation.Cluster;
import org.learnchain.simulation.SimNode;

/**
 * Block sync over real sockets: a chain made by a simulated cluster (real consensus and ledger
 * code, virtual time) is served by Netty p2p peers on 127.0.0.1 holding the validators' keys, and a
 * real node (RocksDB, its own consensus) joins late and catches up from all of them at once, while
 * one peer serves tampered blocks and another serves none.
 */
class BlockSyncTest {
  private static final int HEIGHT = 200;
  private static Cluster cluster;
  private static SimNode source;

  @BeforeAll
  static void makeChain() {
    // Four validators make the chain; member 4 only joins the real network later.
    cluster =
        Cluster.builder()
            .nodes(5)
            .roles(i -> i == 4 ? EnumSet.of(Role.SUBMITTER) : EnumSet.allOf(Role.class))
            .build();
    cluster.start();
    source = cluster.node(0);
    assertTrue(
        cluster.runUntil(
            () -> source.chain().head().height() >= HEIGHT, cluster.clock().nowMs() + 3_600_000L),
        "the simulated chain reached height " + HEIGHT);
  }

  @AfterAll
  static void done() {
    cluster = null;
  }

  private static Block canonical(long h) {
    return source.chain().block(source.chain().canonicalHash(h).orElseThrow()).orElseThrow();
  }

  /** The cluster's canonical blocks, each answer changed by {@code tamper}. */
  private static BlockSource serving(UnaryOperator<byte[]> tamper) {
    return (from, max) -> {
      List<byte[]> out = new ArrayList<>();
      for (long h = Math.max(1, from); h < from + max && h <= HEIGHT; h++) {
        out.add(tamper.apply(canonical(h).encode()));
      }
      return out;
    };
  }

  private static P2PNetwork peer(int member, BlockSource blocks) {
    Genesis g = cluster.genesis();
    P2PNetwork n =
        new NettyP2PNetwork(
            P2PConfig.builder(g.chainId(), g.hash()).listen("127.0.0.1", 0).build(),
            cluster.node(member).key(),
            Membership.fromGenesis(g),
            blocks,
            new InMemoryBlobStore(),
            new SimpleMeterRegistry());
    n.start();
    return n;
  }

  @Test
  void aLateNodeCatchesUpFromSeveralPeersDespiteABadAndAnEmptyOne(@TempDir Path dir)
      throws Exception {
    List<P2PNetwork> peers = new ArrayList<>();
    peers.add(peer(0, serving(b -> b)));
    peers.add(peer(1, serving(b -> b)));
    // Every block's last byte changed: it no longer matches its header or signature.
    peers.add(
        peer(
            2,
            serving(
                b -> {
                  byte[] c = b.clone();
                  c[c.length - 1] ^= 0x5a;
                  return c;
                })));
    peers.add(peer(3, (from, max) -> List.of()));
    Genesis g = cluster.genesis();
    GenesisJson.write(dir.resolve("genesis.json"), g);
    List<HostPort> boot =
        peers.stream()
            .map(p -> new HostPort(p.listenAddress().host(), p.listenAddress().port()))
            .toList();
    Path data = dir.resolve("late");
    Files.createDirectories(data);
    NodeConfig defaults = NodeConfigLoader.defaults();
    NodeConfig config =
        new NodeConfig(
            data,
            dir.resolve("genesis.json"),
            data.resolve("node.key"),
            data.resolve("api.token"),
            defaults.logLevel(),
            new NodeConfig.P2p("127.0.0.1", 0, boot),
            new NodeConfig.Grpc("127.0.0.1", 0),
            new NodeConfig.Metrics(false, "127.0.0.1", 0),
            new NodeConfig.Ml(1),
            NodeConfig.Explorer.OFF);
    ApiToken token = ApiToken.generate(new SecureRandom());
    token.writeNew(config.apiTokenFile());
    LearnchainNode late =
        new LearnchainNode(
            config,
            g,
            cluster.node(4).key(),
            MlRuntime.start(1),
            new SimpleMeterRegistry(),
            token,
            NodeOptions.production().withGrpc(false).withShutdownHook(false));
    try {
      late.start();
      // The last served block waits for the commit its successor would carry.
      long want = HEIGHT - 1;
      long until = System.currentTimeMillis() + 120_000;
      while (late.store().head().height() < want && System.currentTimeMillis() < until) {
        Thread.sleep(50);
      }
      assertEquals(want, late.store().head().height(), "the late node's height");
      for (long h = 1; h <= want; h++) {
        assertEquals(
            source.chain().canonicalHash(h).orElseThrow(),
            late.store().canonicalHash(h).orElseThrow(),
            "block " + h);
      }
      assertEquals(late.store().head().header().stateRoot(), late.store().headState().root());
      // Every peer got a range at the start (more ranges than peers): the tampered answers
      // were seen and dropped, and their ranges fetched from the others.
      assertTrue(late.syncStats().badAnswers() >= 1, late.syncStats().toString());
      assertTrue(
          late.syncStats().requests() > HEIGHT / BlockSync.BATCH, late.syncStats().toString());
    } finally {
      late.stop();
      for (P2PNetwork p : peers) {
        p.stop();
      }
    }
  }

  @Test
  void theChecksRefuseWhatConsensusWouldRefuse() {
    Genesis g = cluster.genesis();
    StateTransition transition =
        new StateTransition(
            g,
            new org.learnchain.consensus.evidence.ConsensusEvidenceVerifier(
                new org.learnchain.consensus.message.ChainDomains(g.chainId()), g.schedule()),
            java.util.concurrent.ForkJoinPool.commonPool(),
            SignatureCache.forNode());
    ChainStore none = null;
    SyncPreverifier checks =
        new SyncPreverifier(
            g, none, transition::verifySignatures, new MessageSignatures(g.chainId()), null);
    Block b = canonical(10);
    SyncPreverifier.Good ok =
        assertInstanceOf(SyncPreverifier.Good.class, checks.check(b.encode(), 10));
    assertEquals(b.hash(), ok.block().hash());
    // Served as another height; undecodable; tampered.
    assertInstanceOf(SyncPreverifier.Bad.class, checks.check(b.encode(), 11));
    assertInstanceOf(SyncPreverifier.Bad.class, checks.check(new byte[] {1, 2, 3}, 10));
    byte[] tampered = b.encode();
    tampered[tampered.length - 1] ^= 1;
    assertInstanceOf(SyncPreverifier.Bad.class, checks.check(tampered, 10));
  }
}

package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ml.MlRuntime;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.NodeOptions;
import org.learnchain.node.cli.CliHarness.Run;
import org.learnchain.node.cli.node.NodeLauncher;

/**
 * {@code bench tx} for real on a small scale: two nodes on real sockets and RocksDB, built from
 * {@code testnet init} files, take a few seconds of signed transfers through node 0's API. Every
 * transfer the node acknowledged is in exactly one block of both nodes' canonical chains, nothing
 * is lost, and the JSON carries the documented fields. No figure is asserted: rates are for the
 * bench, not for tests.
 */
class BenchTxTest {
  private static final Map<String, String> ENV = Map.of("LEARNCHAIN_PASSWORD", "bench-pass");

  @ParameterizedTest(name = "--batch {0}")
  @ValueSource(strings = {"100", "1"})
  void everyAcknowledgedTransferIsCommittedExactlyOnce(String batch, @TempDir Path dir)
      throws Exception {
    int base = Ports.freeBase(2);
    Run init =
        CliHarness.run(
            ENV,
            "testnet",
            "init",
            "--nodes",
            "2",
            "--dir",
            dir.toString(),
            "--base-port",
            Integer.toString(base),
            "--round-ms",
            "2000,1000,1000,300");
    assertEquals(0, init.code(), init.err());
    MlRuntime ml = MlRuntime.start(1);
    List<LearnchainNode> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        nodes.add(launch(dir, i, ml));
      }
      long until = System.currentTimeMillis() + 30_000;
      while (nodes.stream().anyMatch(n -> n.network().peers().isEmpty())
          && System.currentTimeMillis() < until) {
        Thread.sleep(50);
      }
      Run r =
          CliHarness.run(
              ENV,
              "bench",
              "tx",
              "--node",
              "127.0.0.1:" + (base + 1),
              "--memory-nodes",
              "127.0.0.1:" + (base + 11),
              "--key",
              dir.resolve("node0").resolve("node.key").toString(),
              "--rate",
              "40",
              "--duration",
              "3",
              "--warmup",
              "1",
              "--accounts",
              "6",
              "--grace",
              "20",
              "--batch",
              batch,
              "--quiet",
              "--json");
      assertEquals(0, r.code(), r.err());
      JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
      for (String field :
          List.of("tps", "p50Ms", "p99Ms", "lost", "memory", "rejected", "retried", "mode")) {
        assertTrue(o.has(field), field + " in " + o);
      }
      assertEquals(batch.equals("1") ? "single" : "batch", o.get("mode").getAsString());
      assertEquals(Integer.parseInt(batch), o.get("batch").getAsInt());
      assertTrue(!o.has("aborted"), o.toString());
      long sent = o.get("sent").getAsLong();
      long acked = o.get("acked").getAsLong();
      assertTrue(sent >= 100, "four seconds at 40/s: " + o);
      assertEquals(sent, acked, "nothing refused at this rate: " + o);
      assertEquals(0, o.get("lost").getAsLong(), o.toString());
      assertEquals(0, o.get("stranded").getAsLong(), o.toString());
      assertEquals(0, o.get("duplicates").getAsLong(), o.toString());
      assertEquals(acked, o.get("committed").getAsLong(), o.toString());
      assertTrue(o.get("tps").getAsDouble() > 0, o.toString());
      // Latencies come from the WatchBlocks stream: present only if it reported the blocks.
      assertTrue(o.get("p50Ms").isJsonPrimitive(), o.toString());
      assertTrue(o.get("p99Ms").getAsDouble() >= o.get("p50Ms").getAsDouble(), o.toString());
      assertEquals(2, o.getAsJsonArray("memory").size(), "both nodes' memory: " + o);
      JsonObject mem = o.getAsJsonArray("memory").get(0).getAsJsonObject();
      assertTrue(mem.get("heapAfterGcEndBytes").getAsLong() > 0, mem.toString());
      assertTrue(mem.get("rssEndBytes").getAsLong() > 0, mem.toString());
      // These nodes run inside the test's JVM, so no node process's CPU is known; the client's is.
      assertEquals(0, o.getAsJsonArray("cpu").size(), o.toString());
      assertTrue(o.get("clientCpuMsPerTransfer").getAsDouble() > 0, o.toString());

      // Independently of the bench's own count: on each node's canonical chain, the transfers
      // signed by non-members (the bench's accounts) are exactly the acknowledged ones, once each.
      for (LearnchainNode n : nodes) {
        Set<Hash> seen = new HashSet<>();
        long benchTransfers = 0;
        long head = n.store().head().height();
        for (long h = 1; h <= head; h++) {
          Block b = n.store().canonicalBlock(h).orElseThrow();
          for (SignedTransaction tx : b.transactions()) {
            assertTrue(seen.add(tx.hash()), "transaction in two blocks: " + tx.hash());
            if (n.genesis().member(tx.sender()).isEmpty()) {
              benchTransfers++;
            }
          }
        }
        assertEquals(acked, benchTransfers, "bench transfers on node " + n.publicKey());
      }
    } finally {
      for (int i = nodes.size() - 1; i >= 0; i--) {
        nodes.get(i).stop();
      }
    }
  }

  @Test
  void badCommandLinesAreOneLineUsageErrors() {
    Run none = CliHarness.run(ENV, "bench", "tx", "--rate", "10", "--duration", "1");
    assertEquals(2, none.code());
    assertEquals(1, none.errLines().length, none.err());
    Run both =
        CliHarness.run(
            ENV,
            "bench",
            "tx",
            "--testnet",
            "--node",
            "127.0.0.1:1",
            "--rate",
            "10",
            "--duration",
            "1");
    assertEquals(2, both.code());
    Run rate =
        CliHarness.run(
            ENV,
            "bench",
            "tx",
            "--node",
            "127.0.0.1:1",
            "--key",
            "k",
            "--rate",
            "0",
            "--duration",
            "1");
    assertEquals(2, rate.code());
    assertEquals(1, rate.errLines().length, rate.err());
    Run batch =
        CliHarness.run(
            ENV,
            "bench",
            "tx",
            "--node",
            "127.0.0.1:1",
            "--key",
            "k",
            "--rate",
            "10",
            "--duration",
            "1",
            "--batch",
            "1001");
    assertEquals(2, batch.code());
    assertEquals(1, batch.errLines().length, batch.err());
  }

  private static LearnchainNode launch(Path dir, int i, MlRuntime ml) throws Exception {
    var prepared =
        NodeLauncher.prepare(dir.resolve("node" + i).resolve("config.toml"), Map.of(), null, ENV);
    assertTrue(prepared.isOk(), prepared.isOk() ? "" : prepared.error());
    NodeLauncher.Prepared p = prepared.value();
    LearnchainNode node =
        new LearnchainNode(
            p.config(),
            p.genesis(),
            p.key(),
            ml,
            new SimpleMeterRegistry(),
            p.token(),
            NodeOptions.production().withShutdownHook(false));
    node.start();
    return node;
  }
}

package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ml.MlRuntime;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.NodeOptions;
import org.learnchain.node.cli.CliHarness.Run;
import org.learnchain.node.cli.node.NodeLauncher;

/**
 * {@code testnet init} writes a working network: three nodes built from its files (config, genesis,
 * encrypted keys, tokens) the way {@code learnchain node} builds them find each other through their
 * bootnodes and produce blocks they all agree on; a stopped node restarts from its database.
 */
class TestnetTest {
  private static final Map<String, String> ENV = Map.of("LEARNCHAIN_PASSWORD", "testnet-pass");

  @Test
  void initWritesFilesWithTheDesignedPortsAndModes(@TempDir Path dir) throws Exception {
    Run r =
        CliHarness.run(
            ENV,
            "testnet",
            "init",
            "--nodes",
            "2",
            "--dir",
            dir.toString(),
            "--base-port",
            "41000",
            "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
    assertEquals(2, o.getAsJsonArray("nodes").size());
    JsonObject n1 = o.getAsJsonArray("nodes").get(1).getAsJsonObject();
    assertEquals("127.0.0.1:41010", n1.get("p2p").getAsString());
    assertEquals("127.0.0.1:41011", n1.get("grpc").getAsString());
    assertEquals("127.0.0.1:41012", n1.get("metrics").getAsString());
    assertTrue(Files.exists(dir.resolve("genesis.json")));
    for (String f : List.of("config.toml", "node.key", "api.token")) {
      assertTrue(Files.exists(dir.resolve("node1").resolve(f)), f);
    }
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir.resolve("node1").resolve("api.token"))));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir.resolve("node1").resolve("node.key"))));
    String toml = Files.readString(dir.resolve("node1").resolve("config.toml"));
    assertTrue(toml.contains("127.0.0.1:41000"), "node1 dials node0: " + toml);
    // The written files validate.
    assertEquals(
        0, CliHarness.run("config", "validate", dir.resolve("genesis.json").toString()).code());
    assertEquals(
        0,
        CliHarness.run("config", "validate", dir.resolve("node1").resolve("config.toml").toString())
            .code());
    // Never overwritten.
    Run again = CliHarness.run(ENV, "testnet", "init", "--nodes", "2", "--dir", dir.toString());
    assertEquals(1, again.code());
    assertTrue(again.err().contains("already exists"), again.err());
  }

  @Test
  void containerConfigsUseServiceNamesAndOnePortSet(@TempDir Path dir) throws Exception {
    Run r =
        CliHarness.run(
            ENV,
            "testnet",
            "init",
            "--nodes",
            "4",
            "--dir",
            dir.toString(),
            "--container-prefix",
            "node",
            "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject n2 =
        JsonParser.parseString(r.out().trim())
            .getAsJsonObject()
            .getAsJsonArray("nodes")
            .get(2)
            .getAsJsonObject();
    assertEquals("node2:30300", n2.get("p2p").getAsString());
    Path config = dir.resolve("node2").resolve("config.toml");
    String toml = Files.readString(config);
    assertTrue(toml.contains("\"node0:30300\""), toml);
    assertTrue(toml.contains("host = \"0.0.0.0\""), toml);
    assertTrue(toml.contains("advertised-host = \"node2\""), toml);
    assertEquals(0, CliHarness.run("config", "validate", config.toString()).code());
    Run bad =
        CliHarness.run(
            ENV,
            "testnet",
            "init",
            "--nodes",
            "2",
            "--dir",
            dir.resolve("x").toString(),
            "--container-prefix",
            "Bad Name");
    assertEquals(2, bad.code());
  }

  @Test
  void theNodeCommandRefusesBadSetupsWithOneLine(@TempDir Path dir) throws Exception {
    Run missing = CliHarness.run(ENV, "node", "--config", dir.resolve("none.toml").toString());
    assertEquals(1, missing.code());
    assertEquals(1, missing.errLines().length, missing.err());
    assertTrue(missing.err().contains("none.toml"), missing.err());
    assertEquals(
        0, CliHarness.run(ENV, "testnet", "init", "--nodes", "1", "--dir", dir.toString()).code());
    String config = dir.resolve("node0").resolve("config.toml").toString();
    Run wrongPassword =
        CliHarness.run(Map.of("LEARNCHAIN_PASSWORD", "not-it"), "node", "--config", config);
    assertEquals(1, wrongPassword.code());
    assertEquals(1, wrongPassword.errLines().length, wrongPassword.err());
    Files.delete(dir.resolve("node0").resolve("api.token"));
    Run noToken = CliHarness.run(ENV, "node", "--config", config);
    assertEquals(1, noToken.code());
    assertTrue(noToken.err().contains("no such API token file"), noToken.err());
    Run badBootnode = CliHarness.run(ENV, "node", "--config", config, "--bootnodes", "nohost");
    assertEquals(1, badBootnode.code());
    assertEquals(1, badBootnode.errLines().length, badBootnode.err());
    assertTrue(badBootnode.err().contains("HOST:PORT"), badBootnode.err());
  }

  @Test
  void missingPasswordIsAOneLineError(@TempDir Path dir) {
    Run r = CliHarness.run(Map.of(), "testnet", "init", "--nodes", "2", "--dir", dir.toString());
    assertEquals(1, r.code());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.err().contains("LEARNCHAIN_PASSWORD"), r.err());
  }

  @Test
  void threeNodesFromInitFilesProduceBlocksAndRestartFromDisk(@TempDir Path dir) throws Exception {
    int base = Ports.freeBase(3);
    Run r =
        CliHarness.run(
            ENV,
            "testnet",
            "init",
            "--nodes",
            "3",
            "--dir",
            dir.toString(),
            "--base-port",
            Integer.toString(base),
            "--round-ms",
            "2000,1000,1000,300");
    assertEquals(0, r.code(), r.err());
    MlRuntime ml = MlRuntime.start(1);
    List<LearnchainNode> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(launch(dir, i, ml));
      }
      assertTrue(
          waitFor(() -> nodes.stream().allMatch(n -> n.store().head().height() >= 3), 40_000),
          "every node reaches height 3");
      assertTrue(
          waitFor(
              () ->
                  nodes.stream().map(n -> n.store().head().hash()).distinct().count() == 1
                      && nodes.get(0).store().head().height() >= 3,
              20_000),
          "the nodes agree on one head");
      for (LearnchainNode n : nodes) {
        assertEquals(2, n.network().peers().size(), "full mesh through the bootnodes");
        assertEquals(n.store().head().header().stateRoot(), n.store().headState().root());
      }
    } finally {
      for (int i = nodes.size() - 1; i >= 0; i--) {
        nodes.get(i).stop();
      }
    }
    Block before = nodes.get(0).store().head();
    long height = before.height();
    Hash hash = before.hash();
    LearnchainNode again = launch(dir, 0, ml);
    try {
      assertEquals(height, again.store().head().height(), "restarted at its stored head");
      assertEquals(hash, again.store().head().hash());
    } finally {
      again.stop();
    }
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

  private static boolean waitFor(java.util.function.BooleanSupplier c, long ms)
      throws InterruptedException {
    long until = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < until) {
      if (c.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return c.getAsBoolean();
  }
}

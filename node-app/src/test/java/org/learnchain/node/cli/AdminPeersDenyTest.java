package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.learnchain.crypto.Keystore;
import org.learnchain.ml.MlRuntime;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.NodeOptions;
import org.learnchain.node.cli.CliHarness.Run;
import org.learnchain.node.cli.node.NodeLauncher;
import org.learnchain.node.support.Directories;

/**
 * The runtime peer deny list through the CLI, on two real nodes: {@code admin peers deny} drops the
 * session and keeps the peer out, {@code allow} lets it back in, and every bad input (no token,
 * malformed key, a stranger's key, the node's own key) gets one line and its exit code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminPeersDenyTest {
  private static final Map<String, String> ENV = Map.of("LEARNCHAIN_PASSWORD", "deny-test-pass");

  private Path dir;
  private final List<LearnchainNode> nodes = new ArrayList<>();
  private String grpc0;
  private Path token0;
  private String key0;
  private String key1;

  @BeforeAll
  void startTwoNodes() throws Exception {
    dir = Files.createTempDirectory("learnchain-deny-test");
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
            "2500,1500,1500,400");
    assertEquals(0, init.code(), init.err());
    MlRuntime ml = MlRuntime.start(1);
    for (int i = 0; i < 2; i++) {
      var p =
          NodeLauncher.prepare(dir.resolve("node" + i).resolve("config.toml"), Map.of(), null, ENV)
              .value();
      LearnchainNode n =
          new LearnchainNode(
              p.config(),
              p.genesis(),
              p.key(),
              ml,
              new SimpleMeterRegistry(),
              p.token(),
              NodeOptions.production().withShutdownHook(false));
      n.start();
      nodes.add(n);
    }
    grpc0 = "127.0.0.1:" + (base + 1);
    token0 = dir.resolve("node0").resolve("api.token");
    key0 = publicKey(0);
    key1 = publicKey(1);
  }

  private String publicKey(int i) throws Exception {
    Path f = dir.resolve("node" + i).resolve("node.key");
    return Keystore.peekPublicKey(Files.readAllBytes(f), f.toString()).toHex();
  }

  @AfterAll
  void stop() throws Exception {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).stop();
    }
    Directories.deleteRecursively(dir);
  }

  private Run admin(String... args) {
    List<String> a = new ArrayList<>(List.of("admin"));
    a.addAll(List.of(args));
    a.addAll(List.of("--node", grpc0, "--token-file", token0.toString()));
    return CliHarness.run(a.toArray(String[]::new));
  }

  private int peers() {
    Run r = CliHarness.run("admin", "peers", "--node", grpc0, "--json");
    assertEquals(0, r.code(), r.err());
    return JsonParser.parseString(r.out().trim()).getAsJsonArray().size();
  }

  private static void await(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(100);
    }
  }

  @Test
  void denyDropsThePeerAndKeepsItOutUntilAllowed() throws Exception {
    await("the two nodes connected", () -> peers() == 1);

    Run deny = admin("peers", "deny", key1, "--json");
    assertEquals(0, deny.code(), deny.err());
    JsonObject o = JsonParser.parseString(deny.out().trim()).getAsJsonObject();
    assertTrue(o.get("changed").getAsBoolean());
    JsonArray denied = o.getAsJsonArray("denied");
    assertEquals(1, denied.size());
    assertEquals(key1, denied.get(0).getAsString());
    await("the denied peer dropped", () -> peers() == 0);

    Run again = admin("peers", "deny", key1);
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("already denied"), again.out());
    Run list = admin("peers", "denied");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().contains(key1) && list.out().contains("1 denied peer(s)"), list.out());
    // Node 1 keeps dialling node 0; every attempt is refused at admission.
    Thread.sleep(1_500);
    assertEquals(0, peers(), "a denied member stays out while it is listed");

    Run allow = admin("peers", "allow", key1);
    assertEquals(0, allow.code(), allow.err());
    assertTrue(allow.out().contains("allowed") && allow.out().contains("0 denied peer(s)"));
    await("the allowed peer back", () -> peers() == 1);
  }

  @Test
  void blockWorkViewDecodesStoredBlocksAndRefusesMissingHeights() throws Exception {
    io.grpc.ManagedChannel ch =
        io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forTarget(grpc0)
            .usePlaintext()
            .build();
    try {
      var admin =
          org.learnchain.proto.admin.AdminServiceGrpc.newBlockingStub(ch)
              .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS);
      await(
          "a block above genesis",
          () -> {
            try {
              return admin
                      .getBlockWork(
                          org.learnchain.proto.admin.BlockWorkRequest.newBuilder()
                              .setHeight(1)
                              .build())
                      .getHeight()
                  == 1;
            } catch (io.grpc.StatusRuntimeException notYet) {
              return false;
            }
          });
      var w =
          admin.getBlockWork(
              org.learnchain.proto.admin.BlockWorkRequest.newBuilder().setHeight(1).build());
      assertEquals("idle", w.getKind(), "no problem was submitted");
      assertEquals(1, w.getRound());
      assertFalse(w.hasCertificate());
      assertEquals(32, w.getProposer().size());
      io.grpc.StatusRuntimeException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              io.grpc.StatusRuntimeException.class,
              () ->
                  admin.getBlockWork(
                      org.learnchain.proto.admin.BlockWorkRequest.newBuilder()
                          .setHeight(1_000_000)
                          .build()));
      assertEquals(io.grpc.Status.Code.NOT_FOUND, e.getStatus().getCode());
      // The deny list is token-guarded even over raw gRPC.
      io.grpc.StatusRuntimeException noToken =
          org.junit.jupiter.api.Assertions.assertThrows(
              io.grpc.StatusRuntimeException.class,
              () ->
                  admin.listDeniedPeers(
                      org.learnchain.proto.admin.DeniedPeersRequest.getDefaultInstance()));
      assertEquals(io.grpc.Status.Code.UNAUTHENTICATED, noToken.getStatus().getCode());
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void badInputGetsOneLineAndItsExitCode() {
    Run noToken = CliHarness.run("admin", "peers", "deny", key1, "--node", grpc0);
    assertEquals(1, noToken.code());
    assertTrue(noToken.err().contains("--token-file"), noToken.err());

    Run malformed = admin("peers", "deny", "abc");
    assertEquals(2, malformed.code());
    assertTrue(malformed.err().startsWith("error: KEY must be"), malformed.err());

    Run stranger = admin("peers", "deny", "11".repeat(32));
    assertEquals(1, stranger.code());
    assertTrue(stranger.err().contains("no genesis member"), stranger.err());

    Run self = admin("peers", "allow", key0);
    assertEquals(1, self.code());
    assertTrue(self.err().contains("own key"), self.err());

    Run wrongToken =
        CliHarness.run(
            "admin",
            "peers",
            "denied",
            "--node",
            grpc0,
            "--token-file",
            dir.resolve("node1").resolve("api.token").toString());
    assertEquals(1, wrongToken.code());
    assertTrue(wrongToken.err().contains("wrong API token"), wrongToken.err());
    for (Run r : List.of(noToken, malformed, stranger, self, wrongToken)) {
      assertFalse(r.err().strip().contains("\n"), "one line: " + r.err());
    }
  }
}

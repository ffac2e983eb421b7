package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.learnchain.consensus.evidence.EvidenceProof;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.Vote;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.Evidence;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ml.MlRuntime;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.NodeOptions;
import org.learnchain.node.cli.CliHarness.Run;
import org.learnchain.node.cli.common.Passwords;
import org.learnchain.node.cli.node.NodeLauncher;
import org.learnchain.node.support.Directories;
import org.learnchain.proto.api.AccountRequest;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.StatusRequest;
import org.learnchain.proto.api.SubmitTransactionRequest;

/**
 * Staking, delegation, rewards and a slash through two real nodes on loopback (RocksDB, Netty p2p,
 * DL4J, gRPC), driven through the CLI: every refusal is one line with the ledger's reason; stake,
 * delegate, a solved problem paying its winner, its delegator and the validators, undelegate and
 * unstake maturing after the unbonding delay, and an equivocating validator slashed by a
 * double-signed vote. Then every unit is accounted for: the accounts' balances, stakes, unbonding
 * and delegations plus the escrow equal genesis + minted - burned; {@code admin rewards} shows each
 * payment, and both nodes (one of which applied the blocks it did not propose) recorded the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StakingEndToEndTest {
  private static final Map<String, String> ENV = Map.of("LEARNCHAIN_PASSWORD", "staking-test");
  private static final int UNBONDING_DELAY = 3;
  private static final long SUBSIDY = 1_000;

  private Path dir;
  private final List<LearnchainNode> nodes = new ArrayList<>();
  private final String[] grpc = new String[2];
  private String holder;
  private String miner;

  @BeforeAll
  void startTwoNodes() throws Exception {
    dir = Files.createTempDirectory("learnchain-staking-test");
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
    // A short unbonding delay and a subsidy, so the test sees maturity and minting.
    Path genesisFile = dir.resolve("genesis.json");
    JsonObject g = JsonParser.parseString(Files.readString(genesisFile)).getAsJsonObject();
    g.addProperty("unbondingDelayRounds", UNBONDING_DELAY);
    g.getAsJsonObject("rewards").addProperty("subsidy", SUBSIDY);
    Files.writeString(genesisFile, g.toString());
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
      grpc[i] = "127.0.0.1:" + (base + 10 * i + 1);
    }
    holder = nodes.get(0).publicKey().address().toHex();
    miner = nodes.get(1).publicKey().address().toHex();
  }

  @AfterAll
  void stop() throws IOException {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).stop();
    }
    Directories.deleteRecursively(dir);
  }

  @Test
  void stakeDelegateRewardsUnbondAndSlashAccountForEveryUnit() throws Exception {
    // Refusals: one line each, with the ledger's reason.
    assertRefused("INSUFFICIENT_STAKE", tx("unstake", "--amount", "999999"));
    assertRefused("NOT_A_MINER", tx("delegate", "--miner", "00".repeat(20), "--amount", "5"));
    assertRefused("INSUFFICIENT_BALANCE", tx("stake", "--amount", "5000000000"));
    assertRefused("INSUFFICIENT_DELEGATION", tx("undelegate", "--miner", miner, "--amount", "1"));
    assertRefused("SELF_DELEGATION", txFrom(1, "delegate", "--miner", miner, "--amount", "5"));
    assertRefused("FEE_TOO_LOW", tx("stake", "--amount", "5", "--fee", "0"));
    Run zero = tx("stake", "--amount", "0");
    assertEquals(2, zero.code(), zero.err());
    Run badAddress = CliHarness.run("admin", "rewards", "xyz", "--node", grpc[0]);
    assertEquals(2, badAddress.code(), badAddress.err());
    assertEquals(1, badAddress.errLines().length, badAddress.err());
    ManagedChannel probe = NettyChannelBuilder.forTarget(grpc[0]).usePlaintext().build();
    try {
      var api = NodeServiceGrpc.newBlockingStub(probe);
      io.grpc.StatusRuntimeException tooMany =
          org.junit.jupiter.api.Assertions.assertThrows(
              io.grpc.StatusRuntimeException.class,
              () ->
                  api.getPayments(
                      org.learnchain.proto.api.PaymentsRequest.newBuilder()
                          .setAddress(ByteString.copyFrom(new byte[20]))
                          .setLimit(10_001)
                          .build()));
      assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, tooMany.getStatus().getCode());
      io.grpc.StatusRuntimeException shortAddress =
          org.junit.jupiter.api.Assertions.assertThrows(
              io.grpc.StatusRuntimeException.class,
              () ->
                  api.getPayments(
                      org.learnchain.proto.api.PaymentsRequest.newBuilder()
                          .setAddress(ByteString.copyFrom(new byte[3]))
                          .build()));
      assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, shortAddress.getStatus().getCode());
    } finally {
      probe.shutdownNow();
    }

    // Stake and delegate.
    assertEquals(0, tx("stake", "--amount", "5000").code());
    await("stake included", () -> account(0, holder).get("stake").getAsLong() == 15_000);
    Run delegate = tx("delegate", "--miner", miner, "--amount", "4000", "--json");
    assertEquals(0, delegate.code(), delegate.err());
    assertEquals("delegate", json(delegate).get("kind").getAsString());
    await(
        "delegation included",
        () -> account(0, holder).getAsJsonArray("delegationsOut").size() == 1);
    JsonObject minerAcc = account(0, miner);
    JsonObject backer = minerAcc.getAsJsonArray("delegationsIn").get(0).getAsJsonObject();
    assertEquals(holder, backer.get("delegator").getAsString());
    assertEquals(4_000, backer.get("amount").getAsLong());

    // A problem the miner solves pays the bounty, the subsidy, the delegator and the validators.
    Path train = dir.resolve("train.csv");
    Path test = dir.resolve("test.csv");
    List<String> lines = irisLines();
    Files.write(train, concat(lines.get(0), lines.subList(1, 121)));
    Files.write(test, concat(lines.get(0), lines.subList(121, lines.size())));
    Run submit =
        CliHarness.run(
            "problem",
            "submit",
            "--node",
            grpc[0],
            "--token-file",
            dir.resolve("node0").resolve("api.token").toString(),
            "--train",
            train.toString(),
            "--test",
            test.toString(),
            "--reward",
            "10000",
            "--json");
    assertEquals(0, submit.code(), submit.err());
    String id = json(submit).get("problemId").getAsString();
    Run watch = CliHarness.run("problem", "watch", id, "--node", grpc[0], "--json");
    assertEquals(0, watch.code(), watch.err());
    assertTrue(watch.out().contains("\"state\":\"solved\""), watch.out());
    long solvedAt =
        json(CliHarness.run("problem", "status", id, "--node", grpc[0], "--json"))
            .get("height")
            .getAsLong();
    JsonArray minerPay = rewards(0, miner, 0).getAsJsonArray("payments");
    assertTrue(has(minerPay, solvedAt, "bounty"), minerPay.toString());
    assertTrue(has(minerPay, solvedAt, "subsidy"), minerPay.toString());
    JsonArray holderPay = rewards(0, holder, solvedAt).getAsJsonArray("payments");
    assertTrue(has(holderPay, solvedAt, "delegator-share"), holderPay.toString());
    assertTrue(has(holderPay, solvedAt, "validator-share"), holderPay.toString());
    Run text = CliHarness.run("admin", "rewards", holder, "--node", grpc[0]);
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains("delegator-share"), text.out());
    assertTrue(text.out().contains("total: "), text.out());

    // Undelegate and unstake: unbonding with the height that frees it, then back in the balance.
    assertEquals(0, tx("undelegate", "--miner", miner, "--amount", "1000").code());
    assertEquals(0, tx("unstake", "--amount", "3000").code());
    await(
        "unbonding entries",
        () -> {
          JsonObject a = account(0, holder);
          return a.get("stake").getAsLong() == 12_000 && a.get("delegated").getAsLong() == 3_000;
        });
    JsonObject during = account(0, holder);
    assertEquals(12_000, during.get("stake").getAsLong());
    assertEquals(3_000, during.get("delegated").getAsLong());
    long frees = -1;
    for (JsonElement e : during.getAsJsonArray("unbondingEntries")) {
      frees = Math.max(frees, e.getAsJsonObject().get("releaseHeight").getAsLong());
    }
    if (during.get("unbonding").getAsLong() > 0) {
      long at = during.get("height").getAsLong();
      assertTrue(frees > at && frees <= at + UNBONDING_DELAY, during.toString());
      Run accountText = CliHarness.run("admin", "account", holder, "--node", grpc[0]);
      assertTrue(accountText.out().contains("frees at height"), accountText.out());
    }
    await("unbonding matured", () -> account(0, holder).get("unbonding").getAsLong() == 0);
    long unbonded = 0;
    for (JsonElement e : rewards(0, holder, 0).getAsJsonArray("payments")) {
      if (e.getAsJsonObject().get("kind").getAsString().equals("unbonded")) {
        unbonded += e.getAsJsonObject().get("amount").getAsLong();
      }
    }
    assertEquals(4_000, unbonded);

    // A validator that signs two prevotes for one height and round is slashed by the proof.
    PrivateKey offender =
        Passwords.unlock(dir.resolve("node1").resolve("node.key"), null, ENV).value();
    PrivateKey reporter =
        Passwords.unlock(dir.resolve("node0").resolve("node.key"), null, ENV).value();
    ChainDomains domains = new ChainDomains("learnchain-testnet");
    ManagedChannel ch = NettyChannelBuilder.forTarget(grpc[0]).usePlaintext().build();
    try {
      var node = NodeServiceGrpc.newBlockingStub(ch);
      long h = node.getStatus(StatusRequest.getDefaultInstance()).getHeight();
      Vote a =
          Vote.sign(domains, MessageType.PREVOTE, offender, h, 0, Hashing.sha256(new byte[] {1}));
      Vote b =
          Vote.sign(domains, MessageType.PREVOTE, offender, h, 0, Hashing.sha256(new byte[] {2}));
      byte[] proof = EvidenceProof.votes(a, b).orElseThrow();
      long nonce =
          node.getAccount(
                  AccountRequest.newBuilder()
                      .setAddress(ByteString.copyFrom(reporter.publicKey().address().toArray()))
                      .build())
              .getNextNonce();
      SignedTransaction evidence =
          SignedTransaction.sign(reporter, "learnchain-testnet", nonce, 1, new Evidence(proof));
      node.submitTransaction(
          SubmitTransactionRequest.newBuilder()
              .setTransaction(ByteString.copyFrom(evidence.encode()))
              .build());
    } finally {
      ch.shutdownNow();
      offender.destroy();
      reporter.destroy();
    }
    await("slash included", () -> account(0, miner).get("stake").getAsLong() == 5_000);
    long slashed = 0;
    for (JsonElement e : rewards(0, miner, 0).getAsJsonArray("payments")) {
      JsonObject p = e.getAsJsonObject();
      if (p.get("kind").getAsString().equals("slash")) {
        slashed -= p.get("amount").getAsLong();
      }
    }
    assertEquals(5_000, slashed, "the slash is shown as a debit of half the stake");

    // Every unit is accounted for, at one height, on both nodes.
    for (int n = 0; n < 2; n++) {
      final int node = n;
      await("a quiet height on node " + n, () -> supplyBalances(node));
    }
    // Both nodes recorded the same payments for the same canonical blocks.
    long common =
        Math.min(status(0).get("height").getAsLong(), status(1).get("height").getAsLong());
    for (String who : List.of(holder, miner)) {
      assertEquals(
          upTo(rewards(0, who, 0).getAsJsonArray("payments"), common),
          upTo(rewards(1, who, 0).getAsJsonArray("payments"), common),
          "payments of " + who);
    }
  }

  /**
   * Reads the supply figures and every account at one height; true when they balance, false when
   * the head moved while reading (retry); fails when they do not balance.
   */
  private boolean supplyBalances(int n) {
    JsonObject before = status(n);
    long height = before.get("supplyHeight").getAsLong();
    Set<Address> accounts = new HashSet<>();
    nodes.get(n).store().headState().forEachAccount((a, acc) -> accounts.add(a));
    long held = 0;
    for (Address a : accounts) {
      JsonObject acc = account(n, a.toHex());
      if (acc.get("height").getAsLong() != height) {
        return false;
      }
      held +=
          acc.get("balance").getAsLong()
              + acc.get("stake").getAsLong()
              + acc.get("unbonding").getAsLong()
              + acc.get("delegated").getAsLong();
    }
    JsonObject after = status(n);
    if (after.get("supplyHeight").getAsLong() != height) {
      return false;
    }
    long genesis = after.get("genesisSupply").getAsLong();
    long minted = after.get("minted").getAsLong();
    long burned = after.get("burned").getAsLong();
    long escrow = after.get("escrow").getAsLong();
    assertEquals(2 * (1_000_000_000L + 10_000L), genesis);
    assertTrue(minted >= SUBSIDY, "the solved round minted the subsidy: " + after);
    assertTrue(burned >= 5_000, "the slash was burned: " + after);
    assertEquals(genesis + minted, held + escrow + burned, "supply at height " + height);
    return true;
  }

  private static List<JsonElement> upTo(JsonArray payments, long height) {
    List<JsonElement> out = new ArrayList<>();
    for (JsonElement e : payments) {
      if (e.getAsJsonObject().get("height").getAsLong() <= height) {
        out.add(e);
      }
    }
    return out;
  }

  private static boolean has(JsonArray payments, long height, String kind) {
    for (JsonElement e : payments) {
      JsonObject p = e.getAsJsonObject();
      if (p.get("height").getAsLong() == height
          && p.get("kind").getAsString().equals(kind)
          && p.get("amount").getAsLong() > 0) {
        return true;
      }
    }
    return false;
  }

  private Run tx(String... args) {
    return txFrom(0, args);
  }

  private Run txFrom(int node, String... args) {
    List<String> all = new ArrayList<>(List.of("tx"));
    all.addAll(List.of(args));
    all.addAll(
        List.of(
            "--node",
            grpc[node],
            "--key",
            dir.resolve("node" + node).resolve("node.key").toString()));
    return CliHarness.run(ENV, all.toArray(String[]::new));
  }

  private static void assertRefused(String reason, Run r) {
    assertEquals(1, r.code(), r.out());
    String err = r.err().trim();
    assertFalse(err.contains("\n"), "one line: " + err);
    assertTrue(err.startsWith("error: ") && err.contains(reason), err);
  }

  private JsonObject account(int node, String address) {
    Run r = CliHarness.run("admin", "account", address, "--node", grpc[node], "--json");
    assertEquals(0, r.code(), r.err());
    return json(r);
  }

  private JsonObject rewards(int node, String address, long from) {
    Run r =
        CliHarness.run(
            "admin",
            "rewards",
            address,
            "--from",
            Long.toString(from),
            "--node",
            grpc[node],
            "--json");
    assertEquals(0, r.code(), r.err());
    return json(r);
  }

  private JsonObject status(int node) {
    Run r = CliHarness.run("admin", "status", "--node", grpc[node], "--json");
    assertEquals(0, r.code(), r.err());
    return json(r);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(200);
    }
    assertTrue(condition.getAsBoolean(), what);
  }

  private static JsonObject json(Run r) {
    JsonElement e = JsonParser.parseString(r.out().trim());
    assertFalse(e.isJsonNull(), r.out());
    return e.getAsJsonObject();
  }

  private static List<String> concat(String header, List<String> rows) {
    List<String> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    return all;
  }

  /** Iris from ml-engine's resources, rows shuffled with a fixed seed (the file is sorted). */
  private static List<String> irisLines() throws IOException {
    try (InputStream in = StakingEndToEndTest.class.getResourceAsStream("/datasets/iris.csv")) {
      List<String> lines =
          new ArrayList<>(
              List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
      String header = lines.remove(0);
      java.util.Collections.shuffle(lines, new java.util.Random(42));
      lines.add(0, header);
      return lines;
    }
  }
}

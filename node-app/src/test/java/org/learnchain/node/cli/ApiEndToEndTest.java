package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.learnchain.crypto.Hashing;
import org.learnchain.ml.MlRuntime;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.NodeOptions;
import org.learnchain.node.cli.CliHarness.Run;
import org.learnchain.node.cli.node.NodeLauncher;
import org.learnchain.node.support.Directories;

/**
 * Two real nodes on loopback (RocksDB, Netty p2p, DL4J, gRPC) built from {@code testnet init}
 * files, driven only through the CLI's API client verbs: a problem is submitted as CSV with the
 * token, followed live, solved by the other node, its model downloaded and its block re-verified; a
 * transfer is signed and included; every bad input gets its status and one line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiEndToEndTest {
  private static final Map<String, String> ENV = Map.of("LEARNCHAIN_PASSWORD", "api-test-pass");
  private static final long MAX_UPLOAD = 64 * 1024;

  private Path dir;
  private final List<LearnchainNode> nodes = new ArrayList<>();
  private String grpc0;
  private Path token0;
  private Path train;
  private Path test;

  @BeforeAll
  void startTwoNodes() throws Exception {
    dir = Files.createTempDirectory("learnchain-api-test");
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
              NodeOptions.production().withShutdownHook(false).withMaxUploadBytes(MAX_UPLOAD));
      n.start();
      nodes.add(n);
    }
    grpc0 = "127.0.0.1:" + (base + 1);
    token0 = dir.resolve("node0").resolve("api.token");
    List<String> lines = irisLines();
    train = write("train.csv", lines.get(0), lines.subList(1, 121));
    test = write("test.csv", lines.get(0), lines.subList(121, lines.size()));
  }

  @AfterAll
  void stop() throws IOException {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).stop();
    }
    Directories.deleteRecursively(dir);
  }

  @Test
  void statusGivesTheDesignedFields() {
    Run r = CliHarness.run("admin", "status", "--node", grpc0, "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject o = json(r);
    assertTrue(o.get("height").getAsLong() >= 0);
    assertEquals(64, o.get("headHash").getAsString().length());
    assertTrue(o.has("finalizedHeight"));
    assertTrue(o.has("peers"));
    assertEquals("learnchain-testnet", o.get("chainId").getAsString());
    Run text = CliHarness.run("admin", "status", "--node", grpc0);
    assertEquals(0, text.code());
    assertTrue(text.out().contains("finalized"), text.out());
  }

  @Test
  void aProblemGoesFromCsvToSolvedToDownloadedModelAndReverifiedBlock() throws Exception {
    Run submit =
        CliHarness.run(
            "problem",
            "submit",
            "--node",
            grpc0,
            "--token-file",
            token0.toString(),
            "--train",
            train.toString(),
            "--test",
            test.toString(),
            "--reward",
            "500",
            "--json");
    assertEquals(0, submit.code(), submit.err());
    JsonObject s = json(submit);
    String id = s.get("problemId").getAsString();
    assertEquals(64, id.length());
    assertEquals(120, s.get("trainSamples").getAsInt());
    assertEquals(30, s.get("testSamples").getAsInt());
    assertEquals(4, s.get("features").getAsInt());
    assertEquals(3, s.get("classes").getAsInt());

    // Watch follows the problem until it closes; the last event is final and solved.
    Run watch = CliHarness.run("problem", "watch", id, "--node", grpc0, "--json");
    assertEquals(0, watch.code(), watch.err());
    String[] events = watch.out().trim().split("\n");
    JsonObject last = JsonParser.parseString(events[events.length - 1]).getAsJsonObject();
    assertTrue(last.get("final").getAsBoolean());
    assertEquals("solved", last.get("state").getAsString(), watch.out());
    assertTrue(
        watch.out().contains("\"state\":\"training\""),
        "the watch saw the training phase live: " + watch.out());

    Run status = CliHarness.run("problem", "status", id, "--node", grpc0, "--json");
    assertEquals(0, status.code(), status.err());
    JsonObject st = json(status);
    assertEquals(id, st.get("problemId").getAsString());
    assertEquals("solved", st.get("state").getAsString());
    long height = st.get("height").getAsLong();
    String node1 = nodes.get(1).publicKey().address().toHex();
    assertEquals(node1, st.get("winner").getAsString(), "the only other miner won");
    assertTrue(st.get("score").getAsDouble() > 0.5, status.out());

    Path model = dir.resolve("model.zip");
    Run dl =
        CliHarness.run(
            "problem", "model", id, "--node", grpc0, "--out", model.toString(), "--json");
    assertEquals(0, dl.code(), dl.err());
    JsonObject m = json(dl);
    assertEquals(
        Hashing.sha256(Files.readAllBytes(model)).toHex(), m.get("modelHash").getAsString());
    Run again = CliHarness.run("problem", "model", id, "--node", grpc0, "--out", model.toString());
    assertEquals(1, again.code(), "an existing file is not overwritten");

    Run block = CliHarness.run("admin", "block", Long.toString(height), "--node", grpc0, "--json");
    assertEquals(0, block.code(), block.err());
    JsonObject b = json(block);
    for (String f :
        List.of(
            "height",
            "hash",
            "prevHash",
            "stateRoot",
            "problemId",
            "winner",
            "modelHash",
            "score",
            "txCount")) {
      assertTrue(b.has(f), f);
    }
    assertEquals(id, b.get("problemId").getAsString());
    assertEquals(m.get("modelHash").getAsString(), b.get("modelHash").getAsString());
    assertEquals(node1, b.get("winner").getAsString());

    Run verify =
        CliHarness.run(
            "admin",
            "verify-block",
            Long.toString(height),
            "--node",
            grpc0,
            "--token-file",
            token0.toString(),
            "--json");
    assertEquals(0, verify.code(), verify.err());
    assertTrue(json(verify).get("valid").getAsBoolean(), verify.out());
    // The re-run's headroom: a share of the tolerance, 0 when the outputs are bit-identical.
    double headroom = json(verify).get("headroom").getAsDouble();
    assertTrue(headroom >= 0 && headroom < 1, verify.out());
    Run noToken = CliHarness.run("admin", "verify-block", Long.toString(height), "--node", grpc0);
    assertEquals(1, noToken.code());
    assertTrue(noToken.err().contains("--token-file"), noToken.err());

    // The winning model predicts through the node: the test file as it is, labels left out.
    Run predict =
        CliHarness.run(
            "problem",
            "predict",
            id,
            "--input",
            test.toString(),
            "--label-column",
            "label",
            "--node",
            grpc0,
            "--token-file",
            token0.toString(),
            "--json");
    assertEquals(0, predict.code(), predict.err());
    JsonObject pr = json(predict);
    assertEquals(30, pr.getAsJsonArray("labels").size());
    JsonArray probs = pr.getAsJsonArray("probabilities").get(0).getAsJsonArray();
    assertEquals(3, probs.size());
    double sum = 0;
    for (JsonElement p : probs) {
      sum += p.getAsDouble();
    }
    assertEquals(1.0, sum, 1e-4, "class probabilities");
    assertEquals(m.get("modelHash").getAsString(), pr.get("modelHash").getAsString());
    Run badPredict =
        CliHarness.run(
            "problem",
            "predict",
            id,
            "--input",
            test.toString(),
            "--node",
            grpc0,
            "--token-file",
            token0.toString());
    assertEquals(1, badPredict.code());
    assertTrue(
        badPredict.err().contains("needs 4 feature columns, the file has 5"), badPredict.err());

    Run board = CliHarness.run("problem", "leaderboard", id, "--node", grpc0, "--json");
    assertEquals(0, board.code(), board.err());
    JsonObject lb = json(board);
    assertEquals("accuracy", lb.get("metric").getAsString());
    JsonObject first = lb.getAsJsonArray("entries").get(0).getAsJsonObject();
    assertEquals(node1, first.get("miner").getAsString());
    assertEquals(1, first.get("rank").getAsInt());
    assertTrue(first.get("winner").getAsBoolean());
    assertEquals(height, first.get("height").getAsLong());

    Run blocks =
        CliHarness.run(
            "admin", "blocks", "--node", grpc0, "--from", "0", "--count", "100", "--json");
    assertEquals(0, blocks.code(), blocks.err());
    JsonArray arr = JsonParser.parseString(blocks.out().trim()).getAsJsonArray();
    assertTrue(arr.size() > height);
    assertEquals("genesis", arr.get(0).getAsJsonObject().get("kind").getAsString());
    assertEquals("useful", arr.get((int) height).getAsJsonObject().get("kind").getAsString());
  }

  @Test
  void aRegressionProblemIsSolvedAndScoredByMeanSquaredError() throws Exception {
    // Petal width from the other three measurements: a real-valued target.
    List<String> lines = irisLines();
    List<String> rows = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] c = l.split(",");
      rows.add(c[0] + "," + c[1] + "," + c[2] + "," + c[3]);
    }
    Path rtrain = write("reg-train.csv", "sl,sw,pl,pw", rows.subList(0, 120));
    Path rtest = write("reg-test.csv", "sl,sw,pl,pw", rows.subList(120, rows.size()));
    Run submit =
        CliHarness.run(
            "problem",
            "submit",
            "--node",
            grpc0,
            "--token-file",
            token0.toString(),
            "--train",
            rtrain.toString(),
            "--test",
            rtest.toString(),
            "--task",
            "regression",
            "--reward",
            "400",
            "--json");
    assertEquals(0, submit.code(), submit.err());
    JsonObject s = json(submit);
    assertEquals("regression", s.get("task").getAsString());
    String id = s.get("problemId").getAsString();
    Run watch = CliHarness.run("problem", "watch", id, "--node", grpc0, "--json");
    assertEquals(0, watch.code(), watch.err());
    Run status = CliHarness.run("problem", "status", id, "--node", grpc0, "--json");
    JsonObject st = json(status);
    assertEquals("solved", st.get("state").getAsString(), status.out());
    // The certified score is the negated MSE; the mean alone predicts petal width to about 0.58.
    assertTrue(-st.get("score").getAsDouble() < 0.3, status.out());
    Run board = CliHarness.run("problem", "leaderboard", id, "--node", grpc0, "--json");
    assertEquals("neg_mse", json(board).get("metric").getAsString());
    Run predict =
        CliHarness.run(
            "problem",
            "predict",
            id,
            "--input",
            rtest.toString(),
            "--label-column",
            "pw",
            "--node",
            grpc0,
            "--token-file",
            token0.toString());
    assertEquals(0, predict.code(), predict.err());
    assertEquals(30, predict.out().trim().split("\n").length, predict.out());
  }

  @Test
  void anIdxUploadWithABadRecordNamesTheFileAndTheRecord() throws IOException {
    byte[] images = new byte[16 + 20 * 4];
    images[2] = 8;
    images[3] = 3;
    images[7] = 20;
    images[11] = 2;
    images[15] = 2;
    byte[] labels = new byte[8 + 19];
    labels[2] = 8;
    labels[3] = 1;
    labels[7] = 20; // declares 20 labels, holds 19
    Path im = Files.write(dir.resolve("bad-images.idx"), images);
    Path lb = Files.write(dir.resolve("bad-labels.idx"), labels);
    Run r =
        CliHarness.run(
            "problem",
            "submit",
            "--node",
            grpc0,
            "--token-file",
            token0.toString(),
            "--train",
            im.toString(),
            "--train-labels",
            lb.toString(),
            "--test",
            im.toString(),
            "--test-labels",
            lb.toString(),
            "--reward",
            "300");
    assertEquals(1, r.code());
    assertTrue(
        r.err().contains("training files: train-labels.idx: the header declares 20 labels"),
        r.err());
  }

  @Test
  void aSignedTransferIsIncluded() throws Exception {
    String to = nodes.get(1).publicKey().address().toHex();
    String from = nodes.get(0).publicKey().address().toHex();
    long before = balance(to);
    Run tx =
        CliHarness.run(
            ENV,
            "tx",
            "transfer",
            "--node",
            grpc0,
            "--key",
            dir.resolve("node0").resolve("node.key").toString(),
            "--to",
            to,
            "--amount",
            "777",
            "--json");
    assertEquals(0, tx.code(), tx.err());
    assertEquals(64, json(tx).get("txHash").getAsString().length());
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline && balance(to) < before + 777) {
      Thread.sleep(100);
    }
    assertTrue(balance(to) >= before + 777, "the transfer was included");
    Run acc = CliHarness.run("admin", "account", from, "--node", grpc0, "--json");
    assertTrue(json(acc).get("nonce").getAsLong() >= 1);
  }

  @Test
  void aWrongTokenIsRefused() throws IOException {
    Path wrong =
        TestFiles.privateFile(dir.resolve("wrong.token"), "0123456789abcdef0123456789abcdef");
    Run r =
        CliHarness.run(
            "problem",
            "submit",
            "--node",
            grpc0,
            "--token-file",
            wrong.toString(),
            "--train",
            train.toString(),
            "--test",
            test.toString(),
            "--reward",
            "500");
    assertEquals(1, r.code());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.err().contains("unauthenticated: wrong API token"), r.err());
  }

  @Test
  void anOversizedUploadIsRefused() throws IOException {
    StringBuilder big = new StringBuilder("a,b,c,d,label\n");
    while (big.length() <= MAX_UPLOAD) {
      big.append("1.5,2.5,3.5,4.5,1\n");
    }
    Path large = dir.resolve("large.csv");
    Files.writeString(large, big);
    Run r =
        CliHarness.run(
            "problem",
            "submit",
            "--node",
            grpc0,
            "--token-file",
            token0.toString(),
            "--train",
            large.toString(),
            "--test",
            test.toString(),
            "--reward",
            "500");
    assertEquals(1, r.code());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.err().contains("resource_exhausted"), r.err());
    assertTrue(r.err().contains("exceeds this node's limit"), r.err());
  }

  @Test
  void aMalformedCsvIsRefusedWithItsLineNumber() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(train));
    lines.set(4, "5.0,abc,1.4,0.2,0");
    Path bad = dir.resolve("bad.csv");
    Files.write(bad, lines);
    Run r =
        CliHarness.run(
            "problem",
            "submit",
            "--node",
            grpc0,
            "--token-file",
            token0.toString(),
            "--train",
            bad.toString(),
            "--test",
            test.toString(),
            "--reward",
            "500");
    assertEquals(1, r.code());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.err().contains("invalid_argument"), r.err());
    assertTrue(r.err().contains("line 5"), r.err());
  }

  @Test
  void peersRoundAndBadInputsAnswerWithOneLine() {
    Run peers = CliHarness.run("admin", "peers", "--node", grpc0, "--json");
    assertEquals(0, peers.code(), peers.err());
    JsonArray p = JsonParser.parseString(peers.out().trim()).getAsJsonArray();
    assertEquals(1, p.size());
    assertEquals(
        nodes.get(1).publicKey().address().toHex(),
        p.get(0).getAsJsonObject().get("address").getAsString());
    Run round = CliHarness.run("admin", "round", "--node", grpc0, "--json");
    assertEquals(0, round.code(), round.err());
    assertTrue(json(round).has("phase"));

    Run missing = CliHarness.run("admin", "block", "999999", "--node", grpc0);
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("not_found"), missing.err());
    Run badAddress = CliHarness.run("admin", "account", "xyz", "--node", grpc0);
    assertEquals(2, badAddress.code());
    Run unknownProblem = CliHarness.run("problem", "status", "ab".repeat(32), "--node", grpc0);
    assertEquals(1, unknownProblem.code());
    assertTrue(unknownProblem.err().contains("not_found"), unknownProblem.err());
    Run unreachable = CliHarness.run("admin", "status", "--node", "127.0.0.1:1", "--timeout", "2");
    assertEquals(1, unreachable.code());
    assertEquals(1, unreachable.errLines().length, unreachable.err());
    assertTrue(unreachable.err().contains("cannot reach a node"), unreachable.err());
  }

  @Test
  void serverReflectionListsTheServices() throws Exception {
    ManagedChannel ch = NettyChannelBuilder.forTarget(grpc0).usePlaintext().build();
    try {
      List<String> names = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(1);
      StreamObserver<ServerReflectionRequest> req =
          ServerReflectionGrpc.newStub(ch)
              .serverReflectionInfo(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                      for (ServiceResponse s : r.getListServicesResponse().getServiceList()) {
                        names.add(s.getName());
                      }
                    }

                    @Override
                    public void onError(Throwable t) {
                      done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                      done.countDown();
                    }
                  });
      req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
      req.onCompleted();
      assertTrue(done.await(10, TimeUnit.SECONDS));
      assertTrue(names.contains("learnchain.api.v1.NodeService"), names.toString());
      assertTrue(names.contains("learnchain.api.v1.ProblemService"), names.toString());
    } finally {
      ch.shutdownNow();
    }
  }

  private long balance(String address) {
    Run r = CliHarness.run("admin", "account", address, "--node", grpc0, "--json");
    assertEquals(0, r.code(), r.err());
    return json(r).get("balance").getAsLong();
  }

  private static JsonObject json(Run r) {
    JsonElement e = JsonParser.parseString(r.out().trim());
    assertFalse(e.isJsonNull(), r.out());
    return e.getAsJsonObject();
  }

  private Path write(String name, String header, List<String> rows) throws IOException {
    List<String> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    return Files.write(dir.resolve(name), all);
  }

  /** Iris from ml-engine's resources, rows shuffled with a fixed seed (the file is sorted). */
  private static List<String> irisLines() throws IOException {
    try (InputStream in = ApiEndToEndTest.class.getResourceAsStream("/datasets/iris.csv")) {
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

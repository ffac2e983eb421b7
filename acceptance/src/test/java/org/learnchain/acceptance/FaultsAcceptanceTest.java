package org.learnchain.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.learnchain.proto.admin.BlockWorkReply;
import org.learnchain.proto.admin.BlockWorkRequest;
import org.learnchain.proto.api.BlockView;
import org.learnchain.proto.api.ProblemReply;
import org.learnchain.proto.api.RoundReply;
import org.learnchain.proto.api.VerifyBlockReply;
import org.learnchain.proto.api.VerifyBlockRequest;

/**
 * The faults against one five-member testnet of separate processes (validators 0-3 from the start,
 * node 4, a non-validating miner, joining late), in sequence, with the invariants checked after
 * each. Sharing the testnet saves four JVM and DL4J start-ups per fault. Every node is back at the
 * head within 20 s of its API answering again; while one of the four validators is down the other
 * three (more than two thirds) keep committing, and a 2/2 split commits nothing.
 *
 * <p>Rounds are short (training 6 s, evaluation 4 s, award 3 s, idle blocks 2 s) and the problems
 * are iris (120 training rows, 30 test rows), so a useful-work round takes about 13 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsAcceptanceTest {
  static final Duration BACK_AT_HEAD = Duration.ofSeconds(20);

  /** Generous bounds for what the machine's load decides (start-up, a whole round). */
  static final Duration START = Duration.ofSeconds(150);

  static final Duration ROUND = Duration.ofSeconds(90);

  @RegisterExtension final NodeLogs logs = new NodeLogs();

  private Cluster cluster;
  private byte[] train;
  private byte[] test;
  private final List<String> figures = new ArrayList<>();

  @BeforeAll
  void startTestnet() throws Exception {
    Path logDir = logs.open(getClass().getSimpleName());
    splitIris();
    Path net = logDir.resolve("testnet");
    // The previous run's testnet stays for inspection until the next run starts.
    deleteRecursively(net);
    // Four validators; node 4, the late joiner, is a miner and submitter that follows the chain.
    cluster = Cluster.init(net, 5, 4, "6000,4000,3000,2000", logs);
    try {
      Duration up =
          cluster.start(START, cluster.node(0), cluster.node(1), cluster.node(2), cluster.node(3));
      figure("start of four nodes until every API answers", up);
      cluster.allAtSameHead(ROUND);
      Cluster.reachesHeight(cluster.node(0), 2, ROUND);
    } catch (AssertionError | IOException e) {
      // No test has started, so the watcher would not print the logs.
      logs.printTails("testnet start-up");
      throw e;
    }
  }

  @AfterAll
  void stopTestnet() {
    if (cluster != null) {
      cluster.close();
    }
    System.out.println("acceptance figures: " + String.join("; ", figures));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private void figure(String what, Duration d) {
    figures.add(what + " " + d.toMillis() + " ms");
  }

  /** The shared iris dataset, split 4:1 (every fifth row is a test row; classes stay balanced). */
  private void splitIris() throws IOException {
    // The copy the project ships (ml-engine's resources), so a lone clone runs this suite.
    Path iris =
        Cluster.root().resolve("ml-engine/src/main/resources/datasets/iris.csv").normalize();
    List<String> lines = Files.readAllLines(iris, StandardCharsets.UTF_8);
    StringBuilder tr = new StringBuilder(lines.get(0)).append('\n');
    StringBuilder te = new StringBuilder(lines.get(0)).append('\n');
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      (i % 5 == 0 ? te : tr).append(lines.get(i)).append('\n');
    }
    train = tr.toString().getBytes(StandardCharsets.UTF_8);
    test = te.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void begin(TestInfo info) {
    logs.mark(info.getDisplayName());
  }

  /**
   * Restarts a killed node and waits until it is back at the head. {@code heightAtKill} is the
   * height its API last reported: the node must reopen its RocksDB with at least that chain (a
   * SIGKILL loses nothing acknowledged), which its consensus logs at start before any sync.
   */
  private void restartAndCatchUp(NodeProcess n, long heightAtKill, String what) throws IOException {
    n.start();
    Duration d = cluster.backAtHead(n, BACK_AT_HEAD);
    figure(what + ": " + n + " back at head after its API answered", d);
    long reopened = startHeight(n);
    assertTrue(
        reopened >= heightAtKill,
        n + " restarted from its database at height " + reopened + ", had " + heightAtKill);
  }

  /** The head height the node's consensus last started from, as its log says. */
  private long startHeight(NodeProcess n) throws IOException {
    List<String> lines = Files.readAllLines(logs.fileOf(n.index), StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      java.util.regex.Matcher m = CONSENSUS_STARTED.matcher(lines.get(i));
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    throw new AssertionError(n + "'s log has no consensus start line");
  }

  private static final java.util.regex.Pattern CONSENSUS_STARTED =
      java.util.regex.Pattern.compile("Consensus started .* committed=(\\d+)");

  @Test
  @Order(1)
  void minerKilledWhileTrainingTheOthersWinThenItRestartsFromItsDatabase(TestInfo info)
      throws Exception {
    begin(info);
    NodeProcess submitter = cluster.node(0);
    NodeProcess miner = cluster.node(1);
    String p = cluster.submitProblem(submitter, train, test, 1_000);
    Cluster.roundPhase(submitter, p, "training", r -> true, ROUND);
    long height = miner.height();
    miner.kill();
    cluster.someTransfers(2);
    ProblemReply solved = Cluster.problemState(submitter, p, "solved", ROUND);
    assertNotEquals(
        miner.address,
        Cluster.HEX.formatHex(solved.getWinner().toByteArray()),
        "a miner killed during training cannot win");
    restartAndCatchUp(miner, height, "miner killed in training");
    Invariants.check(cluster, ROUND);
  }

  @Test
  @Order(2)
  void lateNodeSyncsFromGenesisAndReverifiesEveryBlockRerunningInference(TestInfo info)
      throws Exception {
    begin(info);
    NodeProcess late = cluster.node(4);
    NodeProcess ref = cluster.node(0);
    // A committed useful-work block (every block on the chain is committed, hence final).
    long[] usefulBefore = new long[1];
    Await.until(
        "a final useful-work block on " + ref,
        ROUND,
        () -> {
          long fin = ref.status().map(s -> s.getFinalizedHeight()).orElse(0L);
          usefulBefore[0] =
              Cluster.chain(ref, fin).stream().filter(b -> b.getKind().equals("useful")).count();
          return usefulBefore[0] >= 1;
        },
        cluster::heads);
    late.start();
    Duration d = cluster.backAtHead(late, BACK_AT_HEAD);
    figure("late node synced from genesis after its API answered", d);
    // Its consensus verified every useful block it imported, re-running the model on the test
    // inputs: the verification timer counts one sample per model re-run.
    OptionalDouble verified = late.metric("ml_verification_seconds_count");
    assertTrue(verified.isPresent(), "ml_verification_seconds_count exported");
    assertTrue(
        verified.getAsDouble() >= usefulBefore[0],
        "the late node re-ran inference for each of the "
            + usefulBefore[0]
            + " useful blocks, counted "
            + verified.getAsDouble());
    // And the audit call re-runs every useful block's model on demand.
    for (BlockView b : Cluster.chain(late, late.height())) {
      if (b.getKind().equals("useful")) {
        VerifyBlockReply v =
            late.tokenApi()
                .verifyBlock(VerifyBlockRequest.newBuilder().setHeight(b.getHeight()).build());
        assertTrue(v.getValid(), "block " + b.getHeight() + " re-verifies: " + v.getReason());
      }
    }
    cluster.someTransfers(2);
    Invariants.check(cluster, ROUND);
  }

  @Test
  @Order(3)
  void submitterKilledAfterTheTestRevealTheRoundClosesAsWasted(TestInfo info) throws Exception {
    begin(info);
    NodeProcess submitter = cluster.node(1);
    NodeProcess observer = cluster.node(0);
    String p = cluster.submitProblem(submitter, train, test, 1_000);
    // Between the test reveal and the certificate: the labels are still secret.
    Cluster.roundPhase(
        submitter, p, "evaluating", r -> r.getTestRevealed() && !r.getLabelsRevealed(), ROUND);
    long height = submitter.height();
    submitter.kill();
    cluster.someTransfers(2);
    ProblemReply wasted = Cluster.problemState(observer, p, "wasted", ROUND);
    BlockView closing = Cluster.block(observer, wasted.getClosedHeight());
    assertEquals("wasted", closing.getKind(), "the round closed without a winner");
    restartAndCatchUp(submitter, height, "submitter killed after reveal");
    Invariants.check(cluster, ROUND);
  }

  @Test
  @Order(4)
  void winnerKilledBeforeItPublishesTheNextRankedMinerWinsWithTheNextAttempt(TestInfo info)
      throws Exception {
    begin(info);
    NodeProcess submitter = cluster.node(2);
    List<NodeProcess> miners = cluster.liveExcept(submitter);
    String p = cluster.submitProblem(submitter, train, test, 1_000);
    // Every miner has sent its predictions; the certificate comes at the evaluation deadline and
    // the winner builds its block the moment it arrives. To kill the winner before it can publish,
    // the miners are frozen (SIGSTOP) before the certificate exists, the winner is read from the
    // submitter's API once certified, killed, and the others thawed.
    Cluster.roundPhase(
        submitter,
        p,
        "evaluating",
        // Enough left of the phase to freeze everyone before the deadline; wait for every
        // committed miner's predictions unless the deadline is near.
        r ->
            r.getPredictions() >= 2
                && r.getTimeLeftMs() > 700
                && (r.getPredictions() == r.getCommits() || r.getTimeLeftMs() < 1500),
        ROUND);
    java.util.Map<NodeProcess, Long> heights = new java.util.HashMap<>();
    for (NodeProcess m : miners) {
      heights.put(m, m.height());
    }
    for (NodeProcess m : miners) {
      m.pause();
    }
    RoundReply certified;
    NodeProcess winner;
    try {
      assertTrue(
          Cluster.round(submitter).getWinner().isEmpty(),
          "the miners were frozen before the certificate (the machine was too slow to catch the"
              + " evaluation phase)");
      certified =
          Cluster.roundPhase(submitter, p, "awarding", r -> !r.getWinner().isEmpty(), ROUND);
      winner =
          cluster
              .byAddress(certified.getWinner())
              .orElseThrow(() -> new AssertionError("winner is no node"));
      // Still frozen: it has not run an instruction since before the certificate was sent.
      winner.kill();
    } finally {
      // Never leave the network frozen, whatever happened.
      for (NodeProcess m : miners) {
        if (m.isPaused()) {
          m.resume();
        }
      }
    }
    assertTrue(certified.getPredictions() >= 2, "a next-ranked miner exists");
    ProblemReply solved = Cluster.problemState(submitter, p, "solved", ROUND);
    assertNotEquals(
        certified.getWinner(), solved.getWinner(), "the killed winner did not produce the block");
    BlockWorkReply work =
        submitter
            .admin()
            .getBlockWork(BlockWorkRequest.newBuilder().setHeight(solved.getHeight()).build());
    assertEquals(1, work.getAttempt(), "consensus round 1 was the next-ranked miner's");
    assertEquals(0, work.getCertificate().getAttempt(), "one certificate orders the proposers");
    ByteString winnerKey = ByteString.copyFrom(Cluster.HEX.parseHex(winner.publicKey));
    assertEquals(winnerKey, work.getCertificate().getRanking(0), "the killed one ranked first");
    NodeProcess won =
        cluster
            .byAddress(solved.getWinner())
            .orElseThrow(() -> new AssertionError("the solved problem's winner is no node"));
    assertEquals(
        Cluster.HEX.formatHex(work.getCertificate().getRanking(1).toByteArray()),
        won.publicKey,
        "the next-ranked miner won");
    String built = "Proposing useful-work block height=" + solved.getHeight() + " round=0";
    assertTrue(
        Files.readAllLines(logs.fileOf(winner.index), StandardCharsets.UTF_8).stream()
            .noneMatch(l -> l.contains(built)),
        "the killed winner never built its attempt-0 block");
    restartAndCatchUp(winner, heights.get(winner), "winner killed before publishing");
    Invariants.check(cluster, ROUND);
  }

  @Test
  @Order(5)
  void validatorKilledTheOthersKeepMakingBlocks(TestInfo info) throws Exception {
    begin(info);
    NodeProcess validator = cluster.node(3);
    long height = validator.height();
    validator.kill();
    // Five blocks cover every validator's turn once, the dead one's included.
    Duration d = cluster.othersMakeBlocks(validator, 5, ROUND);
    figure("5 blocks with a validator down", d);
    cluster.someTransfers(2);
    restartAndCatchUp(validator, height, "validator killed");
    Invariants.check(cluster, ROUND);
  }

  @Test
  @Order(6)
  void nodePausedTenSecondsResumesAndCatchesUp(TestInfo info) throws Exception {
    begin(info);
    // Node 4 if the late-join scenario started it (so a failure there does not hide this one).
    NodeProcess frozen = cluster.node(4).isRunning() ? cluster.node(4) : cluster.node(3);
    long startHeight = cluster.maxHeight(cluster.live());
    frozen.pause();
    long pausedAt = System.nanoTime();
    try {
      Await.until(
          "10 s of pause, the others making blocks meanwhile",
          ROUND,
          () ->
              System.nanoTime() - pausedAt >= Duration.ofSeconds(10).toNanos()
                  && cluster.maxHeight(cluster.liveExcept(frozen)) >= startHeight + 2,
          cluster::heads);
      cluster.someTransfers(2);
    } finally {
      frozen.resume();
    }
    Duration d = cluster.backAtHead(frozen, BACK_AT_HEAD);
    figure("paused node back at head after SIGCONT", d);
    Invariants.check(cluster, ROUND);
  }

  @Test
  @Order(7)
  void isolatedNodeRejoinsAfterTheNetworkHeals(TestInfo info) throws Exception {
    begin(info);
    NodeProcess x = cluster.node(2);
    cluster.isolate(x);
    Await.until(
        x + " isolated at the p2p layer",
        ROUND,
        () ->
            Cluster.peerKeys(x).isEmpty()
                && cluster.liveExcept(x).stream()
                    .noneMatch(n -> Cluster.peerKeys(n).contains(x.publicKey)),
        cluster::heads);
    // A transfer the isolated node acknowledges cannot be committed while it is alone (one
    // validator of four); once healed it must land in exactly one block (the invariants below).
    long isolatedHeight = x.height();
    String stranded = cluster.transfer(x, x, cluster.node(0), 5);
    Duration d = cluster.othersMakeBlocks(x, 3, ROUND);
    figure("3 blocks with a node isolated", d);
    assertEquals(isolatedHeight, x.height(), "alone, the isolated validator committed nothing");
    cluster.someTransfers(2);
    assertFalse(
        Cluster.peerKeys(x).stream().findAny().isPresent(), "the isolated node stayed alone");
    cluster.heal(x);
    Duration back = cluster.backAtHead(x, BACK_AT_HEAD);
    figure("isolated node back at head after heal", back);
    Invariants.check(cluster, ROUND);
    assertTrue(cluster.acknowledged().contains(stranded));
  }

  @Test
  @Order(8)
  void twoTwoPartitionCommitsNothingForksNothingAndResumesWhenHealed(TestInfo info)
      throws Exception {
    begin(info);
    List<NodeProcess> left = List.of(cluster.node(0), cluster.node(1));
    List<NodeProcess> right = new ArrayList<>(List.of(cluster.node(2), cluster.node(3)));
    if (cluster.node(4).isRunning()) {
      right.add(cluster.node(4));
    }
    cluster.partition(left, right);
    Await.until(
        "the two halves disconnected",
        ROUND,
        () ->
            left.stream()
                .allMatch(
                    l -> right.stream().noneMatch(r -> Cluster.peerKeys(l).contains(r.publicKey))),
        cluster::heads);
    // Let anything already in flight land, then watch for twice the time an idle block takes.
    Thread.sleep(3_000);
    java.util.Map<NodeProcess, Long> before = new java.util.HashMap<>();
    for (NodeProcess n : cluster.live()) {
      before.put(n, n.height());
    }
    Thread.sleep(12_000);
    for (NodeProcess n : cluster.live()) {
      assertEquals(before.get(n), n.height(), n + ": two validators of four committed something");
    }
    cluster.heal(left, right);
    long top = before.values().stream().mapToLong(Long::longValue).max().orElse(0);
    Duration back = cluster.othersMakeBlocks(null, 2, ROUND);
    figure("2 blocks after a 2/2 partition healed", back);
    for (NodeProcess n : cluster.live()) {
      Cluster.reachesHeight(n, top + 1, ROUND);
    }
    Invariants.check(cluster, ROUND);
  }

  /**
   * Restart safety across a process crash: with two of the four validators frozen no height can
   * commit, so the other two keep voting at one height. One of them is SIGKILLed after it has
   * surely voted there; restarted, it must send again the votes its journal holds for that height
   * (and sign nothing else), and the network must go on once everyone is back.
   */
  @Test
  @Order(9)
  void restartedValidatorResendsItsJournaledVotes(TestInfo info) throws Exception {
    begin(info);
    NodeProcess a = cluster.node(0);
    NodeProcess b = cluster.node(1);
    NodeProcess v = cluster.node(3);
    long stuck;
    a.pause();
    b.pause();
    try {
      // Two validators of four cannot commit: the height is stuck, and v votes at it (its propose
      // timeout is a few seconds; it has prevoted and precommitted nil well within 12 s).
      Thread.sleep(12_000);
      stuck = v.height() + 1;
      v.kill();
      v.start();
      Await.until(v + "'s API to answer", Duration.ofSeconds(120), v::apiAnswers);
      String resent = "Re-sending a message signed before restart height=" + stuck + " ";
      Await.until(
          v + " re-sent its votes of height " + stuck,
          ROUND,
          () -> {
            try {
              return Files.readAllLines(logs.fileOf(v.index), StandardCharsets.UTF_8).stream()
                  .anyMatch(l -> l.contains(resent));
            } catch (IOException e) {
              return false;
            }
          },
          cluster::heads);
    } finally {
      a.resume();
      b.resume();
    }
    Cluster.reachesHeight(v, stuck, ROUND);
    Duration back = cluster.backAtHead(v, BACK_AT_HEAD);
    figure("validator restarted mid-height back at head", back);
    Invariants.check(cluster, ROUND);
  }
}

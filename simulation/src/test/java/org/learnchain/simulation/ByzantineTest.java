package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.learnchain.consensus.message.MisconductReport;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.JournalSlot;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.ProblemStatus;

/**
 * The Byzantine scenarios on four nodes (one Byzantine), each ending with every honest node
 * holding the same blocks and state roots.
 */
class ByzantineTest {
  private static final long STAKE = 10_000;
  private static final long BOUNTY = 999;

  private final AtomicReference<Cluster> ref = new AtomicReference<>();

  private Cluster build(Cluster.Builder b) {
    Cluster c = b.nodes(4).stake(STAKE).build();
    ref.set(c);
    c.start();
    return c;
  }

  private static Optional<PendingProblem> problem(SimNode n, Hash id) {
    return n.headState().problem(id);
  }

  private static boolean closed(Cluster c, Hash id, IntPredicate honest) {
    return c.nodes().stream()
        .filter(n -> honest.test(n.index()))
        .allMatch(n -> problem(n, id).map(p -> p.status() != ProblemStatus.PENDING).orElse(false));
  }

  private static void runUntilClosed(Cluster c, Hash id, IntPredicate honest) {
    assertTrue(
        c.runUntil(() -> closed(c, id, honest), c.clock().nowMs() + 60_000),
        "problem closed on every honest node");
    c.runFor(3_000);
  }

  /** The canonical block that closed problem {@code id} on node {@code n}. */
  private static Block closingBlock(SimNode n, Hash id) {
    long h = problem(n, id).orElseThrow().closedHeight();
    return n.chain().block(n.chain().canonicalHash(h).orElseThrow()).orElseThrow();
  }

  private static WorkSection.Useful work(Block b) {
    return (WorkSection.Useful) WorkSection.decode(b.work()).value();
  }

  private PublicKey key(int i) {
    return ref.get().node(i).key().publicKey();
  }

  private static long stake(SimNode n, PublicKey k) {
    return n.headState().account(k.address()).stake();
  }

  private static boolean reported(SimNode n, MisconductReport.Reason reason) {
    return n.recorder().misconduct().stream().anyMatch(r -> r.reason() == reason);
  }

  @Test
  void submitterSigningTwoCertificatesIsSlashedAndTheTrueWinnerWins() {
    Cluster c =
        build(
            Cluster.builder()
                .seed(21)
                .interceptors(
                    i -> i == 0 ? Strategies.doubleCertificate(ref, 0) : GossipInterceptor.HONEST));
    Hash p = ClusterChecks.paperProblem(c, 0, BOUNTY);
    runUntilClosed(c, p, i -> i != 0);
    Block b = closingBlock(c.node(1), p);
    WinnerCertificate cert = work(b).certificate();
    assertEquals(0, b.header().attempt());
    assertEquals(cert.ranking().get(0).miner(), b.header().proposer(), "the best miner won");
    assertTrue(
        c.runUntil(() -> stake(c.node(1), key(0)) < STAKE, c.clock().nowMs() + 20_000),
        "the double-signing submitter is slashed");
    c.runFor(2_000);
    assertEquals(STAKE / 2, stake(c.node(1), key(0)));
    assertFalse(c.node(1).recorder().evidence().isEmpty());
    assertTrue(reported(c.node(2), MisconductReport.Reason.EQUIVOCATION));
    ClusterChecks.assertConsistent(c, i -> i != 0);
  }

  @Test
  void submitterMiningItsOwnProblemIsIgnored() {
    Cluster c =
        build(
            Cluster.builder()
                .seed(22)
                .interceptors(
                    i -> i == 0 ? Strategies.minesOwnProblem(ref, 0) : GossipInterceptor.HONEST));
    Hash p = ClusterChecks.paperProblem(c, 0, BOUNTY);
    runUntilClosed(c, p, i -> true);
    Block b = closingBlock(c.node(1), p);
    assertEquals(ProblemStatus.SOLVED, problem(c.node(1), p).orElseThrow().status());
    assertNotEquals(key(0), b.header().proposer());
    assertTrue(
        work(b).certificate().ranking().stream().noneMatch(e -> e.miner().equals(key(0))),
        "the submitter is not ranked on its own problem");
    for (int i = 1; i < 4; i++) {
      assertTrue(reported(c.node(i), MisconductReport.Reason.SELF_MINING), "node " + i);
    }
    ClusterChecks.assertConsistent(c, i -> true);
  }

  @Test
  void winnerPublishingAnotherModelIsSlashedAndTheNextRankedWins() {
    Cluster c =
        build(
            Cluster.builder()
                .seed(23)
                .ml(
                    (i, s) ->
                        i == 1
                            ? Strategies.oracleMiner(ref, 31)
                            : LinearRegressionMl.honest(300 + i))
                .interceptors(
                    i -> i == 1 ? Strategies.swapsModel(ref, 1) : GossipInterceptor.HONEST));
    Hash p = ClusterChecks.paperProblem(c, 0, BOUNTY);
    runUntilClosed(c, p, i -> i != 1);
    Block b = closingBlock(c.node(0), p);
    WinnerCertificate cert = work(b).certificate();
    assertEquals(key(1), cert.ranking().get(0).miner(), "the cheat ranked first");
    assertEquals(1, b.header().attempt(), "the round fell back once");
    assertEquals(cert.ranking().get(1).miner(), b.header().proposer(), "the next-ranked won");
    assertTrue(
        c.runUntil(() -> stake(c.node(0), key(1)) < STAKE, c.clock().nowMs() + 20_000),
        "the winner that swapped its model is slashed");
    assertTrue(reported(c.node(2), MisconductReport.Reason.MODEL_MISMATCH));
    c.runFor(2_000);
    ClusterChecks.assertConsistent(c, i -> i != 1);
  }

  @Test
  void modelNotReproducingItsPredictionsLosesToTheNextRanked() {
    Cluster c =
        build(
            Cluster.builder()
                .seed(24)
                .ml(
                    (i, s) ->
                        i == 1
                            ? Strategies.fakePredictions(ref, 41)
                            : LinearRegressionMl.honest(400 + i)));
    Hash p = ClusterChecks.paperProblem(c, 0, BOUNTY);
    runUntilClosed(c, p, i -> i != 1);
    Block b = closingBlock(c.node(0), p);
    WinnerCertificate cert = work(b).certificate();
    assertEquals(key(1), cert.ranking().get(0).miner(), "perfect predictions ranked first");
    assertEquals(0.0, cert.ranking().get(0).score());
    assertEquals(1, b.header().attempt());
    assertEquals(cert.ranking().get(1).miner(), b.header().proposer());
    for (int i : new int[] {0, 2, 3}) {
      assertTrue(
          c.node(i).recorder().rejected().stream().anyMatch(r -> r.contains("model check failed")),
          "node " + i + " rejected the block: " + c.node(i).recorder().rejected());
    }
    assertTrue(reported(c.node(2), MisconductReport.Reason.PREDICTIONS_NOT_REPRODUCED));
    // A tolerance check is not slashable evidence: its outcome may depend on hardware.
    assertEquals(STAKE, stake(c.node(0), key(1)));
    ClusterChecks.assertConsistent(c, i -> i != 1);
  }

  @Test
  void certificateCrowningALowerScoringMinerIsRejected() {
    Cluster c =
        build(
            Cluster.builder()
                .seed(25)
                .problemTtlRounds(6)
                .interceptors(
                    i -> i == 0 ? Strategies.crownsTheLoser(ref, 0) : GossipInterceptor.HONEST));
    Hash p = ClusterChecks.paperProblem(c, 0, BOUNTY);
    long start = ClusterChecks.height(c.node(1));
    assertTrue(
        c.runUntil(() -> ClusterChecks.height(c.node(1)) >= start + 3, c.clock().nowMs() + 60_000));
    c.runFor(1_000);
    for (SimNode n : c.nodes()) {
      assertEquals(0, ClusterChecks.usefulBlocks(n), "no forged certificate led to a block");
    }
    for (int i = 1; i < 4; i++) {
      assertTrue(reported(c.node(i), MisconductReport.Reason.WRONG_RANKING), "node " + i);
    }
    // A certificate whose ranking is not the recomputed one is no certificate: the submitter
    // failed to award, so past the award deadline the validators close the round as wasted and
    // the miners who committed share the bounty.
    runUntilClosed(c, p, i -> true);
    assertEquals(ProblemStatus.WASTED, problem(c.node(1), p).orElseThrow().status());
    for (SimNode n : c.nodes()) {
      assertEquals(0, ClusterChecks.usefulBlocks(n));
    }
    ClusterChecks.assertConsistent(c, i -> true);
  }

  @Test
  void partitionedHalvesConvergeOnOneChainWhenHealed() {
    Cluster c = build(Cluster.builder().seed(32));
    ClusterChecks.paperProblem(c, 0, BOUNTY);
    assertTrue(
        c.runUntil(() -> c.node(0).recorder().finalizedHeight() >= 1, c.clock().nowMs() + 30_000));
    long finalBefore = c.node(0).recorder().finalizedHeight();
    c.network().partition(i -> i < 2 ? 0 : 1);
    ClusterChecks.paperProblem(c, 0, BOUNTY + 1);
    ClusterChecks.paperProblem(c, 2, BOUNTY + 2);
    SafetyMonitor m = SafetyMonitor.attach(c);
    long[] heights = c.nodes().stream().mapToLong(ClusterChecks::height).toArray();
    c.runFor(8_000);
    // Two of four validators on each side: neither side can commit anything, and nothing forks.
    for (SimNode n : c.nodes()) {
      assertEquals(heights[n.index()], ClusterChecks.height(n), "node " + n.index());
    }
    assertEquals(List.of(), m.violations());
    c.network().heal();
    assertTrue(
        c.runUntil(() -> m.commonCommittedHeight() > finalBefore + 2, c.clock().nowMs() + 60_000),
        "commits resume once the halves reconnect");
    assertEquals(List.of(), m.violations());
    ClusterChecks.assertConsistent(c, i -> true);
  }

  /**
   * The acceptance suite's isolation fault: a transaction acknowledged by an isolated node cannot
   * be committed while it is alone (one validator of four commits nothing); once the network heals
   * it ends up in exactly one block of the chain every node follows.
   */
  @Test
  void transactionOfAnIsolatedNodesAbandonedBranchIsIncludedOnceAfterHealing() {
    Cluster c = build(Cluster.builder().seed(34));
    assertTrue(
        c.runUntil(() -> c.node(0).recorder().finalizedHeight() >= 2, c.clock().nowMs() + 30_000));
    c.network().partition(i -> i == 3 ? 1 : 0);
    SimNode isolated = c.node(3);
    org.learnchain.ledger.SignedTransaction tx =
        org.learnchain.ledger.SignedTransaction.sign(
            isolated.key(),
            c.genesis().chainId(),
            isolated.chain().nextNonce(key(3).address()),
            c.genesis().rewards().minTxFee(),
            new org.learnchain.ledger.Transfer(key(0).address(), 77));
    long isolatedHeight = ClusterChecks.height(isolated);
    isolated.chain().submitTransaction(tx);
    c.runFor(3_000);
    assertEquals(isolatedHeight, ClusterChecks.height(isolated), "alone, it commits nothing");
    assertEquals(0, count(c.node(0), tx.hash()), "the others never heard of it");
    assertTrue(ClusterChecks.height(c.node(0)) > isolatedHeight + 2, "three of four go on");
    c.network().heal();
    long finalNow = c.node(0).recorder().finalizedHeight();
    assertTrue(
        c.runUntil(
            () ->
                c.node(0).recorder().finalizedHeight() > finalNow + 2
                    && c.nodes().stream().allMatch(n -> count(n, tx.hash()) == 1),
            c.clock().nowMs() + 60_000),
        "the transfer is in exactly one block on every node once healed");
    ClusterChecks.assertConsistent(c, i -> true);
  }

  private static long count(SimNode n, Hash tx) {
    return ClusterChecks.chain(n).stream()
        .flatMap(b -> b.transactions().stream())
        .filter(t -> t.hash().equals(tx))
        .count();
  }

  @Test
  void certificateOmittingTheBestMinerIsReportedButCannotBeProvenFromTheBlock() {
    Cluster c =
        build(
            Cluster.builder()
                .seed(33)
                .interceptors(
                    i -> i == 0 ? Strategies.omitsTheBest(ref, 0) : GossipInterceptor.HONEST));
    Hash p = ClusterChecks.paperProblem(c, 0, BOUNTY);
    runUntilClosed(c, p, i -> true);
    Block b = closingBlock(c.node(1), p);
    // The block is self-consistent (its ranking is right for the predictions it carries), so it
    // is accepted: arrival times are not provable. Every node that held the omitted prediction
    // says so.
    assertEquals(2, work(b).certificate().ranking().size());
    for (int i = 1; i < 4; i++) {
      assertTrue(reported(c.node(i), MisconductReport.Reason.WRONG_RANKING), "node " + i);
    }
    ClusterChecks.assertConsistent(c, i -> true);
  }

  @Test
  void commitsAfterTheDeadlineAreIgnored() {
    Cluster c =
        build(
            Cluster.builder()
                .seed(26)
                .ml(
                    (i, s) ->
                        i == 1
                            ? Strategies.oracleMiner(ref, 61)
                            : LinearRegressionMl.honest(600 + i))
                .interceptors(
                    i -> i == 1 ? Strategies.lateCommits(1_000) : GossipInterceptor.HONEST));
    Hash p = ClusterChecks.paperProblem(c, 0, BOUNTY);
    runUntilClosed(c, p, i -> true);
    Block b = closingBlock(c.node(0), p);
    assertNotEquals(key(1), b.header().proposer());
    assertTrue(work(b).certificate().ranking().stream().noneMatch(e -> e.miner().equals(key(1))));
    assertEquals(2, work(b).certificate().ranking().size());
    ClusterChecks.assertConsistent(c, i -> i != 1);
  }

  @Test
  void copiedCommitmentCannotBeOpened() {
    Cluster c =
        build(
            Cluster.builder()
                .seed(27)
                .interceptors(
                    i ->
                        i == 1
                            ? Strategies.copiesCommitment(ref, 1, 2)
                            : GossipInterceptor.HONEST));
    Hash p = ClusterChecks.paperProblem(c, 0, BOUNTY);
    runUntilClosed(c, p, i -> i != 1);
    Block b = closingBlock(c.node(0), p);
    List<WinnerCertificate.RankEntry> ranking = work(b).certificate().ranking();
    assertTrue(ranking.stream().noneMatch(e -> e.miner().equals(key(1))), "copier not ranked");
    assertTrue(ranking.stream().anyMatch(e -> e.miner().equals(key(2))), "victim ranked");
    ClusterChecks.assertConsistent(c, i -> i != 1);
  }

  @Test
  void messagesReplayedFromEarlierRoundsChangeNothing() {
    Cluster c =
        build(
            Cluster.builder()
                .seed(28)
                .interceptors(
                    i -> i == 3 ? Strategies.replaysOldRounds() : GossipInterceptor.HONEST));
    List<Hash> problems =
        List.of(
            ClusterChecks.paperProblem(c, 0, BOUNTY),
            ClusterChecks.paperProblem(c, 1, BOUNTY + 1),
            ClusterChecks.paperProblem(c, 2, BOUNTY + 2),
            ClusterChecks.paperProblem(c, 3, BOUNTY + 3));
    for (Hash p : problems) {
      runUntilClosed(c, p, i -> true);
      assertEquals(ProblemStatus.SOLVED, problem(c.node(0), p).orElseThrow().status());
    }
    for (SimNode n : c.nodes()) {
      assertTrue(n.recorder().rejected().isEmpty(), n.recorder().rejected().toString());
      assertTrue(n.recorder().evidence().isEmpty(), "replays are not equivocation");
    }
    ClusterChecks.assertConsistent(c, i -> true);
  }

  /** The acceptance suite's winner fault, on the simulated clock: it dies before publishing. */
  @Test
  void winnerDyingBeforeItPublishesLosesTheRoundToTheNextRankedWithAttemptOne() {
    java.util.concurrent.atomic.AtomicInteger died =
        new java.util.concurrent.atomic.AtomicInteger(-1);
    Cluster c =
        build(
            Cluster.builder()
                .seed(32)
                .interceptors(
                    i ->
                        i == 0
                            ? GossipInterceptor.HONEST
                            : Strategies.diesBeforePublishingItsWin(i, died)));
    Hash p = ClusterChecks.paperProblem(c, 0, BOUNTY);
    runUntilClosed(c, p, i -> true);
    int dead = died.get();
    assertTrue(dead > 0, "a certified winner died");
    Block b = closingBlock(c.node(0), p);
    WinnerCertificate cert = work(b).certificate();
    assertEquals(key(dead), cert.ranking().get(0).miner(), "the dead node ranked first");
    assertEquals(1, b.header().attempt(), "consensus round 1 was the next-ranked miner's");
    assertEquals(0, cert.attempt(), "one certificate orders every round's proposer");
    assertEquals(cert.ranking().get(1).miner(), b.header().proposer(), "the next-ranked won");
    assertEquals(ProblemStatus.SOLVED, problem(c.node(dead), p).orElseThrow().status());
    // The dead node's own attempt-0 block never left it: it follows the others' chain.
    ClusterChecks.assertConsistent(c, i -> true);
  }

  /** The acceptance suite's submitter fault: it dies between its test reveal and certificate. */
  @Test
  void submitterDyingAfterItsTestRevealWastesTheRoundAndPaysTheCommitters() {
    Cluster c =
        build(
            Cluster.builder()
                .seed(33)
                .interceptors(
                    i -> i == 0 ? Strategies.diesAfterTestReveal() : GossipInterceptor.HONEST));
    Hash p = ClusterChecks.paperProblem(c, 0, BOUNTY);
    runUntilClosed(c, p, i -> i != 0);
    SimNode n = c.node(1);
    assertEquals(ProblemStatus.WASTED, problem(n, p).orElseThrow().status());
    BlockOutcome.Wasted w = (BlockOutcome.Wasted) closingBlock(n, p).outcome();
    assertEquals(3, w.committers().size(), "every miner committed and is paid");
    long before = ClusterChecks.height(n);
    c.runFor(10_000);
    assertTrue(ClusterChecks.height(n) > before, "the others keep making blocks");
    ClusterChecks.assertConsistent(c, i -> i != 0);
  }

  @Test
  void submitterThatNeverRevealsWastesTheRoundAndPaysTheCommitters() {
    Cluster c =
        build(
            Cluster.builder()
                .seed(29)
                .interceptors(i -> i == 0 ? Strategies.neverReveals() : GossipInterceptor.HONEST));
    long before = c.node(1).headState().account(key(1).address()).balance();
    Hash p = ClusterChecks.paperProblem(c, 0, BOUNTY);
    runUntilClosed(c, p, i -> true);
    SimNode n = c.node(1);
    assertEquals(ProblemStatus.WASTED, problem(n, p).orElseThrow().status());
    Block b = closingBlock(n, p);
    BlockOutcome.Wasted w = (BlockOutcome.Wasted) b.outcome();
    List<Address> miners =
        java.util.stream.IntStream.range(1, 4)
            .mapToObj(i -> key(i))
            .sorted()
            .map(PublicKey::address)
            .toList();
    assertEquals(miners, w.committers());
    // Each committer got a third of the bounty (plus, for the proposer, nothing else: no fees).
    long after = n.headState().account(key(1).address()).balance();
    assertTrue(after - before >= BOUNTY / 3, "committer paid: " + (after - before));
    ClusterChecks.assertConsistent(c, i -> true);
  }

  @Test
  void moreThanAThirdOfValidatorsOfflineStallsCommitsWithoutForkingAndRecovers() {
    Cluster c = build(Cluster.builder().seed(30));
    ClusterChecks.paperProblem(c, 0, BOUNTY);
    assertTrue(
        c.runUntil(() -> c.node(0).recorder().finalizedHeight() >= 2, c.clock().nowMs() + 30_000));
    c.node(2).crash();
    c.node(3).crash();
    c.network().setDown(2, true);
    c.network().setDown(3, true);
    c.runFor(2_000);
    long finalBefore = c.node(0).recorder().finalizedHeight();
    long headBefore = ClusterChecks.height(c.node(0));
    Hash p1 = ClusterChecks.paperProblem(c, 0, BOUNTY);
    Hash p2 = ClusterChecks.paperProblem(c, 1, BOUNTY + 1);
    c.runFor(20_000);
    long headDuring = ClusterChecks.height(c.node(0));
    assertEquals(headBefore, headDuring, "two of four validators commit nothing");
    assertEquals(finalBefore, c.node(0).recorder().finalizedHeight(), "no commits");
    assertEquals(finalBefore, c.node(1).recorder().finalizedHeight());
    c.network().setDown(2, false);
    c.network().setDown(3, false);
    c.node(2).restart();
    c.node(3).restart();
    assertTrue(
        c.runUntil(
            () -> c.node(0).recorder().finalizedHeight() > headDuring, c.clock().nowMs() + 60_000),
        "commits resume after the validators return");
    runUntilClosed(c, p1, i -> true);
    runUntilClosed(c, p2, i -> true);
    assertEquals(ProblemStatus.SOLVED, problem(c.node(0), p1).orElseThrow().status());
    assertEquals(ProblemStatus.SOLVED, problem(c.node(0), p2).orElseThrow().status());
    c.runFor(2_000);
    ClusterChecks.assertConsistent(c, i -> true);
  }

  @Test
  void restartedMinerNeverSignsAConflictingCommit() {
    Cluster c = build(Cluster.builder().seed(31));
    Hash p = ClusterChecks.paperProblem(c, 0, BOUNTY);
    SimNode miner = c.node(2);
    // Crash the miner right after it has committed (and attested), before the test reveal.
    assertTrue(
        c.runUntil(
            () -> {
              long round = miner.chain().head().height() + 1;
              return miner.headState().selectProblem().isPresent()
                  && miner
                      .journal()
                      .find(round, JournalSlot.of(JournalSlot.Kind.MODEL_COMMIT))
                      .isPresent();
            },
            c.clock().nowMs() + 30_000));
    long round = miner.chain().head().height() + 1;
    byte[] committed =
        miner.journal().find(round, JournalSlot.of(JournalSlot.Kind.MODEL_COMMIT)).orElseThrow();
    miner.crash();
    c.network().setDown(2, true);
    c.runFor(100);
    c.network().setDown(2, false);
    miner.restart();
    c.runFor(50);
    // The restarted node resumed the same round: it re-sent its one commit and signed no other.
    assertEquals(round, miner.chain().head().height() + 1);
    assertTrue(
        java.util.Arrays.equals(
            committed,
            miner
                .journal()
                .find(round, JournalSlot.of(JournalSlot.Kind.MODEL_COMMIT))
                .orElseThrow()),
        "the journal kept the one commit");
    runUntilClosed(c, p, i -> true);
    for (SimNode n : c.nodes()) {
      assertTrue(n.recorder().evidence().isEmpty(), "no equivocation was seen");
    }
    assertEquals(STAKE, stake(c.node(0), miner.key().publicKey()));
    // The restarted miner lost its model, so it could not open its commitment: not ranked.
    Block b = closingBlock(c.node(0), p);
    assertTrue(
        work(b).certificate().ranking().stream()
            .noneMatch(e -> e.miner().equals(miner.key().publicKey())));
    ClusterChecks.assertConsistent(c, i -> true);
  }
}

package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.learnchain.config.ModelLimits;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Verdict;
import org.learnchain.consensus.message.Vote;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.ProblemStatus;

/** Restart safety, verifiable catch-up, bounded memory and hardware tolerance of the agreement. */
class AgreementPropertiesTest {

  /**
   * Validators crash and restart at random moments, mid-height included. Every vote that ever
   * leaves a node is recorded: no node may sign two different votes for one (height, round, kind),
   * and a restarted node sends again what it had signed for its current height.
   */
  @Test
  void restartedValidatorsNeverSignTwoVotesForOneRoundAndResendTheirVotes() {
    Map<String, Set<Hash>> signed = new HashMap<>();
    Map<String, Integer> sentTimes = new HashMap<>();
    SplittableRandom random = new SplittableRandom(77);
    Cluster c = Cluster.builder().seed(77).interceptors(votesTo(signed, sentTimes)).build();
    SafetyMonitor m = SafetyMonitor.attach(c);
    c.start();
    ClusterChecks.paperProblem(c, 0, 999);
    int restarts = 0;
    for (int k = 0; k < 40; k++) {
      int victim = random.nextInt(4);
      c.runFor(50 + random.nextInt(400));
      c.node(victim).crash();
      c.network().setDown(victim, true);
      c.runFor(random.nextInt(600));
      c.network().setDown(victim, false);
      c.node(victim).restart();
      restarts++;
    }
    long target = m.commonCommittedHeight() + 3;
    assertTrue(c.runUntil(() -> m.commonCommittedHeight() >= target, c.clock().nowMs() + 60_000));
    assertEquals(List.of(), m.violations());
    for (Map.Entry<String, Set<Hash>> e : signed.entrySet()) {
      assertEquals(1, e.getValue().size(), "two different votes signed for " + e.getKey());
    }
    assertTrue(
        sentTimes.values().stream().anyMatch(t -> t > 1),
        "restarted nodes sent their journaled votes again (" + restarts + " restarts)");
  }

  /**
   * Validators lose power at random moments: what they wrote without waiting for the disk since
   * their last synced write is gone (the finalized mark and the journal's pruning are such writes;
   * every signed message and every block is synced). Each comes back, restores a finalized mark
   * left below its head, and goes on; no node signs two different votes for one round, and every
   * node keeps the chain it had committed.
   */
  @Test
  void validatorsComeBackFromPowerLossesWithoutSigningTwiceOrLosingCommittedBlocks() {
    Map<String, Set<Hash>> signed = new HashMap<>();
    SplittableRandom random = new SplittableRandom(79);
    Cluster c = Cluster.builder().seed(79).interceptors(votesTo(signed, new HashMap<>())).build();
    SafetyMonitor m = SafetyMonitor.attach(c);
    c.start();
    ClusterChecks.paperProblem(c, 0, 999);
    int marksRestored = 0;
    for (int k = 0; k < 60; k++) {
      int victim = random.nextInt(4);
      c.runFor(20 + random.nextInt(300));
      c.node(victim).crash();
      c.network().setDown(victim, true);
      c.runFor(random.nextInt(300));
      c.network().setDown(victim, false);
      if (c.node(victim).restartAfterPowerLoss()) {
        marksRestored++;
      }
    }
    long target = m.commonCommittedHeight() + 3;
    assertTrue(c.runUntil(() -> m.commonCommittedHeight() >= target, c.clock().nowMs() + 60_000));
    assertEquals(List.of(), m.violations());
    for (Map.Entry<String, Set<Hash>> e : signed.entrySet()) {
      assertEquals(1, e.getValue().size(), "two different votes signed for " + e.getKey());
    }
    assertTrue(marksRestored > 0, "no power loss left a finalized mark below its head");
  }

  /**
   * A node down from genesis joins when the others are dozens of heights on. It catches up block by
   * block, each applied only with the commit the next block (or a peer's announcement) carries,
   * while a Byzantine member floods it with signed blocks that nobody committed. It never applies
   * one of those, holds only a bounded number of them, and ends on the same chain.
   */
  @Test
  void lateNodeCatchesUpThroughVerifiedCommitsAndIgnoresUncommittedBlocks() {
    Cluster c = Cluster.builder().seed(78).build();
    SafetyMonitor m = SafetyMonitor.attach(c);
    c.node(3).crash();
    c.network().setDown(3, true);
    c.start();
    ClusterChecks.paperProblem(c, 0, 999);
    // Three of four validators commit on without node 3.
    assertTrue(
        c.runUntil(() -> c.node(0).chain().finalizedHeight() >= 40, c.clock().nowMs() + 60_000));
    c.network().setDown(3, false);
    c.node(3).restart();
    // Node 2 (Byzantine from here on) signs blocks at heights above node 3's on made-up parents.
    SplittableRandom junk = new SplittableRandom(5);
    c.network()
        .setInterceptor(
            2,
            (kind, payload, out) -> {
              out.publish(kind, payload);
              long base = c.node(3).chain().finalizedHeight();
              for (int j = 0; j < 20; j++) {
                out.sendTo(
                    3,
                    MessageType.BLOCK,
                    fakeBlock(c, base + 1 + junk.nextInt(200), junk).encode());
              }
            });
    assertTrue(
        c.runUntil(
            () ->
                c.node(3).chain().finalizedHeight() >= c.node(0).chain().finalizedHeight() - 1
                    && c.node(3).chain().finalizedHeight() > 40,
            c.clock().nowMs() + 60_000),
        "the late node caught up: " + c.node(3).chain().finalizedHeight());
    assertTrue(
        c.node(3).consensus().machine().heldFutureBlocks() <= 128,
        "held " + c.node(3).consensus().machine().heldFutureBlocks());
    c.network().setInterceptor(2, GossipInterceptor.HONEST);
    c.runFor(3_000);
    assertEquals(List.of(), m.violations());
    ClusterChecks.assertConsistent(c, i -> true);
  }

  private static Block fakeBlock(Cluster c, long height, SplittableRandom r) {
    byte[] seed = new byte[8];
    r.nextBytes(seed);
    BlockHeader h =
        new BlockHeader(
            height,
            Hashing.sha256(seed),
            c.clock().nowMs(),
            height,
            0,
            Hash.ZERO,
            Block.txRoot(List.of()),
            Hash.ZERO,
            Hashing.sha256(seed),
            Hash.ZERO,
            Hash.ZERO,
            c.node(2).key().publicKey());
    return new Block(
        h,
        h.sign(c.node(2).key(), c.genesis().chainId()),
        new BlockOutcome.Idle(),
        List.of(),
        new byte[0]);
  }

  /**
   * Hardware never splits the chain: node 3's re-run of every model disagrees (as another CPU's
   * could), so it prevotes against the useful blocks, but the other three commit them, and node 3
   * applies each committed block anyway and reports the disagreement.
   */
  @Test
  void committedBlockIsAppliedEvenWhereTheLocalModelCheckDisagrees() {
    Cluster c =
        Cluster.builder()
            .seed(79)
            .ml(
                (i, s) ->
                    i == 3
                        ? new DisagreeingVerifier(LinearRegressionMl.honest(900))
                        : LinearRegressionMl.honest(900 + i))
            .build();
    SafetyMonitor m = SafetyMonitor.attach(c);
    c.start();
    Hash p = ClusterChecks.paperProblem(c, 0, 999);
    assertTrue(
        c.runUntil(
            () ->
                c.nodes().stream()
                    .allMatch(
                        n ->
                            n.headState()
                                .problem(p)
                                .map(x -> x.status() == ProblemStatus.SOLVED)
                                .orElse(false)),
            c.clock().nowMs() + 60_000));
    c.runFor(2_000);
    assertEquals(List.of(), m.violations());
    assertFalse(c.node(3).recorder().committedDespiteLocalCheck().isEmpty());
    assertTrue(c.node(0).recorder().committedDespiteLocalCheck().isEmpty());
    ClusterChecks.assertConsistent(c, i -> true);
  }

  /** An ML port whose model checks always fail, as if its hardware computed other outputs. */
  private record DisagreeingVerifier(LinearRegressionMl inner)
      implements org.learnchain.consensus.port.MlPort {
    @Override
    public java.util.concurrent.CompletionStage<org.learnchain.consensus.Result<TrainedModel>>
        train(TrainingTask t) {
      return inner.train(t);
    }

    @Override
    public org.learnchain.consensus.Result<Bytes> predict(Bytes spec, Bytes model, Bytes inputs) {
      return inner.predict(spec, model, inputs);
    }

    @Override
    public Verdict verify(
        Bytes spec, ModelLimits limits, Bytes model, Bytes inputs, Bytes committed, double tol) {
      return Verdict.invalid("outputs differ beyond the tolerance on this machine");
    }

    @Override
    public org.learnchain.consensus.Result<Double> score(Bytes spec, Bytes p, Bytes l, int n) {
      return inner.score(spec, p, l, n);
    }
  }

  /**
   * Accountability: a validator that signs two different votes for one round is caught by the
   * honest validators, who file the pair as evidence, and the chain slashes its stake; the others
   * keep committing one chain.
   */
  @Test
  void equivocatingValidatorIsProvenAndSlashed() {
    java.util.concurrent.atomic.AtomicReference<Cluster> ref =
        new java.util.concurrent.atomic.AtomicReference<>();
    Cluster c =
        Cluster.builder()
            .seed(80)
            .stake(10_000)
            .interceptors(
                i ->
                    i == 3
                        ? (kind, payload, out) -> {
                          out.publish(kind, payload);
                          if (kind == MessageType.PREVOTE || kind == MessageType.PRECOMMIT) {
                            // A second, different vote for the same round, to everyone.
                            Vote v = (Vote) Wire.message(kind, payload).orElseThrow();
                            Vote other =
                                Vote.sign(
                                    new org.learnchain.consensus.message.ChainDomains(
                                        ref.get().genesis().chainId()),
                                    kind,
                                    ref.get().node(3).key(),
                                    v.height(),
                                    v.bftRound(),
                                    v.isNil() ? Hashing.sha256(new byte[] {7}) : Hash.ZERO);
                            out.publish(kind, other.encode());
                          }
                        }
                        : GossipInterceptor.HONEST)
            .build();
    ref.set(c);
    SafetyMonitor m = SafetyMonitor.attach(c);
    c.start();
    org.learnchain.crypto.Address cheat = c.node(3).key().publicKey().address();
    assertTrue(
        c.runUntil(
            () -> c.node(0).headState().account(cheat).stake() < 10_000,
            c.clock().nowMs() + 60_000),
        "the equivocating validator is slashed");
    assertFalse(c.node(0).recorder().evidence().isEmpty(), "evidence filed");
    c.runFor(3_000);
    assertEquals(List.of(), m.violations());
    ClusterChecks.assertConsistent(c, i -> i != 3);
  }

  /**
   * Records every vote each node sends: the block hashes signed per (validator, height, round,
   * kind) into {@code signed}, and how many times each was sent into {@code sentTimes}.
   */
  private static IntFunction<GossipInterceptor> votesTo(
      Map<String, Set<Hash>> signed, Map<String, Integer> sentTimes) {
    return i ->
        (kind, payload, out) -> {
          if (kind == MessageType.PREVOTE || kind == MessageType.PRECOMMIT) {
            Vote v = (Vote) Wire.message(kind, payload).orElseThrow();
            String slot =
                v.validator().toHex() + "/" + v.height() + "/" + v.bftRound() + "/" + kind;
            signed.computeIfAbsent(slot, k -> new HashSet<>()).add(v.blockHash());
            sentTimes.merge(slot, 1, Integer::sum);
          }
          out.publish(kind, payload);
        };
  }
}

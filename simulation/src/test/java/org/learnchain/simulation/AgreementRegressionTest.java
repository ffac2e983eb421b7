package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.learnchain.config.Role;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.ProblemStatus;

/**
 * The agreement failures found in review, each staged exactly on the simulated cluster (four
 * validators, default timings) and checked by the safety monitor after every event. Each of these
 * failed on the fork-choice-and-attestations protocol that the BFT agreement replaced.
 */
class AgreementRegressionTest {

  private static void assertSafe(SafetyMonitor m) {
    assertEquals(List.of(), m.violations(), "agreement violated");
  }

  private static long height(SimNode n) {
    return n.chain().finalizedHeight();
  }

  /**
   * Height 3 is idle; validator 3 (B) has round/turn 0 and validator 0 (P) the next. B's block
   * reaches 1 and 2 at once but P only 500 ms later; B's vote reaches node 1 after 300 ms and the
   * others after 3 s, the votes of 1 and 2 reach B and P after 3 s, and node 1's messages of the
   * next height take 3 s. No node is Byzantine.
   */
  @Test
  void lateBlockAndLateVotesOfAnHonestProposerNeverSplitCommits() {
    Cluster c = Cluster.builder().seed(101).build();
    SafetyMonitor m = SafetyMonitor.attach(c);
    c.network().addRule(schedule(false));
    c.start();
    c.runFor(20_000);
    assertSafe(m);
    for (SimNode n : c.nodes()) {
      assertTrue(height(n) >= 10, "node " + n.index() + " stalled at " + height(n));
    }
  }

  /**
   * The delivery schedule of height 3 (first consensus round only). B (node 3) proposes; its block
   * reaches P (node 0) 500 ms late, or never when {@code selective}; its vote reaches node 1 after
   * 300 ms (at once when selective) and the others after 3 s (never when selective); the votes of 1
   * and 2 reach B and P after 3 s; node 1's messages of height 4 take 3 s.
   */
  private static SimNetwork.LinkRule schedule(boolean selective) {
    return (from, to, kind, payload, now) -> {
      long height = Wire.height(kind, payload);
      if (Wire.bftRound(kind, payload) != 0) {
        return SimNetwork.LinkRule.PASS;
      }
      if (height == 4 && from == 1) {
        return 3_000;
      }
      if (height != 3) {
        return SimNetwork.LinkRule.PASS;
      }
      if (from != 3) {
        return (from == 1 || from == 2) && (to == 3 || to == 0) && Wire.VOTE_KINDS.contains(kind)
            ? 3_000
            : SimNetwork.LinkRule.PASS;
      }
      if (Wire.BLOCK_KINDS.contains(kind)) {
        return to == 0 ? (selective ? SimNetwork.LinkRule.DROP : 500) : 0;
      }
      if (Wire.VOTE_KINDS.contains(kind)) {
        return to == 1 ? (selective ? 0 : 300) : (selective ? SimNetwork.LinkRule.DROP : 3_000);
      }
      return SimNetwork.LinkRule.PASS;
    };
  }

  /** The same schedule on purpose: B sends its block to 1 and 2 only and its vote to 1 only. */
  @Test
  void proposerSendingItsBlockAndVoteSelectivelyCannotSplitCommits() {
    Cluster c = Cluster.builder().seed(102).build();
    SafetyMonitor m = SafetyMonitor.attach(c);
    c.network().addRule(schedule(true));
    c.start();
    c.runFor(20_000);
    assertSafe(m);
    for (int i = 0; i < 3; i++) {
      assertTrue(height(c.node(i)) >= 8, "node " + i + " stalled at " + height(c.node(i)));
    }
  }

  /**
   * A submitter certifies a ranking of 1,024 keys that belong to no member. It must not hold the
   * height open for the award windows of 1,024 attempts: the problem closes within seconds.
   */
  @Test
  void certificateRankingNonMembersCannotStallTheChain() {
    AtomicReference<Cluster> ref = new AtomicReference<>();
    Cluster c =
        Cluster.builder()
            .seed(103)
            .interceptors(
                i ->
                    i == 0
                        ? (kind, payload, out) -> {
                          if (kind == MessageType.WINNER_CERTIFICATE) {
                            out.publish(kind, strangersCertificate(ref.get(), payload).encode());
                          } else {
                            out.publish(kind, payload);
                          }
                        }
                        : GossipInterceptor.HONEST)
            .build();
    ref.set(c);
    SafetyMonitor m = SafetyMonitor.attach(c);
    c.start();
    Hash p = ClusterChecks.paperProblem(c, 0, 999);
    long submittedAt = c.clock().nowMs();
    boolean closed =
        c.runUntil(
            () ->
                c.nodes().stream()
                    .allMatch(
                        n ->
                            n.headState()
                                .problem(p)
                                .map(x -> x.status() != ProblemStatus.PENDING)
                                .orElse(false)),
            submittedAt + 30_000);
    assertSafe(m);
    assertTrue(closed, "the problem was still open 30 s after submission");
    c.runFor(3_000);
    assertSafe(m);
  }

  private static WinnerCertificate strangersCertificate(Cluster c, byte[] payload) {
    WinnerCertificate wc =
        (WinnerCertificate) Wire.message(MessageType.WINNER_CERTIFICATE, payload).orElseThrow();
    List<WinnerCertificate.RankEntry> strangers = new ArrayList<>();
    for (int i = 0; i < 1024; i++) {
      PrivateKey k =
          PrivateKey.fromSeed(Hashing.sha256(new byte[] {(byte) i, (byte) (i >> 8)}).toArray());
      strangers.add(new WinnerCertificate.RankEntry(k.publicKey(), -i));
    }
    return WinnerCertificate.sign(
        new ChainDomains(c.genesis().chainId()),
        c.node(0).key(),
        wc.round(),
        wc.problemId(),
        wc.attempt(),
        strangers.get(wc.attempt()).miner(),
        wc.modelHash(),
        strangers.get(wc.attempt()).score(),
        strangers);
  }

  /**
   * The validator whose turn opens the problem's height (validator h mod 4) sees neither the other
   * miners' commits nor the label reveal and certificate, and the winner's useful block travels
   * slowly. It must not be able to close the round as wasted before the award deadline and take the
   * bounty: the round ends solved by the useful block.
   */
  @Test
  void validatorCannotCloseARoundAsWastedBeforeTheAwardDeadline() {
    AtomicReference<Hash> problem = new AtomicReference<>(Hash.ZERO);
    Cluster c =
        Cluster.builder()
            .seed(104)
            .nodes(5)
            .roles(
                i ->
                    i == 4
                        ? EnumSet.of(Role.SUBMITTER)
                        : Set.copyOf(EnumSet.of(Role.MINER, Role.VALIDATOR)))
            .build();
    SafetyMonitor m = SafetyMonitor.attach(c);
    c.network()
        .addRule(
            (from, to, kind, payload, now) -> {
              if (Wire.BLOCK_KINDS.contains(kind)) {
                return Wire.block(kind, payload)
                        .map(b -> b.outcome() instanceof BlockOutcome.UsefulWork)
                        .orElse(false)
                    ? 400
                    : SimNetwork.LinkRule.PASS;
              }
              ConsensusMessage msg = Wire.message(kind, payload).orElse(null);
              if (msg == null) {
                return SimNetwork.LinkRule.PASS;
              }
              int victim = (int) (msg.round() % 4);
              if (to != victim) {
                return SimNetwork.LinkRule.PASS;
              }
              if (msg instanceof ModelCommit mc
                  && mc.problemId().equals(problem.get())
                  && from != victim) {
                return SimNetwork.LinkRule.DROP;
              }
              if (msg instanceof LabelReveal l && l.problemId().equals(problem.get())) {
                return SimNetwork.LinkRule.DROP;
              }
              if (msg instanceof WinnerCertificate w && w.problemId().equals(problem.get())) {
                return SimNetwork.LinkRule.DROP;
              }
              return SimNetwork.LinkRule.PASS;
            });
    c.start();
    c.runFor(1_000);
    Hash p = ClusterChecks.paperProblem(c, 4, 999);
    problem.set(p);
    assertTrue(
        c.runUntil(
            () ->
                c.nodes().stream()
                    .allMatch(
                        n ->
                            n.headState()
                                .problem(p)
                                .map(x -> x.status() != ProblemStatus.PENDING)
                                .orElse(false)),
            c.clock().nowMs() + 60_000),
        "problem closed");
    c.runFor(2_000);
    assertSafe(m);
    for (SimNode n : c.nodes()) {
      PendingProblem closed = n.headState().problem(p).orElseThrow();
      assertEquals(ProblemStatus.SOLVED, closed.status(), "node " + n.index());
      Block b =
          n.chain()
              .block(n.chain().canonicalHash(closed.closedHeight()).orElseThrow())
              .orElseThrow();
      assertTrue(b.outcome() instanceof BlockOutcome.UsefulWork, "closed by " + b.outcome());
    }
  }
}

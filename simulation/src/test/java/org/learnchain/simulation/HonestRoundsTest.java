package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.ProblemStatus;

class HonestRoundsTest {

  @Test
  void fourHonestNodesSolveEveryProblemAndAgree() {
    Cluster c = Cluster.builder().nodes(4).seed(11).build();
    c.start();
    List<Hash> problems = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      problems.add(ClusterChecks.paperProblem(c, i, 100 + i));
    }
    boolean done =
        c.runUntil(
            () -> c.nodes().stream().allMatch(n -> ClusterChecks.usefulBlocks(n) >= 4),
            c.clock().nowMs() + 60_000);
    assertTrue(done, "four useful blocks on every node");
    c.runFor(3_000);
    ClusterChecks.assertConsistent(c, i -> true);
    SimNode n0 = c.node(0);
    for (Block b : ClusterChecks.chain(n0)) {
      if (b.outcome() instanceof BlockOutcome.UsefulWork u) {
        Hash pid = u.problemId();
        var p = n0.headState().problem(pid).orElseThrow();
        assertEquals(ProblemStatus.SOLVED, p.status());
        assertNotEquals(p.submitter(), u.winner(), "a submitter never wins its own problem");
      }
    }
    for (Hash pid : problems) {
      assertEquals(ProblemStatus.SOLVED, n0.headState().problem(pid).orElseThrow().status());
    }
    assertTrue(n0.recorder().finalizedHeight() >= 4, "blocks become final");
    for (SimNode n : c.nodes()) {
      assertTrue(
          n.recorder().rejected().isEmpty(), "no block rejected: " + n.recorder().rejected());
      assertTrue(n.recorder().misconduct().isEmpty());
    }
  }

  @Test
  void sevenHonestNodesTrainOnIrisAndAgree() {
    IrisMl.Data iris = IrisMl.load();
    Cluster c =
        Cluster.builder().nodes(7).seed(7).ml((i, secrets) -> new IrisMl(700L + i, 150)).build();
    c.start();
    List<Hash> problems = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      problems.add(
          c.submitProblem(
              i * 2,
              IrisMl.spec(),
              IrisMl.trainingSet(iris),
              IrisMl.testInputs(iris),
              IrisMl.testLabels(iris),
              iris.testY().length,
              500));
    }
    boolean done =
        c.runUntil(
            () -> c.nodes().stream().allMatch(n -> ClusterChecks.usefulBlocks(n) >= 3),
            c.clock().nowMs() + 60_000);
    assertTrue(done, "three useful blocks on every node");
    c.runFor(3_000);
    ClusterChecks.assertConsistent(c, i -> true);
    SimNode n0 = c.node(0);
    for (Hash pid : problems) {
      assertEquals(ProblemStatus.SOLVED, n0.headState().problem(pid).orElseThrow().status());
    }
    // Every useful block carries a certificate whose ranking covers the six eligible miners and
    // whose winner scored best; the model really classifies iris (mean cross-entropy well below
    // the 1.0986 of a uniform guess).
    for (Block b : ClusterChecks.chain(n0)) {
      if (b.outcome() instanceof BlockOutcome.UsefulWork) {
        var work =
            (org.learnchain.consensus.message.WorkSection.Useful)
                org.learnchain.consensus.message.WorkSection.decode(b.work()).value();
        assertEquals(6, work.certificate().ranking().size());
        assertEquals(0, b.header().attempt());
        assertTrue(work.certificate().score() > -0.6, "score " + work.certificate().score());
        assertEquals(work.certificate().ranking().get(0).miner(), b.header().proposer());
      }
    }
    assertTrue(n0.recorder().finalizedHeight() >= 3);
    for (SimNode n : c.nodes()) {
      assertTrue(
          n.recorder().rejected().isEmpty(), "no block rejected: " + n.recorder().rejected());
    }
  }
}

package org.learnchain.consensus.sim;

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
}

package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.learnchain.consensus.Bytes;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;

/** Assertions and helpers shared by the multi-node tests. */
final class ClusterChecks {
  private ClusterChecks() {}

  /** The paper task's problem, submitted by {@code submitter}. */
  static Hash paperProblem(Cluster c, int submitter, long bounty) {
    return c.submitProblem(
        submitter,
        PaperTask.spec(),
        PaperTask.trainingSet(),
        PaperTask.encode(PaperTask.X_TEST),
        PaperTask.encode(PaperTask.Y_TEST),
        PaperTask.X_TEST.length,
        bounty);
  }

  /** The canonical chain of a node, genesis first. */
  static List<Block> chain(SimNode n) {
    List<Block> out = new ArrayList<>();
    long top = n.chain().head().height();
    for (long h = 0; h <= top; h++) {
      out.add(n.chain().block(n.chain().canonicalHash(h).orElseThrow()).orElseThrow());
    }
    return out;
  }

  static long height(SimNode n) {
    return n.chain().head().height();
  }

  /**
   * Every node selected by {@code honest} holds the same canonical blocks and the same state roots.
   */
  static void assertConsistent(Cluster c, IntPredicate honest) {
    List<SimNode> hs = c.nodes().stream().filter(n -> honest.test(n.index())).toList();
    // Blocks keep coming (idle rounds): compare at a moment when no block is in flight between
    // the honest nodes, which must come within a few rounds.
    assertTrue(
        c.runUntil(
            () -> hs.stream().map(n -> n.chain().head().hash()).distinct().count() == 1,
            c.clock().nowMs() + 10_000),
        "honest nodes never agreed on a head");
    SimNode ref = hs.get(0);
    List<Block> refChain = chain(ref);
    for (SimNode n : hs) {
      assertEquals(
          ref.chain().head().hash(),
          n.chain().head().hash(),
          "node " + n.index() + " head differs from node " + ref.index());
      List<Block> other = chain(n);
      assertEquals(refChain.size(), other.size());
      for (int i = 0; i < refChain.size(); i++) {
        assertEquals(refChain.get(i).hash(), other.get(i).hash(), "block " + i + " differs");
        assertEquals(
            refChain.get(i).header().stateRoot(), other.get(i).header().stateRoot(), "root " + i);
      }
      // The state each node computed itself for its head, not only the root the header claims.
      assertEquals(ref.headState().root(), n.headState().root());
      assertEquals(n.chain().head().header().stateRoot(), n.headState().root());
      assertTrue(
          n.recorder().rejected().stream().noneMatch(r -> r.contains("ledger rejected")),
          "an honest block was rejected by the ledger: " + n.recorder().rejected());
    }
  }

  static long usefulBlocks(SimNode n) {
    return chain(n).stream().filter(b -> b.outcome() instanceof BlockOutcome.UsefulWork).count();
  }

  static Bytes values(double... v) {
    return PaperTask.encode(v);
  }
}

package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.learnchain.config.Genesis;
import org.learnchain.config.spec.ChainSpec;
import org.learnchain.config.spec.Milestone;
import org.learnchain.config.spec.ProtocolSchedule;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.statemachine.BlockRule;
import org.learnchain.consensus.statemachine.BlockVerifier;
import org.learnchain.consensus.statemachine.Committee;
import org.learnchain.consensus.statemachine.SignatureCache;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.state.WorldState;

/** A block larger than the chain spec's {@code maxBlockBytes} at its height is invalid. */
class BlockSizeRuleTest {
  private static Genesis withMaxBlockBytes(Genesis g, long height, int maxBlockBytes) {
    ChainSpec s = g.spec(0);
    ChainSpec small =
        new ChainSpec(
            s.maxModelBytes(),
            s.maxTransactionBytes(),
            s.maxBlockTransactions(),
            s.maxBlockTransactionBytes(),
            maxBlockBytes,
            s.maxPendingProblems(),
            s.maxUnbondingEntries(),
            s.maxDelegations(),
            s.maxBackers(),
            s.evidenceWindowRounds(),
            s.maxTrainingSamples());
    List<Milestone> milestones =
        height == 0
            ? List.of(new Milestone(0, small))
            : List.of(new Milestone(0, s), new Milestone(height, small));
    return new Genesis(
        g.chainId(),
        g.genesisTimeMs(),
        g.members(),
        g.rounds(),
        g.rewards(),
        g.problemTtlRounds(),
        g.verificationTolerance(),
        g.limits(),
        g.unbondingDelayRounds(),
        new ProtocolSchedule(milestones));
  }

  private static BlockVerifier.Outcome verify(Genesis g, SimNode n, Block block) {
    Block parent = n.chain().block(block.header().prevHash()).orElseThrow();
    WorldState parentState = n.chain().stateAfter(parent.hash()).orElseThrow();
    BlockVerifier verifier =
        new BlockVerifier(
            ConsensusConfig.of(g),
            new ChainDomains(g.chainId()),
            new Committee(g),
            n.chain(),
            LinearRegressionMl.honest(1),
            new SignatureCache(64));
    return verifier.verify(block, parent, parentState);
  }

  @Test
  void blockAboveTheBudgetAtItsHeightIsRejected() {
    Cluster c = Cluster.builder().nodes(4).seed(3).build();
    c.start();
    SimNode n = c.node(0);
    c.runUntil(() -> n.chain().head().height() >= 2, c.clock().nowMs() + 60_000);
    Block block = n.chain().block(n.chain().canonicalHash(2).orElseThrow()).orElseThrow();
    int size = block.encode().length;

    assertInstanceOf(
        BlockVerifier.Accepted.class, verify(withMaxBlockBytes(c.genesis(), 0, size), n, block));
    BlockVerifier.Rejected r =
        assertInstanceOf(
            BlockVerifier.Rejected.class,
            verify(withMaxBlockBytes(c.genesis(), 0, size - 1), n, block));
    assertEquals(BlockRule.BLOCK_SIZE, r.rule(), r.reason());
    assertTrue(r.reason().contains("maxBlockBytes"), r.reason());
    // A milestone above the block's height leaves it valid.
    assertInstanceOf(
        BlockVerifier.Accepted.class,
        verify(withMaxBlockBytes(c.genesis(), 3, size - 1), n, block));
  }
}

package org.learnchain.ledger.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.learnchain.config.Genesis;
import org.learnchain.config.spec.ChainSpec;
import org.learnchain.config.spec.Milestone;
import org.learnchain.config.spec.ProtocolSchedule;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.Fixtures;
import org.learnchain.ledger.RejectReason;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transfer;

/**
 * The ledger applies each height's rules from the chain spec: a milestone changes a limit from its
 * activation height on, and blocks before it keep the old one (docs/chain-spec.md).
 */
class ChainSpecRulesTest {
  private static final EvidenceVerifier NO_EVIDENCE = (proof, height) -> Optional.empty();
  private final PublicKey proposer = Fixtures.key("proposer").publicKey();

  private static SignedTransaction transfer(int member, long nonce) {
    return SignedTransaction.sign(
        Fixtures.key(member), Fixtures.CHAIN, nonce, 10, new Transfer(Fixtures.address(99), 1));
  }

  /** {@code base} with {@code from} in force from {@code height}. */
  private static Genesis withMilestone(Genesis base, long height, ChainSpec from) {
    return new Genesis(
        base.chainId(),
        base.genesisTimeMs(),
        base.members(),
        base.rounds(),
        base.rewards(),
        base.problemTtlRounds(),
        base.verificationTolerance(),
        base.limits(),
        base.unbondingDelayRounds(),
        new ProtocolSchedule(List.of(new Milestone(0, base.spec(0)), new Milestone(height, from))));
  }

  private static ChainSpec withMaxBlockTransactions(ChainSpec s, int max) {
    return new ChainSpec(
        s.maxModelBytes(),
        s.maxTransactionBytes(),
        max,
        s.maxBlockTransactionBytes(),
        s.maxBlockBytes(),
        s.maxPendingProblems(),
        s.maxUnbondingEntries(),
        s.maxDelegations(),
        s.maxBackers(),
        s.evidenceWindowRounds(),
        s.maxTrainingSamples());
  }

  private static ChainSpec withMaxTransactionBytes(ChainSpec s, int max) {
    return new ChainSpec(
        s.maxModelBytes(),
        max,
        s.maxBlockTransactions(),
        s.maxBlockTransactionBytes(),
        s.maxBlockBytes(),
        s.maxPendingProblems(),
        s.maxUnbondingEntries(),
        s.maxDelegations(),
        s.maxBackers(),
        s.evidenceWindowRounds(),
        s.maxTrainingSamples());
  }

  @Test
  void milestoneLowersTransactionsPerBlockAtItsHeight() {
    Genesis base = Fixtures.genesis(4);
    Genesis g = withMilestone(base, 2, withMaxBlockTransactions(base.spec(0), 1));
    StateTransition st = new StateTransition(g, NO_EVIDENCE, ForkJoinPool.commonPool());
    List<SignedTransaction> two = List.of(transfer(0, 0), transfer(1, 0));

    // Height 1 is before the milestone: two transactions are fine.
    TransitionResult one = st.apply(st.genesisState(), 1, proposer, two, new BlockOutcome.Idle());
    WorldState s1 = assertInstanceOf(TransitionResult.Applied.class, one).state();

    // Height 2 follows the milestone: two are one too many, one is fine.
    List<SignedTransaction> next = List.of(transfer(0, 1), transfer(1, 1));
    TransitionResult tooMany = st.apply(s1, 2, proposer, next, new BlockOutcome.Idle());
    assertEquals(
        RejectReason.TOO_MANY_TRANSACTIONS,
        assertInstanceOf(TransitionResult.Rejected.class, tooMany).rejection().reason());
    assertInstanceOf(
        TransitionResult.Applied.class,
        st.apply(s1, 2, proposer, next.subList(0, 1), new BlockOutcome.Idle()));

    // A block builder at height 2 stops at the new limit.
    StateTransition.Assembly built =
        st.assemble(s1, 2, proposer, next, new BlockOutcome.Idle(), 100, 1 << 20);
    assertEquals(1, built.included().size());
  }

  @Test
  void milestoneLowersTheTransactionSizeAtItsHeight() {
    Genesis base = Fixtures.genesis(4);
    int size = transfer(0, 0).encode().length;
    Genesis g = withMilestone(base, 2, withMaxTransactionBytes(base.spec(0), size - 1));
    StateTransition st = new StateTransition(g, NO_EVIDENCE, ForkJoinPool.commonPool());
    TransitionResult ok =
        st.apply(st.genesisState(), 1, proposer, List.of(transfer(0, 0)), new BlockOutcome.Idle());
    WorldState s1 = assertInstanceOf(TransitionResult.Applied.class, ok).state();
    TransitionResult big =
        st.apply(s1, 2, proposer, List.of(transfer(0, 1)), new BlockOutcome.Idle());
    assertEquals(
        RejectReason.TOO_LARGE,
        assertInstanceOf(TransitionResult.Rejected.class, big).rejection().reason());
  }
}

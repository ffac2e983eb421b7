package org.learnchain.ledger.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.learnchain.config.Genesis;
import org.learnchain.config.Rewards;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Account;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.Delegate;
import org.learnchain.ledger.Evidence;
import org.learnchain.ledger.Fixtures;
import org.learnchain.ledger.LedgerLimits;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.ProblemStatus;
import org.learnchain.ledger.RejectReason;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Stake;
import org.learnchain.ledger.SubmitProblem;
import org.learnchain.ledger.Transaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.ledger.Undelegate;
import org.learnchain.ledger.Unstake;

/** One test per rule of the state transition, each checking the exact reason or the exact sums. */
class StateRulesTest {
  static final byte[] GUILTY_OF_1 = {1};

  final Genesis genesis = Fixtures.genesis(4);
  final EvidenceVerifier verifier =
      (proof, height) ->
          Arrays.equals(proof, GUILTY_OF_1) || Arrays.equals(proof, new byte[] {1, 1})
              ? Optional.of(Fixtures.key(1).publicKey())
              : Optional.empty();
  final StateTransition st = new StateTransition(genesis, verifier, ForkJoinPool.commonPool());
  final PublicKey proposer = Fixtures.key("proposer").publicKey();
  final BlockOutcome idle = new BlockOutcome.Idle();

  static SignedTransaction tx(PrivateKey key, long nonce, long fee, Transaction payload) {
    return SignedTransaction.sign(key, Fixtures.CHAIN, nonce, fee, payload);
  }

  static SignedTransaction tx(int member, long nonce, Transaction payload) {
    return tx(Fixtures.key(member), nonce, 10, payload);
  }

  WorldState ok(WorldState parent, BlockOutcome outcome, SignedTransaction... txs) {
    TransitionResult r = st.apply(parent, parent.height() + 1, proposer, List.of(txs), outcome);
    if (r instanceof TransitionResult.Rejected rej) {
      throw new AssertionError("rejected: " + rej.rejection());
    }
    WorldState s = ((TransitionResult.Applied) r).state();
    assertEquals(s.meta().expectedSupply(), s.totalHeld());
    return s;
  }

  WorldState ok(WorldState parent, SignedTransaction... txs) {
    return ok(parent, idle, txs);
  }

  WorldState idleBlocks(WorldState s, int n) {
    for (int i = 0; i < n; i++) {
      s = ok(s);
    }
    return s;
  }

  BlockRejection bad(WorldState parent, BlockOutcome outcome, SignedTransaction... txs) {
    TransitionResult r = st.apply(parent, parent.height() + 1, proposer, List.of(txs), outcome);
    return assertInstanceOf(TransitionResult.Rejected.class, r).rejection();
  }

  RejectReason reason(WorldState parent, SignedTransaction... txs) {
    return bad(parent, idle, txs).reason();
  }

  @Test
  void envelopeRules() {
    WorldState g = st.genesisState();
    Transfer t = new Transfer(Fixtures.address(1), 5);
    assertEquals(
        RejectReason.WRONG_CHAIN,
        reason(g, SignedTransaction.sign(Fixtures.key(0), "other-chain", 0, 10, t)));
    SignedTransaction good = tx(0, 0, t);
    SignedTransaction forged =
        new SignedTransaction(
            good.chainId(),
            good.sender(),
            0,
            10,
            new Transfer(Fixtures.address(1), 6),
            good.signature());
    assertEquals(RejectReason.BAD_SIGNATURE, reason(g, forged));
    assertEquals(RejectReason.FEE_TOO_LOW, reason(g, tx(Fixtures.key(0), 0, 9, t)));
    assertEquals(RejectReason.NONCE_TOO_HIGH, reason(g, tx(0, 1, t)));
    assertEquals(
        RejectReason.INVALID_AMOUNT, reason(g, tx(0, 0, new Transfer(Fixtures.address(1), 0))));
    assertEquals(RejectReason.INVALID_AMOUNT, reason(g, tx(0, 0, new Stake(-5))));
    assertEquals(
        RejectReason.INSUFFICIENT_BALANCE,
        reason(g, tx(0, 0, new Transfer(Fixtures.address(1), 1_000_000 - 9))));
    assertEquals(
        RejectReason.INSUFFICIENT_BALANCE,
        reason(g, tx(0, 0, new Transfer(Fixtures.address(1), Long.MAX_VALUE))));
    assertEquals(
        RejectReason.WRONG_HEIGHT,
        st.apply(g, 2, proposer, List.of(), idle) instanceof TransitionResult.Rejected r
            ? r.rejection().reason()
            : null);
  }

  @Test
  void noReplayNeitherInTheSameBlockNorLater() {
    WorldState g = st.genesisState();
    SignedTransaction t = tx(0, 0, new Transfer(Fixtures.address(1), 5));
    BlockRejection twice = bad(g, idle, t, t);
    assertEquals(1, twice.txIndex());
    assertEquals(RejectReason.NONCE_TOO_LOW, twice.reason());
    WorldState s = ok(g, t);
    assertEquals(RejectReason.NONCE_TOO_LOW, reason(s, t));
    // Spending everything down to the last unit is fine; one more is not.
    long all = s.account(Fixtures.address(0)).balance() - 10;
    WorldState drained = ok(s, tx(0, 1, new Transfer(Fixtures.address(2), all)));
    assertEquals(0, drained.account(Fixtures.address(0)).balance());
    assertEquals(
        RejectReason.INSUFFICIENT_BALANCE,
        reason(drained, tx(0, 2, new Transfer(Fixtures.address(2), 1))));
  }

  @Test
  void submitProblemBoundsAndEscrow() {
    WorldState g = st.genesisState();
    assertEquals(RejectReason.BOUNTY_TOO_LOW, reason(g, tx(0, 0, Fixtures.problem(999, "a"))));
    SubmitProblem hugeTrain =
        new SubmitProblem(
            Fixtures.hash("t"),
            50_000_001,
            Fixtures.hash("i"),
            Fixtures.hash("l"),
            10,
            new byte[1],
            5_000);
    assertEquals(RejectReason.INVALID_PROBLEM, reason(g, tx(0, 0, hugeTrain)));
    SubmitProblem manySamples =
        new SubmitProblem(
            Fixtures.hash("t"),
            10,
            Fixtures.hash("i"),
            Fixtures.hash("l"),
            10_001,
            new byte[1],
            5_000);
    assertEquals(RejectReason.INVALID_PROBLEM, reason(g, tx(0, 0, manySamples)));
    SubmitProblem bigSpec =
        new SubmitProblem(
            Fixtures.hash("t"),
            10,
            Fixtures.hash("i"),
            Fixtures.hash("l"),
            10,
            new byte[LedgerLimits.MAX_SPEC_BYTES + 1],
            5_000);
    assertEquals(RejectReason.INVALID_PROBLEM, reason(g, tx(0, 0, bigSpec)));
    // A funded outsider is not a submitter.
    PrivateKey outsider = Fixtures.key("outsider");
    WorldState funded = ok(g, tx(0, 0, new Transfer(outsider.publicKey().address(), 100_000)));
    assertEquals(
        RejectReason.NOT_A_SUBMITTER,
        reason(funded, tx(outsider, 0, 10, Fixtures.problem(5_000, "o"))));

    WorldState s = ok(funded, tx(1, 0, Fixtures.problem(5_000, "b")));
    assertEquals(1_000_000 - 5_010, s.account(Fixtures.address(1)).balance());
    PendingProblem p = s.selectProblem().orElseThrow();
    assertEquals(5_000, p.bounty());
    assertEquals(2, p.includedHeight());
    assertEquals(Fixtures.address(1), p.submitter());
    assertEquals(1, s.meta().pendingProblems());
  }

  @Test
  void selectionPrefersHighestBountyThenEarliestInclusion() {
    WorldState g = st.genesisState();
    SignedTransaction low = tx(0, 0, Fixtures.problem(2_000, "low"));
    SignedTransaction highLate = tx(1, 0, Fixtures.problem(3_000, "late"));
    SignedTransaction highEarly = tx(2, 0, Fixtures.problem(3_000, "early"));
    WorldState s = ok(g, low, highEarly);
    s = ok(s, highLate);
    assertEquals(highEarly.hash(), s.selectProblem().orElseThrow().id());
    List<PendingProblem> order = s.pendingProblems();
    assertEquals(
        List.of(highEarly.hash(), highLate.hash(), low.hash()),
        order.stream().map(PendingProblem::id).toList());
    // Same height, same bounty: the lower tx index wins.
    WorldState t =
        ok(g, tx(3, 0, Fixtures.problem(3_000, "x")), tx(2, 0, Fixtures.problem(3_000, "y")));
    assertEquals(0, t.selectProblem().orElseThrow().txIndex());
  }

  @Test
  void unstakedUnitsStayLockedForTheUnbondingDelay() {
    WorldState g = st.genesisState();
    Address a = Fixtures.address(0);
    WorldState s = ok(g, tx(0, 0, new Stake(1_000)));
    assertEquals(11_000, s.account(a).stake());
    assertEquals(RejectReason.INSUFFICIENT_STAKE, reason(s, tx(0, 1, new Unstake(11_001))));
    s = ok(s, tx(0, 1, new Unstake(4_000))); // height 2, delay 5: released at height 7
    Account acc = s.account(a);
    assertEquals(7_000, acc.stake());
    assertEquals(List.of(new Account.Unbonding(4_000, 7)), acc.unbonding());
    long balance = acc.balance();
    s = idleBlocks(s, 4); // heights 3..6
    assertEquals(balance, s.account(a).balance());
    assertEquals(6, s.height());
    s = ok(s); // height 7
    assertEquals(balance + 4_000, s.account(a).balance());
    assertTrue(s.account(a).unbonding().isEmpty());
  }

  @Test
  void delegationRules() {
    WorldState g = st.genesisState();
    PrivateKey outsider = Fixtures.key("outsider");
    Address miner = Fixtures.address(1);
    assertEquals(
        RejectReason.NOT_A_MINER,
        reason(g, tx(0, 0, new Delegate(outsider.publicKey().address(), 5))));
    assertEquals(RejectReason.SELF_DELEGATION, reason(g, tx(1, 0, new Delegate(miner, 5))));
    WorldState s = ok(g, tx(0, 0, new Delegate(miner, 500)));
    assertEquals(500, s.account(Fixtures.address(0)).delegatedTo(miner));
    assertEquals(
        List.of(new Account.Delegation(Fixtures.address(0), 500)), s.account(miner).backers());
    assertEquals(
        RejectReason.INSUFFICIENT_DELEGATION, reason(s, tx(0, 1, new Undelegate(miner, 501))));
    s = ok(s, tx(0, 1, new Undelegate(miner, 500)));
    assertTrue(s.account(miner).backers().isEmpty());
    assertTrue(s.account(Fixtures.address(0)).delegations().isEmpty());
    assertEquals(
        List.of(new Account.Unbonding(500, 7)), s.account(Fixtures.address(0)).unbonding());
  }

  @Test
  void evidenceSlashesStakeAndUnbondingOnceperProof() {
    WorldState g = st.genesisState();
    Address offender = Fixtures.address(1);
    WorldState s = ok(g, tx(1, 0, new Unstake(2_000))); // stake 8000, unbonding 2000
    assertEquals(RejectReason.INVALID_EVIDENCE, reason(s, tx(0, 0, new Evidence(new byte[] {2}))));
    TransitionResult r =
        st.apply(s, 2, proposer, List.of(tx(0, 0, new Evidence(GUILTY_OF_1))), idle);
    TransitionResult.Applied applied = assertInstanceOf(TransitionResult.Applied.class, r);
    WorldState after = applied.state();
    assertEquals(4_000, after.account(offender).stake());
    assertEquals(List.of(new Account.Unbonding(1_000, 6)), after.account(offender).unbonding());
    assertEquals(5_000, applied.burned());
    assertEquals(
        5_000, after.evidence(new Evidence(GUILTY_OF_1).proofHash()).orElseThrow().slashed());
    assertEquals(after.meta().expectedSupply(), after.totalHeld());
    assertEquals(
        RejectReason.EVIDENCE_ALREADY_USED, reason(after, tx(2, 0, new Evidence(GUILTY_OF_1))));
    BlockRejection sameBlock =
        bad(
            s,
            idle,
            tx(0, 0, new Evidence(new byte[] {1, 1})),
            tx(2, 0, new Evidence(new byte[] {1, 1})));
    assertEquals(1, sameBlock.txIndex());
    assertEquals(RejectReason.EVIDENCE_ALREADY_USED, sameBlock.reason());
  }

  @Test
  void unsolvedProblemsExpireAndAreRefundedLessTheFee() {
    WorldState g = st.genesisState();
    SignedTransaction submit = tx(0, 0, Fixtures.problem(5_000, "e"));
    WorldState s = ok(g, submit); // height 1, ttl 20: expires at 21
    long before = s.account(Fixtures.address(0)).balance();
    s = idleBlocks(s, 19);
    assertEquals(20, s.height());
    assertTrue(s.selectProblem().isPresent());
    long proposerBefore = s.account(proposer.address()).balance();
    s = ok(s);
    assertTrue(s.selectProblem().isEmpty());
    assertEquals(before + 5_000 - 10, s.account(Fixtures.address(0)).balance());
    assertEquals(proposerBefore + 10, s.account(proposer.address()).balance());
    PendingProblem p = s.problem(submit.hash()).orElseThrow();
    assertEquals(ProblemStatus.EXPIRED, p.status());
    assertEquals(21, p.closedHeight());
    assertEquals(0, s.meta().pendingProblems());
  }

  @Test
  void wastedRoundsPayTheCommittersAndBurnTheRemainder() {
    WorldState g = st.genesisState();
    SignedTransaction submit = tx(0, 0, Fixtures.problem(1_000, "w"));
    WorldState s = ok(g, submit);
    var noOne = new BlockOutcome.Wasted(submit.hash(), List.of());
    assertEquals(RejectReason.NO_COMMITTERS, bad(s, noOne).reason());
    var withSubmitter =
        new BlockOutcome.Wasted(submit.hash(), List.of(Fixtures.address(1), Fixtures.address(0)));
    assertEquals(RejectReason.PARTICIPANT_NOT_ELIGIBLE, bad(s, withSubmitter).reason());
    var three =
        new BlockOutcome.Wasted(
            submit.hash(), List.of(Fixtures.address(1), Fixtures.address(2), Fixtures.address(3)));
    TransitionResult.Applied r =
        assertInstanceOf(
            TransitionResult.Applied.class, st.apply(s, 2, proposer, List.of(), three));
    assertEquals(1_000_000 + 333, r.state().account(Fixtures.address(2)).balance());
    assertEquals(1, r.burned());
    assertEquals(ProblemStatus.WASTED, r.state().problem(submit.hash()).orElseThrow().status());
  }

  /**
   * Fair pay: leaving someone out gains the block's proposer nothing. A wasted round pays each
   * eligible miner (every miner but the submitter) a fixed share whether or not others are listed,
   * and the validator pool is split in fixed shares over the whole validator set; what an absent
   * committer or signer would have had is burned.
   */
  @Test
  void omittingCommittersOrSignersBurnsTheirSharesInsteadOfPayingTheRest() {
    WorldState g = st.genesisState();
    SignedTransaction submit = tx(0, 0, Fixtures.problem(1_000, "f"));
    WorldState s = ok(g, submit);
    TransitionResult.Applied wasted =
        assertInstanceOf(
            TransitionResult.Applied.class,
            st.apply(
                s,
                2,
                proposer,
                List.of(),
                new BlockOutcome.Wasted(submit.hash(), List.of(Fixtures.address(1)))));
    // Three eligible miners (members 1-3): one third each, the two absent thirds burned.
    assertEquals(1_000_000 + 333, wasted.state().account(Fixtures.address(1)).balance());
    assertEquals(667, wasted.burned());
    TransitionResult.Applied useful =
        assertInstanceOf(
            TransitionResult.Applied.class,
            st.apply(
                s,
                2,
                proposer,
                List.of(),
                new BlockOutcome.UsefulWork(
                    submit.hash(), Fixtures.address(1), List.of(Fixtures.address(2)))));
    // The validator pool (200) in four fixed shares: one signer is paid 50, 150 burned.
    assertEquals(1_000_000 + 50, useful.state().account(Fixtures.address(2)).balance());
    assertEquals(100 + 150, useful.burned());
  }

  @Test
  void usefulWorkOutcomeIsChecked() {
    WorldState g = st.genesisState();
    SignedTransaction submit = tx(0, 0, Fixtures.problem(1_000, "u"));
    var sameBlock = new BlockOutcome.UsefulWork(submit.hash(), Fixtures.address(1), List.of());
    assertEquals(RejectReason.PROBLEM_NOT_PENDING, bad(g, sameBlock, submit).reason());
    WorldState s = ok(g, submit);
    assertEquals(
        RejectReason.WINNER_NOT_ELIGIBLE,
        bad(s, new BlockOutcome.UsefulWork(submit.hash(), Fixtures.address(0), List.of()))
            .reason());
    assertEquals(
        RejectReason.WINNER_NOT_ELIGIBLE,
        bad(
                s,
                new BlockOutcome.UsefulWork(
                    submit.hash(), Fixtures.key("x").publicKey().address(), List.of()))
            .reason());
    assertEquals(
        RejectReason.DUPLICATE_PARTICIPANT,
        bad(
                s,
                new BlockOutcome.UsefulWork(
                    submit.hash(),
                    Fixtures.address(1),
                    List.of(Fixtures.address(2), Fixtures.address(2))))
            .reason());
    assertEquals(
        RejectReason.PARTICIPANT_NOT_ELIGIBLE,
        bad(
                s,
                new BlockOutcome.UsefulWork(
                    submit.hash(),
                    Fixtures.address(1),
                    List.of(Fixtures.key("x").publicKey().address())))
            .reason());
    // No attesters: the validator share is burned with the rest.
    TransitionResult.Applied r =
        assertInstanceOf(
            TransitionResult.Applied.class,
            st.apply(
                s,
                2,
                proposer,
                List.of(),
                new BlockOutcome.UsefulWork(submit.hash(), Fixtures.address(1), List.of())));
    assertEquals(100 + 200, r.burned());
    assertEquals(1_000_000 + 700, r.state().account(Fixtures.address(1)).balance());
  }

  @Test
  void subsidyIsMintedForTheWinner() {
    Rewards withSubsidy = new Rewards(0, 0, 0, 500, 10, 1_000, 5_000);
    Genesis g2 = Fixtures.genesis(4, 1_000_000, 0, withSubsidy, 20, 5);
    StateTransition st2 = new StateTransition(g2, verifier);
    SignedTransaction submit = tx(0, 0, Fixtures.problem(1_000, "s"));
    WorldState s =
        ((TransitionResult.Applied)
                st2.apply(st2.genesisState(), 1, proposer, List.of(submit), idle))
            .state();
    TransitionResult.Applied r =
        (TransitionResult.Applied)
            st2.apply(
                s,
                2,
                proposer,
                List.of(),
                new BlockOutcome.UsefulWork(submit.hash(), Fixtures.address(1), List.of()));
    assertEquals(500, r.minted());
    assertEquals(1_000_000 + 1_000 + 500, r.state().account(Fixtures.address(1)).balance());
    assertEquals(r.state().meta().expectedSupply(), r.state().totalHeld());
    assertEquals(4_000_000 + 500, r.state().meta().expectedSupply());
  }

  @Test
  void assembleSkipsInvalidCandidatesAndTheirLaterNonces() {
    WorldState g = st.genesisState();
    List<SignedTransaction> candidates = new ArrayList<>();
    candidates.add(tx(0, 0, new Transfer(Fixtures.address(9), 5)));
    candidates.add(tx(1, 0, new Transfer(Fixtures.address(9), 2_000_000))); // unaffordable
    candidates.add(tx(1, 1, new Transfer(Fixtures.address(9), 5))); // gapped behind it
    candidates.add(tx(0, 1, new Transfer(Fixtures.address(9), 5)));
    candidates.add(tx(2, 0, new Transfer(Fixtures.address(9), 5)));
    StateTransition.Assembly a = st.assemble(g, 1, proposer, candidates, idle, 3, Long.MAX_VALUE);
    assertEquals(List.of(candidates.get(0), candidates.get(3), candidates.get(4)), a.included());
    assertEquals(2, a.skipped().size());
    assertEquals(RejectReason.INSUFFICIENT_BALANCE, a.skipped().get(0).reason().reason());
    assertEquals(RejectReason.NONCE_TOO_HIGH, a.skipped().get(1).reason().reason());
    TransitionResult.Applied built = assertInstanceOf(TransitionResult.Applied.class, a.result());
    // A verifier applying exactly the included list reaches the same root.
    TransitionResult.Applied verified =
        assertInstanceOf(
            TransitionResult.Applied.class, st.apply(g, 1, proposer, a.included(), idle));
    assertEquals(built.stateRoot(), verified.stateRoot());
  }

  @Test
  void checkAnswersWithoutChangingTheState() {
    WorldState g = st.genesisState();
    assertTrue(st.check(g, tx(0, 0, new Transfer(Fixtures.address(9), 5))).isEmpty());
    assertEquals(
        RejectReason.NONCE_TOO_HIGH,
        st.check(g, tx(0, 3, new Transfer(Fixtures.address(9), 5))).orElseThrow().reason());
    assertTrue(st.checkStateless(tx(0, 3, new Transfer(Fixtures.address(9), 5))).isEmpty());
    assertEquals(
        RejectReason.INVALID_AMOUNT,
        st.checkStateless(tx(0, 3, new Transfer(Fixtures.address(9), -1))).orElseThrow().reason());
    assertEquals(1_000_000, g.account(Fixtures.address(0)).balance());
  }
}

package org.learnchain.ledger.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.learnchain.config.Genesis;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.Delegate;
import org.learnchain.ledger.Fixtures;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.ProblemStatus;
import org.learnchain.ledger.RejectReason;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transaction;
import org.learnchain.ledger.Transfer;

class StateTransitionTest {
  static final EvidenceVerifier NO_EVIDENCE = (proof, height) -> Optional.empty();

  final Genesis genesis = Fixtures.genesis(4);
  final StateTransition st = new StateTransition(genesis, NO_EVIDENCE, ForkJoinPool.commonPool());
  final PublicKey proposer = Fixtures.key("proposer").publicKey();
  final Address proposerAddress = proposer.address();

  static SignedTransaction tx(int member, long nonce, Transaction payload) {
    return SignedTransaction.sign(Fixtures.key(member), Fixtures.CHAIN, nonce, 10, payload);
  }

  TransitionResult.Applied applied(TransitionResult r) {
    if (r instanceof TransitionResult.Rejected rej) {
      throw new AssertionError("rejected: " + rej.rejection());
    }
    return (TransitionResult.Applied) r;
  }

  BlockRejection rejected(TransitionResult r) {
    return assertInstanceOf(TransitionResult.Rejected.class, r).rejection();
  }

  static void assertSupplyConserved(WorldState s) {
    assertEquals(s.meta().expectedSupply(), s.totalHeld(), "supply identity at " + s);
  }

  @Test
  void transferMovesFundsAndPaysTheFeeToTheProposer() {
    WorldState g = st.genesisState();
    Address to = Fixtures.address(99);
    var r = applied(st.apply(g, 1, proposer, List.of(tx(0, 0, new Transfer(to, 500))), idle()));
    WorldState s = r.state();
    assertEquals(1_000_000 - 510, s.account(Fixtures.address(0)).balance());
    assertEquals(1, s.account(Fixtures.address(0)).nonce());
    assertEquals(500, s.account(to).balance());
    assertEquals(10, s.account(proposerAddress).balance());
    assertEquals(10, r.fees());
    assertEquals(1, s.height());
    assertNotEquals(g.root(), s.root());
    assertSupplyConserved(s);
    // The parent is untouched: states are immutable snapshots.
    assertEquals(1_000_000, g.account(Fixtures.address(0)).balance());
    assertEquals(0, g.height());
  }

  @Test
  void sameBlockGivesSameRootOnEveryRun() {
    WorldState g = st.genesisState();
    List<SignedTransaction> txs =
        List.of(
            tx(0, 0, new Transfer(Fixtures.address(1), 5)),
            tx(1, 0, new Transfer(Fixtures.address(0), 7)));
    var a = applied(st.apply(g, 1, proposer, txs, idle()));
    var b = applied(st.apply(st.genesisState(), 1, proposer, txs, idle()));
    assertEquals(a.stateRoot(), b.stateRoot());
    assertEquals(a.diff().changes(), b.diff().changes());
  }

  @Test
  void usefulWorkPaysBurnValidatorsDelegatorsAndWinnerExactly() {
    WorldState g = st.genesisState();
    PrivateKey submitter = Fixtures.key(0);
    SignedTransaction submit =
        SignedTransaction.sign(submitter, Fixtures.CHAIN, 0, 10, Fixtures.problem(10_000, "a"));
    Address winner = Fixtures.address(1);
    var b1 =
        applied(
            st.apply(
                g,
                1,
                proposer,
                List.of(
                    submit,
                    tx(2, 0, new Delegate(winner, 100)),
                    tx(3, 0, new Delegate(winner, 300))),
                idle()));
    PendingProblem p = b1.state().selectProblem().orElseThrow();
    assertEquals(submit.hash(), p.id());
    assertEquals(10_000, p.bounty());
    assertSupplyConserved(b1.state());

    var outcome =
        new BlockOutcome.UsefulWork(
            p.id(), winner, List.of(Fixtures.address(2), Fixtures.address(3)));
    var b2 = applied(st.apply(b1.state(), 2, proposer, List.of(), outcome));
    WorldState s = b2.state();
    // burn 1000; validators 2000 in four fixed shares of 500, two signers paid, 1000 burned; miner
    // part 7000, of which 25% = 1750 to backers 100:300 -> 437 and 1312 (1 unit of rounding
    // burned); winner keeps 5250.
    assertEquals(1_000_000 + 5_250, s.account(winner).balance());
    assertEquals(1_000_000 - 10 - 100 + 500 + 437, s.account(Fixtures.address(2)).balance());
    assertEquals(1_000_000 - 10 - 300 + 500 + 1_312, s.account(Fixtures.address(3)).balance());
    assertEquals(2_001, b2.burned());
    assertEquals(0, b2.minted());
    assertEquals(2_001, s.meta().burned());
    assertTrue(s.selectProblem().isEmpty());
    assertEquals(ProblemStatus.SOLVED, s.problem(p.id()).orElseThrow().status());
    assertEquals(2, s.problem(p.id()).orElseThrow().closedHeight());
    assertSupplyConserved(s);

    // The same outcome cannot be paid twice.
    BlockRejection again = rejected(st.apply(s, 3, proposer, List.of(), outcome));
    assertEquals(RejectReason.PROBLEM_NOT_PENDING, again.reason());
  }

  static BlockOutcome idle() {
    return new BlockOutcome.Idle();
  }
}

package org.learnchain.ledger.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Account;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.Delegate;
import org.learnchain.ledger.Evidence;
import org.learnchain.ledger.Fixtures;
import org.learnchain.ledger.Payment;
import org.learnchain.ledger.PaymentKind;
import org.learnchain.ledger.RandomChain;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.ledger.Unstake;

/** The payment records the state transition emits: exact, complete and the same on every run. */
class PaymentRecordsTest {
  static final byte[] GUILTY_OF_1 = StateRulesTest.GUILTY_OF_1;
  final StateTransition st =
      new StateTransition(
          Fixtures.genesis(4),
          (proof, height) ->
              Arrays.equals(proof, GUILTY_OF_1)
                  ? Optional.of(Fixtures.key(1).publicKey())
                  : Optional.empty(),
          ForkJoinPool.commonPool());
  final PublicKey proposer = Fixtures.key("proposer").publicKey();
  final BlockOutcome idle = new BlockOutcome.Idle();

  static SignedTransaction tx(int member, long nonce, Transaction payload) {
    return StateRulesTest.tx(member, nonce, payload);
  }

  WorldState ok(WorldState parent, SignedTransaction... txs) {
    return applied(parent, idle, txs).state();
  }

  WorldState idleBlocks(WorldState s, int n) {
    for (int i = 0; i < n; i++) {
      s = ok(s);
    }
    return s;
  }

  private TransitionResult.Applied applied(
      WorldState parent, BlockOutcome outcome, SignedTransaction... txs) {
    return assertInstanceOf(
        TransitionResult.Applied.class,
        st.apply(parent, parent.height() + 1, proposer, List.of(txs), outcome));
  }

  private static long sum(List<Payment> ps, PaymentKind kind, Address a) {
    return ps.stream()
        .filter(p -> p.kind() == kind && p.account().equals(a))
        .mapToLong(Payment::amount)
        .sum();
  }

  @Test
  void aSolvedRoundRecordsEveryShareAndFee() {
    WorldState g = st.genesisState();
    SignedTransaction submit = tx(0, 0, Fixtures.problem(10_000, "pay"));
    WorldState s = ok(g, submit, tx(2, 0, new Delegate(Fixtures.address(1), 3_000)));
    Address winner = Fixtures.address(1);
    List<Address> attesters = List.of(Fixtures.address(0), Fixtures.address(2));
    TransitionResult.Applied r =
        applied(s, new BlockOutcome.UsefulWork(submit.hash(), winner, attesters));
    List<Payment> ps = r.payments();
    // Every recorded credit is exactly what the balances gained (no transactions in the block).
    Set<Address> touched = new HashSet<>();
    ps.forEach(p -> touched.add(p.account()));
    for (Address a : touched) {
      long credits =
          ps.stream().filter(p -> p.account().equals(a)).mapToLong(Payment::amount).sum();
      assertEquals(
          s.account(a).balance() + credits, r.state().account(a).balance(), "balance of " + a);
    }
    assertTrue(sum(ps, PaymentKind.BOUNTY, winner) > 0);
    assertTrue(sum(ps, PaymentKind.DELEGATOR_SHARE, Fixtures.address(2)) > 0);
    assertEquals(
        sum(ps, PaymentKind.VALIDATOR_SHARE, Fixtures.address(0)),
        sum(ps, PaymentKind.VALIDATOR_SHARE, Fixtures.address(2)));
    // The escrowed bounty is paid, burned or (never) lost: shares + burn = bounty.
    long paidOut =
        ps.stream().filter(p -> p.kind() != PaymentKind.SUBSIDY).mapToLong(Payment::amount).sum();
    assertEquals(10_000, paidOut + r.burned());
    // The same block applied again records the same list, in the same order.
    assertEquals(
        ps, applied(s, new BlockOutcome.UsefulWork(submit.hash(), winner, attesters)).payments());
  }

  @Test
  void feesSlashesAndMaturedUnbondingAreRecordedAndRejectedTransactionsLeaveNone() {
    WorldState g = st.genesisState();
    TransitionResult.Applied r1 =
        applied(
            g, idle, tx(1, 0, new Unstake(2_000)), tx(0, 0, new Transfer(Fixtures.address(3), 5)));
    // The proposer's fees are one record per block.
    assertEquals(List.of(new Payment(PaymentKind.FEE, proposer.address(), 20)), r1.payments());
    TransitionResult.Applied r2 = applied(r1.state(), idle, tx(0, 1, new Evidence(GUILTY_OF_1)));
    assertEquals(
        List.of(
            new Payment(PaymentKind.SLASH, Fixtures.address(1), 5_000),
            new Payment(PaymentKind.FEE, proposer.address(), 10)),
        r2.payments());
    // A builder skips an invalid candidate: it leaves no payment behind.
    StateTransition.Assembly a =
        st.assemble(
            r2.state(),
            3,
            proposer,
            List.of(
                tx(0, 2, new Evidence(GUILTY_OF_1)),
                tx(0, 2, new Transfer(Fixtures.address(3), 1))),
            idle,
            100,
            1 << 20);
    assertEquals(1, a.skipped().size());
    TransitionResult.Applied r3 = assertInstanceOf(TransitionResult.Applied.class, a.result());
    assertEquals(List.of(new Payment(PaymentKind.FEE, proposer.address(), 10)), r3.payments());
    // Unstaked at height 1 with delay 5: 1000 left after the 50% slash comes back at height 6.
    WorldState s = r3.state();
    s = idleBlocks(s, 2);
    assertEquals(5, s.height());
    TransitionResult.Applied r6 = applied(s, idle);
    assertEquals(
        List.of(new Payment(PaymentKind.UNBONDED, Fixtures.address(1), 1_000)), r6.payments());
  }

  /**
   * Over a random chain (transfers, staking, delegation, problems, outcomes, expiry, evidence):
   * every balance change is explained by the block's payments, the transfers received and what the
   * account's own transactions spent; every slash by the stake and unbonding it removed.
   */
  @Test
  void paymentsExplainEveryBalanceChangeOnARandomChain() {
    RandomChain chain = new RandomChain(7, 30, ForkJoinPool.commonPool());
    Block block = chain.transition().genesisBlock();
    WorldState state = chain.transition().genesisState();
    Map<PaymentKind, Integer> seen = new EnumMap<>(PaymentKind.class);
    for (int h = 1; h <= 150; h++) {
      RandomChain.Built b = chain.next(block, state);
      WorldState next = b.applied().state();
      Map<Address, Long> expected = new HashMap<>();
      Map<Address, Long> slashed = new HashMap<>();
      for (Payment p : b.applied().payments()) {
        seen.merge(p.kind(), 1, Integer::sum);
        if (p.kind().isDebit()) {
          slashed.merge(p.account(), p.amount(), Long::sum);
        } else {
          expected.merge(p.account(), p.amount(), Long::sum);
        }
      }
      for (SignedTransaction tx : b.block().transactions()) {
        Address from = tx.sender().address();
        expected.merge(from, -(tx.fee() + tx.payload().spend()), Long::sum);
        if (tx.payload() instanceof Transfer t) {
          expected.merge(t.to(), t.amount(), Long::sum);
        }
      }
      Set<Address> all = new HashSet<>(expected.keySet());
      all.addAll(slashed.keySet());
      for (Address a : all) {
        Account before = state.account(a);
        Account after = next.account(a);
        assertEquals(
            before.balance() + expected.getOrDefault(a, 0L),
            after.balance(),
            "balance of " + a + " at height " + h);
      }
      state = next;
      block = b.block();
    }
    assertTrue(seen.containsKey(PaymentKind.FEE), "kinds seen: " + seen);
    assertTrue(seen.containsKey(PaymentKind.VALIDATOR_SHARE), "kinds seen: " + seen);
    assertTrue(seen.containsKey(PaymentKind.BOUNTY), "kinds seen: " + seen);
  }
}

package org.learnchain.ledger.mempool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.Fixtures;
import org.learnchain.ledger.RejectReason;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;

class MempoolTest {
  final StateTransition st =
      new StateTransition(Fixtures.genesis(8), (proof, height) -> Optional.empty());
  final WorldState head = st.genesisState();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  Mempool pool(int maxTx, long maxBytes, int perSender) {
    return new Mempool(st, new MempoolConfig(maxTx, maxBytes, perSender, 8), registry);
  }

  static SignedTransaction tx(int member, long nonce, long fee) {
    return SignedTransaction.sign(
        Fixtures.key(member), Fixtures.CHAIN, nonce, fee, new Transfer(Fixtures.address(50), 1));
  }

  static RejectReason reason(Admission a) {
    return assertInstanceOf(Admission.Rejected.class, a).reason();
  }

  static Admission.Accepted accepted(Admission a) {
    return assertInstanceOf(Admission.Accepted.class, a);
  }

  @Test
  void validatesOnEntryWithAReason() {
    Mempool m = pool(100, 1 << 20, 16);
    assertEquals(RejectReason.MALFORMED, reason(m.addEncoded(new byte[] {1, 2, 3}, head)));
    SignedTransaction t = tx(0, 0, 10);
    accepted(m.addEncoded(t.encode(), head));
    assertEquals(RejectReason.DUPLICATE, reason(m.add(t, head)));
    assertEquals(
        RejectReason.WRONG_CHAIN,
        reason(
            m.add(
                SignedTransaction.sign(
                    Fixtures.key(1), "elsewhere", 0, 10, new Transfer(Fixtures.address(2), 1)),
                head)));
    SignedTransaction forged =
        new SignedTransaction(
            Fixtures.CHAIN, Fixtures.key(1).publicKey(), 0, 10, t.payload(), t.signature());
    assertEquals(RejectReason.BAD_SIGNATURE, reason(m.add(forged, head)));
    assertEquals(RejectReason.FEE_TOO_LOW, reason(m.add(tx(2, 0, 9), head)));
    assertEquals(RejectReason.NONCE_TOO_HIGH, reason(m.add(tx(2, 9, 10), head)));
    PrivateKey poor = Fixtures.key("poor");
    assertEquals(
        RejectReason.INSUFFICIENT_BALANCE,
        reason(
            m.add(
                SignedTransaction.sign(
                    poor, Fixtures.CHAIN, 0, 10, new Transfer(Fixtures.address(1), 1)),
                head)));
    assertEquals(
        RejectReason.INSUFFICIENT_BALANCE,
        reason(
            m.add(
                SignedTransaction.sign(
                    poor, Fixtures.CHAIN, 3, 10, new Transfer(Fixtures.address(1), 1)),
                head)));
    assertEquals(1, m.size());
    assertEquals(
        1.0, registry.get("ledger_mempool_rejected").tag("reason", "DUPLICATE").counter().count());
    assertEquals(1.0, registry.get("ledger_mempool_transactions").gauge().value());
  }

  @Test
  void gappedTransactionsWaitAndNoncesStayInOrder() {
    Mempool m = pool(100, 1 << 20, 16);
    accepted(m.add(tx(0, 1, 100), head));
    assertTrue(m.executable(head, 10, Long.MAX_VALUE).isEmpty());
    accepted(m.add(tx(0, 0, 10), head));
    accepted(m.add(tx(1, 0, 50), head));
    List<SignedTransaction> batch = m.executable(head, 10, Long.MAX_VALUE);
    // Highest fee first among senders' next transactions, never a nonce before its predecessor.
    assertEquals(List.of(tx(1, 0, 50), tx(0, 0, 10), tx(0, 1, 100)), batch);
    assertEquals(2, m.executable(head, 2, Long.MAX_VALUE).size());
    // The batch applies as a block.
    TransitionResult r =
        st.apply(head, 1, Fixtures.key(7).publicKey(), batch, new BlockOutcome.Idle());
    WorldState next = assertInstanceOf(TransitionResult.Applied.class, r).state();
    assertEquals(3, m.onNewHead(next));
    assertEquals(0, m.size());
    assertEquals(RejectReason.NONCE_TOO_LOW, reason(m.add(tx(0, 1, 100), next)));
  }

  @Test
  void transactionsOfAnAbandonedForkBlockAreOfferedAgain() {
    Mempool m = pool(100, 1 << 20, 16);
    for (SignedTransaction t : List.of(tx(0, 0, 10), tx(0, 1, 10), tx(1, 0, 10))) {
      accepted(m.add(t, head));
    }
    WorldState a =
        assertInstanceOf(
                TransitionResult.Applied.class,
                st.apply(
                    head,
                    1,
                    Fixtures.key(7).publicKey(),
                    m.executable(head, 10, Long.MAX_VALUE),
                    new BlockOutcome.Idle()))
            .state();
    assertEquals(3, m.onNewHead(a));
    assertEquals(0, m.size());
    // A sibling of block a, holding only member 1's transfer, wins the fork choice: member 0's
    // two transfers are in no block of the new head's history and must be offered again.
    WorldState b =
        assertInstanceOf(
                TransitionResult.Applied.class,
                st.apply(
                    head,
                    1,
                    Fixtures.key(6).publicKey(),
                    List.of(tx(1, 0, 10)),
                    new BlockOutcome.Idle()))
            .state();
    assertEquals(0, m.onNewHead(b));
    assertEquals(List.of(tx(0, 0, 10), tx(0, 1, 10)), m.executable(b, 10, Long.MAX_VALUE));
    // Back to a: they are used again and leave the pool.
    assertEquals(2, m.onNewHead(a));
    assertEquals(0, m.size());
  }

  @Test
  void replacementNeedsAStrictlyHigherFee() {
    Mempool m = pool(100, 1 << 20, 16);
    SignedTransaction first = tx(0, 0, 20);
    accepted(m.add(first, head));
    assertEquals(RejectReason.DUPLICATE, reason(m.add(tx(0, 0, 20), head)));
    SignedTransaction other =
        SignedTransaction.sign(
            Fixtures.key(0), Fixtures.CHAIN, 0, 20, new Transfer(Fixtures.address(51), 1));
    assertEquals(RejectReason.REPLACEMENT_UNDERPRICED, reason(m.add(other, head)));
    Admission.Accepted a = accepted(m.add(tx(0, 0, 21), head));
    assertEquals(Optional.of(first.hash()), a.replaced());
    assertEquals(1, m.size());
    assertFalse(m.contains(first.hash()));
  }

  @Test
  void evictsLowestFeeFirstThenNewestAndRefusesANewcomerThatWouldGo() {
    Mempool m = pool(3, 1 << 20, 16);
    SignedTransaction a = tx(0, 0, 20);
    SignedTransaction b = tx(1, 0, 20);
    SignedTransaction c = tx(2, 0, 20);
    accepted(m.add(a, head));
    accepted(m.add(b, head));
    accepted(m.add(c, head));
    // Equal to the lowest fee: the newcomer is the newest of the lowest, so it is what would go.
    assertEquals(RejectReason.POOL_FULL, reason(m.add(tx(3, 0, 20), head)));
    assertEquals(RejectReason.POOL_FULL, reason(m.add(tx(3, 0, 10), head)));
    assertEquals(3, m.size());
    Admission.Accepted in = accepted(m.add(tx(4, 0, 30), head));
    assertEquals(List.of(c.hash()), in.evicted());
    Admission.Accepted in2 = accepted(m.add(tx(5, 0, 31), head));
    assertEquals(List.of(b.hash()), in2.evicted());
    assertTrue(m.contains(a.hash()));
  }

  @Test
  void evictingATransactionTakesItsSendersLaterNonces() {
    Mempool m = pool(3, 1 << 20, 16);
    SignedTransaction a0 = tx(0, 0, 11);
    SignedTransaction a1 = tx(0, 1, 50);
    accepted(m.add(a0, head));
    accepted(m.add(a1, head));
    accepted(m.add(tx(1, 0, 30), head));
    Admission.Accepted in = accepted(m.add(tx(2, 0, 40), head));
    assertEquals(List.of(a0.hash(), a1.hash()), in.evicted());
    assertEquals(2, m.size());
    // A sender's later nonce cannot push out its own earlier one.
    Mempool n = pool(2, 1 << 20, 16);
    accepted(n.add(tx(0, 0, 11), head));
    accepted(n.add(tx(1, 0, 30), head));
    assertEquals(RejectReason.POOL_FULL, reason(n.add(tx(0, 1, 99), head)));
  }

  @Test
  void boundedInBytesAndPerSender() {
    int size = tx(0, 0, 10).encode().length;
    Mempool m = pool(100, 2L * size, 16);
    accepted(m.add(tx(0, 0, 10), head));
    accepted(m.add(tx(1, 0, 12), head));
    Admission.Accepted in = accepted(m.add(tx(2, 0, 15), head));
    assertEquals(1, in.evicted().size());
    assertEquals(2L * size, m.bytes());
    Mempool p = pool(100, 1 << 20, 2);
    accepted(p.add(tx(0, 0, 10), head));
    accepted(p.add(tx(0, 1, 10), head));
    assertEquals(RejectReason.SENDER_LIMIT, reason(p.add(tx(0, 2, 10), head)));
    assertEquals(RejectReason.TOO_LARGE, reason(pool(100, size - 1, 2).add(tx(0, 0, 10), head)));
  }

  @Test
  void executableRespectsTheByteBudget() {
    int size = tx(0, 0, 10).encode().length;
    Mempool m = pool(100, 1 << 20, 16);
    accepted(m.add(tx(0, 0, 10), head));
    accepted(m.add(tx(1, 0, 20), head));
    accepted(m.add(tx(2, 0, 30), head));
    assertEquals(List.of(tx(2, 0, 30), tx(1, 0, 20)), m.executable(head, 10, 2L * size + 1));
  }
}

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
  void aTransactionThatClosesAGapPushesOutTransactionsThatCannotRun() {
    Mempool m = pool(4, 1 << 20, 16);
    SignedTransaction a1 = tx(0, 1, 20);
    SignedTransaction a2 = tx(0, 2, 20);
    SignedTransaction b1 = tx(1, 1, 20);
    SignedTransaction b2 = tx(1, 2, 20);
    for (SignedTransaction t : List.of(a1, a2, b1, b2)) {
      accepted(m.add(t, head));
    }
    // Full, and every transaction waits behind a missing nonce: no block can take any of them.
    assertTrue(m.executable(head, 10, Long.MAX_VALUE).isEmpty());
    // The missing nonce, at the same fee and newer than all: it must get in, or the pool stays
    // stuck for good. It pushes out the newest transaction that cannot run, not one of its own
    // sender's later nonces, which it makes runnable.
    SignedTransaction b0 = tx(1, 0, 20);
    Admission.Accepted in = accepted(m.add(b0, head));
    assertEquals(List.of(a2.hash()), in.evicted());
    assertEquals(List.of(b0, b1, b2), m.executable(head, 10, Long.MAX_VALUE));
    // Among those that cannot run, the fee still decides.
    assertEquals(RejectReason.POOL_FULL, reason(m.add(tx(2, 1, 19), head)));
    Admission.Accepted richer = accepted(m.add(tx(2, 1, 99), head));
    assertEquals(List.of(a1.hash()), richer.evicted());
    assertTrue(m.contains(b0.hash()) && m.contains(b1.hash()) && m.contains(b2.hash()));
    // A transaction that cannot run never pushes out one that can, whatever its fee.
    Mempool ready = pool(2, 1 << 20, 16);
    accepted(ready.add(tx(0, 0, 20), head));
    accepted(ready.add(tx(1, 0, 20), head));
    assertEquals(RejectReason.POOL_FULL, reason(ready.add(tx(2, 1, 1_000), head)));
  }

  @Test
  void aNewHeadMakesWaitingTransactionsRunnable() {
    Mempool m = pool(3, 1 << 20, 16);
    SignedTransaction a0 = tx(0, 0, 20);
    accepted(m.add(a0, head));
    WorldState next =
        assertInstanceOf(
                TransitionResult.Applied.class,
                st.apply(
                    head, 1, Fixtures.key(7).publicKey(), List.of(a0), new BlockOutcome.Idle()))
            .state();
    // Gapped against the old head (its sender's nonce 0 is not pooled any more once pruned).
    SignedTransaction a1 = tx(0, 1, 20);
    accepted(m.add(a1, head));
    assertEquals(1, m.onNewHead(next));
    accepted(m.add(tx(1, 1, 50), next)); // gapped, higher fee
    accepted(m.add(tx(2, 0, 15), next));
    // a1 can run on the new head, so the gapped one goes first even at a higher fee.
    Admission.Accepted in = accepted(m.add(tx(3, 0, 16), next));
    assertEquals(List.of(tx(1, 1, 50).hash()), in.evicted());
    assertEquals(List.of(a1, tx(3, 0, 16), tx(2, 0, 15)), m.executable(next, 10, Long.MAX_VALUE));
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

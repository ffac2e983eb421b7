package org.learnchain.ledger.mempool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.Fixtures;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Stake;
import org.learnchain.ledger.Transaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.ledger.Unstake;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;

/**
 * Fuzzes the mempool, the first thing a submitted or gossiped transaction reaches.
 *
 * <p>{@link #addEncoded} feeds raw bytes to an empty pool: the answer is an {@link Admission},
 * never an exception; an accepted transaction is pooled under the hash of the bytes received; a
 * refused one leaves the pool empty.
 *
 * <p>{@link #operations} drives one pool through a sequence of submissions of correctly signed
 * transactions (a few senders, nonces around the account's, assorted fees and kinds), block builds
 * and new heads, against a model of what the pool must hold. After every step: the pool holds
 * exactly the model's transactions, within its bounds in count, bytes and per sender; an admission
 * reports precisely what it replaced and evicted; a refusal changes nothing; and a batch for a
 * builder runs each sender's nonces consecutively from its account's next nonce, within the
 * requested count and bytes, and applies as a block.
 */
class MempoolFuzzTest {
  private static final int SENDERS = 4;

  private final StateTransition st =
      new StateTransition(Fixtures.genesis(SENDERS), (proof, height) -> Optional.empty());
  private final WorldState genesis = st.genesisState();

  @FuzzTest(maxDuration = "3m")
  void addEncoded(byte[] bytes) {
    Mempool pool = new Mempool(st, MempoolConfig.DEFAULT, new SimpleMeterRegistry());
    Admission a = pool.addEncoded(bytes, genesis);
    if (a instanceof Admission.Accepted accepted) {
      assertEquals(Hashing.sha256(bytes), accepted.id());
      assertTrue(pool.contains(accepted.id()));
      assertEquals(1, pool.size());
      assertEquals(bytes.length, pool.bytes());
    } else {
      Admission.Rejected r = assertInstanceOf(Admission.Rejected.class, a);
      assertFalse(r.message().isEmpty());
      assertEquals(0, pool.size());
      assertEquals(0, pool.bytes());
    }
  }

  @FuzzTest(maxDuration = "3m")
  void operations(FuzzedDataProvider data) {
    int size =
        SignedTransaction.sign(Fixtures.key(0), Fixtures.CHAIN, 0, 10, transfer(1)).encode().length;
    MempoolConfig config =
        new MempoolConfig(
            data.consumeInt(1, 8),
            (long) size * data.consumeInt(1, 8) + data.consumeInt(0, size),
            data.consumeInt(1, 4),
            data.consumeInt(0, 4));
    Mempool pool = new Mempool(st, config, new SimpleMeterRegistry());
    Map<Hash, SignedTransaction> model = new HashMap<>();
    WorldState head = genesis;
    int steps = data.consumeInt(1, 40);
    for (int step = 0; step < steps && data.remainingBytes() > 0; step++) {
      switch (data.consumeInt(0, 5)) {
        case 0, 1, 2, 3 -> submit(pool, model, head, nextTransaction(data, head));
        case 4 ->
            checkBatch(
                pool, model, head, data.consumeInt(0, 10), (long) size * data.consumeInt(0, 10));
        default -> head = buildBlock(pool, model, head);
      }
      checkInvariants(pool, model, config, head);
    }
  }

  private SignedTransaction nextTransaction(FuzzedDataProvider data, WorldState head) {
    int who = data.consumeInt(0, SENDERS);
    // Index SENDERS is a key outside genesis: no balance at all.
    PrivateKey key = who == SENDERS ? Fixtures.key("outsider") : Fixtures.key(who);
    long next = head.account(key.publicKey().address()).nonce();
    long nonce = Math.max(0, next + data.consumeInt(-1, 5));
    long fee = data.consumeInt(0, 40);
    Transaction payload =
        switch (data.consumeInt(0, 3)) {
          case 0 -> transfer(data.consumeInt(0, 2_000_000));
          case 1 -> new Stake(data.consumeInt(0, 2_000_000));
          case 2 -> new Unstake(data.consumeInt(0, 20_000));
          default ->
              new Transfer(Fixtures.address(data.consumeInt(0, SENDERS)), -data.consumeInt(0, 3));
        };
    return SignedTransaction.sign(key, Fixtures.CHAIN, nonce, fee, payload);
  }

  private static Transfer transfer(long amount) {
    return new Transfer(Fixtures.address(50), amount);
  }

  private static void submit(
      Mempool pool, Map<Hash, SignedTransaction> model, WorldState head, SignedTransaction tx) {
    int sizeBefore = pool.size();
    long bytesBefore = pool.bytes();
    Admission a = pool.add(tx, head);
    if (a instanceof Admission.Accepted accepted) {
      assertEquals(tx.hash(), accepted.id());
      accepted
          .replaced()
          .ifPresent(
              r -> {
                SignedTransaction old = model.remove(r);
                assertTrue(old != null, "replaced a transaction that was not pooled");
                assertEquals(tx.sender(), old.sender());
                assertEquals(tx.nonce(), old.nonce());
                assertTrue(tx.fee() > old.fee(), "replacement must pay a strictly higher fee");
              });
      for (Hash evicted : accepted.evicted()) {
        assertTrue(model.remove(evicted) != null, "evicted a transaction that was not pooled");
      }
      model.put(accepted.id(), tx);
    } else {
      assertInstanceOf(Admission.Rejected.class, a);
      assertEquals(sizeBefore, pool.size(), "a refusal changed the pool");
      assertEquals(bytesBefore, pool.bytes(), "a refusal changed the pool");
    }
  }

  private void checkBatch(
      Mempool pool,
      Map<Hash, SignedTransaction> model,
      WorldState head,
      int maxCount,
      long maxBytes) {
    List<SignedTransaction> batch = pool.executable(head, maxCount, maxBytes);
    assertTrue(batch.size() <= maxCount);
    long bytes = 0;
    Map<Address, Long> nextNonce = new HashMap<>();
    for (SignedTransaction tx : batch) {
      assertTrue(model.containsKey(tx.hash()), "offered a transaction that is not pooled");
      bytes += tx.encode().length;
      Address sender = tx.senderAddress();
      long expected = nextNonce.computeIfAbsent(sender, s -> head.account(s).nonce());
      assertEquals(expected, tx.nonce(), "a sender's nonces must run consecutively");
      nextNonce.put(sender, expected + 1);
    }
    assertTrue(bytes <= maxBytes);
  }

  private WorldState buildBlock(Mempool pool, Map<Hash, SignedTransaction> model, WorldState head) {
    List<SignedTransaction> batch = pool.executable(head, 100, Long.MAX_VALUE);
    TransitionResult r =
        st.apply(
            head, head.height() + 1, Fixtures.key(0).publicKey(), batch, new BlockOutcome.Idle());
    // Every pooled transaction was valid on arrival, but a sender's balance can since have been
    // spent by an earlier nonce's larger amount; the builder then assembles instead.
    WorldState next =
        r instanceof TransitionResult.Applied applied
            ? applied.state()
            : assertInstanceOf(
                    TransitionResult.Applied.class,
                    st.assemble(
                            head,
                            head.height() + 1,
                            Fixtures.key(0).publicKey(),
                            batch,
                            new BlockOutcome.Idle(),
                            100,
                            Long.MAX_VALUE)
                        .result())
                .state();
    int dropped = pool.onNewHead(next);
    int removed = 0;
    for (var it = model.entrySet().iterator(); it.hasNext(); ) {
      SignedTransaction tx = it.next().getValue();
      if (tx.nonce() < next.account(tx.senderAddress()).nonce()) {
        it.remove();
        removed++;
      }
    }
    assertEquals(removed, dropped, "onNewHead drops exactly the transactions whose nonce is used");
    return next;
  }

  private static void checkInvariants(
      Mempool pool, Map<Hash, SignedTransaction> model, MempoolConfig config, WorldState head) {
    assertEquals(model.size(), pool.size());
    long bytes = 0;
    Map<Address, Integer> perSender = new HashMap<>();
    for (Map.Entry<Hash, SignedTransaction> e : model.entrySet()) {
      assertTrue(pool.contains(e.getKey()));
      bytes += e.getValue().encode().length;
      perSender.merge(e.getValue().senderAddress(), 1, Integer::sum);
      assertTrue(e.getValue().nonce() >= head.account(e.getValue().senderAddress()).nonce());
    }
    assertEquals(bytes, pool.bytes());
    assertTrue(pool.size() <= config.maxTransactions());
    assertTrue(pool.bytes() <= config.maxBytes());
    perSender.values().forEach(n -> assertTrue(n <= config.maxPerSender()));
  }

  @Test
  void seedsAreSaved() {
    Map<String, byte[]> encoded = new LinkedHashMap<>();
    for (SignedTransaction tx :
        List.of(
            SignedTransaction.sign(Fixtures.key(0), Fixtures.CHAIN, 0, 10, transfer(5)),
            SignedTransaction.sign(Fixtures.key(1), Fixtures.CHAIN, 2, 15, new Stake(100)))) {
      encoded.put("nonce" + tx.nonce(), tx.encode());
    }
    encoded.put(
        "submit-problem",
        SignedTransaction.sign(
                Fixtures.key(2), Fixtures.CHAIN, 0, 20, Fixtures.problem(5_000, "seed"))
            .encode());
    for (byte[] seed : encoded.values()) {
      addEncoded(seed);
    }
    assertInstanceOf(
        Admission.Accepted.class,
        new Mempool(st, MempoolConfig.DEFAULT, new SimpleMeterRegistry())
            .addEncoded(encoded.get("nonce0"), genesis));
    FuzzInputs.sync(getClass(), "addEncoded", encoded);

    Map<String, byte[]> programs = new LinkedHashMap<>();
    byte[] busy = new byte[512];
    for (int i = 0; i < busy.length; i++) {
      busy[i] = (byte) (i * 37 + 11);
    }
    // Any bytes are a program for the data provider; Jazzer replays this one through its own.
    programs.put("busy", busy);
    FuzzInputs.sync(getClass(), "operations", programs);
  }
}

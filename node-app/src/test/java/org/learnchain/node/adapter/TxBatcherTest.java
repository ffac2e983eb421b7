package org.learnchain.node.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.ledger.Decoded;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transfer;

class TxBatcherTest {
  private static final PrivateKey KEY = PrivateKey.generate(new SecureRandom());

  static SignedTransaction tx(long nonce) {
    return SignedTransaction.sign(
        KEY, "learnchain-test", nonce, 1, new Transfer(Address.wrap(new byte[20]), 1));
  }

  @Test
  void batchesRoundTripAndMalformedOnesAreValues() {
    List<SignedTransaction> txs = List.of(tx(0), tx(1), tx(2));
    byte[] encoded = TxBatcher.encode(txs, 0);
    assertEquals(txs, assertInstanceOf(Decoded.Ok.class, TxBatcher.decode(encoded)).value());
    assertInstanceOf(
        Decoded.Malformed.class, TxBatcher.decode(Arrays.copyOf(encoded, encoded.length - 1)));
    assertInstanceOf(
        Decoded.Malformed.class, TxBatcher.decode(Arrays.copyOf(encoded, encoded.length + 1)));
    assertInstanceOf(Decoded.Malformed.class, TxBatcher.decode(new byte[] {0, 0}));
    byte[] tooMany = new CanonicalWriter().i32(TxBatcher.MAX_TXS + 1).toByteArray();
    assertInstanceOf(Decoded.Malformed.class, TxBatcher.decode(tooMany));
  }

  @Test
  void aFullBatchLeavesAtOnceAndAPartialOneAfterTheLinger() throws Exception {
    LinkedBlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    CountDownLatch hold = new CountDownLatch(1);
    try {
      TxBatcher b = new TxBatcher(sent::add, scheduler);
      List<SignedTransaction> full = new ArrayList<>();
      for (int i = 0; i < TxBatcher.MAX_TXS; i++) {
        full.add(tx(i));
      }
      // The linger timer cannot fire while the scheduler's only thread waits here, so the first
      // batch can only leave because it is full.
      scheduler.execute(
          () -> {
            try {
              hold.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      for (SignedTransaction t : full) {
        b.add(t, t.encode().length);
      }
      byte[] first = sent.poll(0, TimeUnit.MILLISECONDS);
      assertTrue(first != null, "a full batch is published by the add that fills it");
      List<SignedTransaction> got =
          ((Decoded.Ok<List<SignedTransaction>>) TxBatcher.decode(first)).value();
      assertEquals(full.size(), got.size());
      assertTrue(full.equals(got), "the batch holds the transactions in order");
      hold.countDown();
      SignedTransaction last = tx(TxBatcher.MAX_TXS);
      b.add(last, last.encode().length);
      byte[] second = sent.poll(5, TimeUnit.SECONDS);
      assertTrue(second != null, "a partial batch leaves after the linger time");
      assertEquals(
          List.of(last), ((Decoded.Ok<List<SignedTransaction>>) TxBatcher.decode(second)).value());
      b.flush();
      assertEquals(null, sent.poll(50, TimeUnit.MILLISECONDS), "nothing left to send");
    } finally {
      hold.countDown();
      scheduler.shutdownNow();
    }
  }
}

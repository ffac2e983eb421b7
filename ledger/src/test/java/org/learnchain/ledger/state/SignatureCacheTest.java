package org.learnchain.ledger.state;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Fixtures;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transfer;

class SignatureCacheTest {
  static SignedTransaction tx(int member, long nonce) {
    return SignedTransaction.sign(
        Fixtures.key(member), Fixtures.CHAIN, nonce, 10, new Transfer(Fixtures.address(50), 1));
  }

  static SignedTransaction forged(SignedTransaction t, int otherMember) {
    return new SignedTransaction(
        t.chainId(),
        Fixtures.key(otherMember).publicKey(),
        t.nonce(),
        t.fee(),
        t.payload(),
        t.signature());
  }

  @Test
  void onlyVerifiedIdsAreRecorded() {
    SignatureCache cache = new SignatureCache(64);
    StateTransition st =
        new StateTransition(
            Fixtures.genesis(4),
            (proof, height) -> Optional.empty(),
            ForkJoinPool.commonPool(),
            cache);
    SignedTransaction good = tx(0, 0);
    SignedTransaction bad = forged(good, 1);
    assertFalse(cache.contains(good.hash()));
    assertTrue(st.verifySignature(good));
    assertTrue(cache.contains(good.hash()), "a verified id is remembered");
    assertFalse(st.verifySignature(bad));
    assertFalse(cache.contains(bad.hash()), "a failure is never recorded");
    assertFalse(st.verifySignatures(List.of(good, bad)), "one bad signature fails the batch");
    List<SignedTransaction> batch = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      batch.add(tx(i % 4, i));
    }
    assertTrue(st.verifySignatures(batch));
  }

  @Test
  void theCacheAnswersForTheExactBytesItWasGiven() {
    // The transition trusts the cache: an id placed there is not verified again. Only the node's
    // own checks add ids, and an id is the hash of the whole signed encoding.
    SignatureCache cache = new SignatureCache(64);
    StateTransition st =
        new StateTransition(
            Fixtures.genesis(4),
            (proof, height) -> Optional.empty(),
            ForkJoinPool.commonPool(),
            cache);
    SignedTransaction bad = forged(tx(0, 0), 1);
    cache.add(bad.hash());
    assertTrue(st.verifySignature(bad));
    assertFalse(
        new StateTransition(Fixtures.genesis(4), (proof, height) -> Optional.empty())
            .verifySignature(bad));
  }

  @Test
  void anIdIsFoundOnlyByAllOfItsBits() {
    SignatureCache cache = new SignatureCache(64);
    assertFalse(cache.contains(Hash.ZERO), "an empty slot holds no id");
    Hash id = tx(0, 0).hash();
    cache.add(id);
    assertTrue(cache.contains(id));
    // Same first word (so the same slot), one differing bit in each later word: never found.
    byte[] bytes = id.toArray();
    for (int word = 1; word < Hash.WORDS; word++) {
      byte[] other = bytes.clone();
      other[word * Long.BYTES + 3] ^= 0x10;
      assertFalse(cache.contains(Hash.wrap(other)), "differs in word " + word);
    }
    byte[] last = bytes.clone();
    last[Hash.LENGTH - 1] ^= 1;
    assertFalse(cache.contains(Hash.wrap(last)), "differs in the last bit");
  }

  @Test
  void boundedSlotsForgetOlderIds() {
    SignatureCache cache = new SignatureCache(16);
    List<SignedTransaction> txs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      SignedTransaction t = tx(i % 4, i);
      txs.add(t);
      cache.add(t.hash());
    }
    long kept = txs.stream().filter(t -> cache.contains(t.hash())).count();
    assertTrue(kept <= 16, "at most one id per slot, kept " + kept);
    assertTrue(cache.contains(txs.get(199).hash()), "the newest id is always kept");
  }
}

package org.learnchain.consensus.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.learnchain.config.RoundDurations;
import org.learnchain.consensus.message.Attestation;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;

class ForkChoiceAndFinalityTest {
  private static final PublicKey P = PublicKey.wrap(new byte[32]);

  private static Block block(Block parent, int attempt, boolean useful, int salt) {
    Hash txRoot = Hashing.sha256(new byte[] {(byte) salt});
    BlockHeader h =
        new BlockHeader(
            parent.height() + 1,
            parent.hash(),
            parent.header().timestampMs() + 1,
            parent.height() + 1,
            attempt,
            useful ? txRoot : Hash.ZERO,
            txRoot,
            Hash.ZERO,
            Hash.ZERO,
            Hash.ZERO,
            useful ? txRoot : Hash.ZERO,
            P);
    BlockOutcome o =
        useful
            ? new BlockOutcome.UsefulWork(txRoot, Address.of(P), List.of())
            : new BlockOutcome.Idle();
    return new Block(h, Signature.wrap(new byte[64]), o, List.of(), new byte[0]);
  }

  private static Block genesis() {
    BlockHeader h =
        new BlockHeader(
            0, Hash.ZERO, 1000, 0, 0, Hash.ZERO, Hash.ZERO, Hash.ZERO, Hash.ZERO, Hash.ZERO,
            Hash.ZERO, P);
    return new Block(
        h, Signature.wrap(new byte[64]), new BlockOutcome.Idle(), List.of(), new byte[0]);
  }

  @Test
  void prefersUsefulWorkThenHigherAttemptThenLowerHash() {
    Block g = genesis();
    ForkChoice fc = new ForkChoice(g);
    Block idle = block(g, 0, false, 1);
    Block idleOther = block(g, 0, false, 2);
    fc.add(idle);
    fc.add(idleOther);
    Hash lower = idle.hash().compareTo(idleOther.hash()) < 0 ? idle.hash() : idleOther.hash();
    assertEquals(lower, fc.head(), "equal blocks: the lower hash");
    Block closingLate = block(g, 3, false, 3);
    fc.add(closingLate);
    assertEquals(closingLate.hash(), fc.head(), "higher attempt");
    Block useful0 = block(g, 0, true, 4);
    fc.add(useful0);
    assertEquals(useful0.hash(), fc.head(), "useful work over any closing block");
    Block useful1 = block(g, 1, true, 5);
    fc.add(useful1);
    assertEquals(useful1.hash(), fc.head(), "the fallback attempt over the late winner");
    // A longer branch under a less preferred block does not win: the choice is made at the fork.
    Block child = block(idle, 0, false, 6);
    fc.add(child);
    assertEquals(useful1.hash(), fc.head());
    assertFalse(fc.add(block(block(g, 9, false, 7), 0, false, 8)), "orphan not attachable");
  }

  @Test
  void pruningAtTheFinalBlockNeverRevertsIt() {
    Block g = genesis();
    ForkChoice fc = new ForkChoice(g);
    Block a = block(g, 0, false, 1);
    Block b = block(g, 2, true, 2);
    fc.add(a);
    fc.add(b);
    assertEquals(b.hash(), fc.head());
    Block a2 = block(a, 0, false, 3);
    fc.add(a2);
    // a is final (say): b's branch is gone for good even though it was preferred.
    fc.prune(a.hash());
    assertEquals(a2.hash(), fc.head());
    assertFalse(fc.contains(b.hash()));
    assertTrue(fc.descends(a2.hash(), a.hash()));
    assertThrows(IllegalArgumentException.class, () -> fc.prune(b.hash()));
    assertNull(fc.node(g.hash()));
  }

  @Test
  void moreThanTwoThirdsFinalizeAndDoubleAttestationsAreCaught() {
    SecureRandom r = new SecureRandom(new byte[] {3});
    ChainDomains d = new ChainDomains("t");
    List<PrivateKey> v =
        List.of(
            PrivateKey.generate(r),
            PrivateKey.generate(r),
            PrivateKey.generate(r),
            PrivateKey.generate(r));
    Finality f = new Finality(3);
    Hash x = Hashing.sha256(new byte[] {1});
    Hash y = Hashing.sha256(new byte[] {2});
    f.add(Attestation.sign(d, v.get(0), 5, x));
    f.add(Attestation.sign(d, v.get(1), 5, x));
    assertFalse(f.isFinal(x), "2 of 4 is not more than two thirds");
    assertTrue(f.add(Attestation.sign(d, v.get(0), 5, x)).isEmpty(), "a repeat is no conflict");
    assertTrue(f.add(Attestation.sign(d, v.get(2), 5, y)).isEmpty());
    assertTrue(f.add(Attestation.sign(d, v.get(2), 5, x)).isPresent(), "attested x and y at 5");
    assertFalse(f.isFinal(x), "an equivocator's second attestation does not count");
    assertEquals(1, f.count(y));
    f.add(Attestation.sign(d, v.get(3), 5, x));
    assertTrue(f.isFinal(x));
    assertEquals(3, f.attestationsOf(x).size());
    List<Attestation> sorted = f.attestationsOf(x);
    for (int i = 1; i < sorted.size(); i++) {
      assertTrue(sorted.get(i - 1).validator().compareTo(sorted.get(i).validator()) < 0);
    }
    f.pruneBelow(6);
    assertEquals(0, f.count(x));
  }

  @Test
  void scheduleCountsFromTheParentTimestamp() {
    RoundSchedule s = new RoundSchedule(10_000, new RoundDurations(1_000, 500, 400, 200));
    assertEquals(11_000, s.trainingDeadline());
    assertEquals(11_500, s.evaluationDeadline());
    assertEquals(11_900, s.awardDeadline(0));
    assertEquals(12_300, s.awardDeadline(1));
    assertEquals(11_500, s.earliestUsefulBlock(0));
    assertEquals(11_900, s.earliestUsefulBlock(1));
    assertEquals(10_200, s.idleSlot(0));
    assertEquals(10_600, s.idleSlot(2));
    assertEquals(11_700, s.closingSlot(0));
  }

  @Test
  void eventQueueBoundsPeerEventsButNeverOwnOnes() throws Exception {
    EventQueue q = new EventQueue(2);
    assertTrue(q.offerExternal(new Event.HeldBlocksDue()));
    assertTrue(q.offerExternal(new Event.HeldBlocksDue()));
    assertFalse(q.offerExternal(new Event.HeldBlocksDue()), "peer lane full");
    assertEquals(1, q.refused());
    q.addOwn(new Event.Start());
    assertTrue(q.poll() instanceof Event.Start, "own events first");
    assertTrue(q.poll() instanceof Event.HeldBlocksDue);
    assertTrue(q.poll(1) instanceof Event.HeldBlocksDue);
    assertNull(q.poll(1));
    assertThrows(IllegalArgumentException.class, () -> new EventQueue(0));
  }
}

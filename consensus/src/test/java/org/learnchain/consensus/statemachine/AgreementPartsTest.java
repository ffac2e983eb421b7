package org.learnchain.consensus.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.learnchain.config.RoundDurations;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.consensus.message.Vote;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;

/** The agreement's parts on their own: schedule, timeouts, vote tallies, commits, the queue. */
class AgreementPartsTest {
  private final ChainDomains domains = new ChainDomains("parts");
  private final List<PrivateKey> validators = new ArrayList<>();

  AgreementPartsTest() {
    for (int i = 0; i < 4; i++) {
      validators.add(
          PrivateKey.fromSeed(
              Hashing.sha256(("v" + i).getBytes(StandardCharsets.UTF_8)).toArray()));
    }
  }

  private Vote vote(int v, MessageType kind, int round, Hash hash) {
    return Vote.sign(domains, kind, validators.get(v), 5, round, hash);
  }

  @Test
  void scheduleCountsFromTheParentTimestamp() {
    RoundSchedule s = new RoundSchedule(10_000, new RoundDurations(1_000, 500, 400, 200));
    assertEquals(11_000, s.trainingDeadline());
    assertEquals(11_500, s.evaluationDeadline());
    assertEquals(11_900, s.awardDeadline());
    assertEquals(11_500, s.earliestUsefulBlock());
    assertEquals(11_900, s.earliestFallbackBlock(true));
    assertEquals(10_200, s.earliestFallbackBlock(false));
  }

  @Test
  void timeoutsGrowWithTheRound() {
    Timeouts t = new Timeouts(new RoundDurations(1_000, 500, 400, 100));
    assertEquals(400, t.propose(0));
    assertEquals(600, t.propose(1));
    assertEquals(200, t.vote(0));
    assertEquals(300, t.vote(1));
    assertTrue(t.propose(10) > t.propose(9));
  }

  @Test
  void voteBookCountsFirstVotesAndReturnsConflicts() {
    VoteBook book = new VoteBook(5, 3);
    Hash a = Hashing.sha256(new byte[] {1});
    Hash b = Hashing.sha256(new byte[] {2});
    assertTrue(book.add(vote(0, MessageType.PREVOTE, 0, a)).isEmpty());
    assertTrue(book.add(vote(1, MessageType.PREVOTE, 0, a)).isEmpty());
    assertFalse(book.quorumFor(MessageType.PREVOTE, 0, a));
    assertTrue(book.add(vote(2, MessageType.PREVOTE, 0, Hash.ZERO)).isEmpty());
    assertTrue(book.quorumAny(MessageType.PREVOTE, 0));
    assertTrue(book.quorumBlock(MessageType.PREVOTE, 0).isEmpty());
    // Validator 0 equivocates: the conflict comes back as evidence, once, and each vote counts
    // only toward the block it names.
    assertEquals(a, book.add(vote(0, MessageType.PREVOTE, 0, b)).orElseThrow().blockHash());
    assertTrue(book.add(vote(0, MessageType.PREVOTE, 0, Hash.ZERO)).isEmpty());
    assertEquals(2, book.count(MessageType.PREVOTE, 0, a));
    assertTrue(book.add(vote(3, MessageType.PREVOTE, 0, a)).isEmpty());
    assertEquals(a, book.quorumBlock(MessageType.PREVOTE, 0).orElseThrow());
    // Precommits are counted apart from prevotes, and rounds apart from each other.
    assertEquals(0, book.total(MessageType.PRECOMMIT, 0));
    book.add(vote(1, MessageType.PRECOMMIT, 2, a));
    assertEquals(1, book.validatorsIn(2));
  }

  @Test
  void commitNeedsAQuorumOfSortedDistinctValidSignedPrecommitsForTheBlock() {
    Hash a = Hashing.sha256(new byte[] {1});
    List<Vote> three = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      three.add(vote(i, MessageType.PRECOMMIT, 1, a));
    }
    CommitCertificate c = CommitCertificate.of(5, 1, a, three, 7);
    assertTrue(check(c.precommits(), a).isOk());
    assertEquals(c, CommitCertificate.decode(c.encode()).value());
    assertFalse(check(c.precommits().subList(0, 2), a).isOk(), "two of four is no quorum");
    assertFalse(check(c.precommits(), Hashing.sha256(new byte[] {9})).isOk(), "other block");
    List<Vote> dup = new ArrayList<>(c.precommits());
    dup.set(2, dup.get(1));
    assertFalse(check(dup, a).isOk(), "duplicated validator");
    List<Vote> mixed = new ArrayList<>(c.precommits());
    mixed.set(0, vote(0, MessageType.PREVOTE, 1, a));
    assertFalse(check(mixed, a).isOk(), "a prevote is not a precommit");
    List<Vote> otherRound = new ArrayList<>(c.precommits());
    Vote late =
        vote(
            validators.indexOf(
                validators.stream()
                    .filter(k -> k.publicKey().equals(c.precommits().get(0).validator()))
                    .findFirst()
                    .orElseThrow()),
            MessageType.PRECOMMIT,
            2,
            a);
    otherRound.set(0, late);
    assertFalse(check(otherRound, a).isOk(), "precommits of two rounds");
    assertFalse(
        CommitCertificate.check(5, a, c.precommits(), 3, k -> true, v -> false).isOk(),
        "bad signatures");
    assertFalse(CommitCertificate.decode(new byte[] {1, 2, 3}).isOk());
  }

  private org.learnchain.consensus.Result<Boolean> check(List<Vote> votes, Hash hash) {
    return CommitCertificate.check(
        5,
        hash,
        votes,
        3,
        k -> validators.stream().anyMatch(v -> v.publicKey().equals(k)),
        v -> v.verifySignature(domains));
  }

  @Test
  void eventQueueBoundsPeerEventsButNeverOwnOnes() throws Exception {
    EventQueue q = new EventQueue(2);
    assertTrue(q.offerExternal(new Event.Recheck()));
    assertTrue(q.offerExternal(new Event.Recheck()));
    assertFalse(q.offerExternal(new Event.Recheck()), "peer lane full");
    assertEquals(1, q.refused());
    q.addOwn(new Event.Start());
    assertTrue(q.poll() instanceof Event.Start, "own events first");
    assertTrue(q.poll() instanceof Event.Recheck);
    assertTrue(q.poll(1) instanceof Event.Recheck);
    assertNull(q.poll(1));
    assertThrows(IllegalArgumentException.class, () -> new EventQueue(0));
  }
}

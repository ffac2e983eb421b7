package org.learnchain.consensus.statemachine;

import java.util.List;
import java.util.Optional;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.Codec;
import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.Proposal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.port.JournalSlot;
import org.learnchain.consensus.port.SigningJournal;
import org.learnchain.crypto.MessageType;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.Decoded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agreement's side of the signing journal (docs/consensus.md, restarts): the lock is journaled
 * with its block and its proof of lock, the commit of each height before its block is stored; after
 * a restart the node re-sends everything it signed at the height, takes its latest precommit as its
 * lock and restores the locked block as its valid block, so it neither signs anything conflicting
 * nor stalls a height it had locked in.
 */
final class RestartJournal {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);
  private static final JournalSlot DECISION_SLOT = JournalSlot.of(JournalSlot.Kind.DECISION);

  private final Committee committee;
  private final SigningJournal journal;
  private final SignOnce once;
  private final org.learnchain.consensus.port.Gossip gossip;
  private final java.util.function.Consumer<ConsensusMessage> publishOwn;

  RestartJournal(
      Committee committee,
      SigningJournal journal,
      SignOnce once,
      org.learnchain.consensus.port.Gossip gossip,
      java.util.function.Consumer<ConsensusMessage> publishOwn) {
    this.committee = committee;
    this.journal = journal;
    this.once = once;
    this.gossip = gossip;
    this.publishOwn = publishOwn;
  }

  /** Journals the commit of its height (once), before the block is stored. */
  void recordDecision(CommitCertificate commit) {
    if (journal.find(commit.height(), DECISION_SLOT).isEmpty()) {
      journal.record(commit.height(), DECISION_SLOT, commit.encode());
    }
  }

  Optional<CommitCertificate> readDecision(long height) {
    Optional<byte[]> raw = journal.find(height, DECISION_SLOT);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    Result<CommitCertificate> c = CommitCertificate.decode(raw.get());
    if (!c.isOk()) {
      throw new IllegalStateException("journaled commit of height " + height + " unreadable");
    }
    return Optional.of(c.value());
  }

  /**
   * After a restart: re-sends what this node signed at {@code height} (it may never have left) and
   * restores its lock (its latest non-nil precommit); returns the round to resume in.
   */
  int restore(HeightState cur, long height) {
    int latest = 0;
    for (JournalSlot slot : journal.slots(height)) {
      int r = slot.index();
      MessageType type =
          switch (slot.kind()) {
            case PREVOTE -> MessageType.PREVOTE;
            case PRECOMMIT -> MessageType.PRECOMMIT;
            case PROPOSAL -> MessageType.PROPOSAL;
            default -> null;
          };
      if (type == null) {
        continue;
      }
      latest = Math.max(latest, r);
      ConsensusMessage m = once.recorded(height, slot, type).orElseThrow();
      LOG.info("Re-sending a message signed before restart height={} slot={}", height, slot);
      gossip.publish(type, m.encode());
      if (m instanceof Vote v) {
        cur.votes.add(v);
        if (type == MessageType.PRECOMMIT && !v.isNil() && v.bftRound() >= cur.lockedRound) {
          cur.lockedRound = v.bftRound();
          cur.lockedHash = v.blockHash();
        }
      } else if (m instanceof Proposal p) {
        cur.proposed.add(p.bftRound());
        p.block().ifPresent(cur::addBlock);
        cur.proposals.putIfAbsent(p.bftRound(), p);
      }
    }
    for (JournalSlot.Kind kind :
        List.of(
            JournalSlot.Kind.MODEL_COMMIT,
            JournalSlot.Kind.TEST_REVEAL,
            JournalSlot.Kind.PREDICTION,
            JournalSlot.Kind.LABEL_REVEAL)) {
      JournalSlot slot = JournalSlot.of(kind);
      MessageType type =
          switch (kind) {
            case MODEL_COMMIT -> MessageType.MODEL_COMMIT;
            case TEST_REVEAL -> MessageType.TEST_REVEAL;
            case PREDICTION -> MessageType.PREDICTION_COMMIT;
            default -> MessageType.LABEL_REVEAL;
          };
      once.recorded(height, slot, type)
          .ifPresent(
              m -> {
                LOG.info(
                    "Re-sending a message signed before restart height={} slot={}", height, slot);
                publishOwn.accept(m);
              });
    }
    once.recorded(
            height, JournalSlot.of(JournalSlot.Kind.CERTIFICATE, 0), MessageType.WINNER_CERTIFICATE)
        .ifPresent(publishOwn);
    if (cur.lockedRound >= 0) {
      restoreLock(cur, height, cur.lockedRound);
      LOG.info(
          "Lock restored after restart height={} round={} block={}",
          height,
          cur.lockedRound,
          cur.lockedHash.toShortHex());
    }
    Optional<CommitCertificate> decided = readDecision(height);
    decided.ifPresent(c -> cur.knownCommit = c);
    return latest;
  }

  /**
   * Journals the block this node is about to lock on and its proof of lock (the quorum of
   * prevotes), before the precommit leaves. After a restart the node restores them as its valid
   * block: a lock without the block and its proof would let it refuse every other proposal while
   * unable to propose the locked block itself, and a height could stall.
   */
  void journalLock(HeightState cur, int r, Block b) {
    long h = cur.height;
    once.block(h, JournalSlot.of(JournalSlot.Kind.LOCKED_BLOCK, r), () -> b);
    JournalSlot slot = JournalSlot.of(JournalSlot.Kind.LOCK_PROOF, r);
    if (journal.find(h, slot).isEmpty()) {
      List<Vote> proof = cur.votes.prevotesFor(r, b.hash());
      byte[] encoded =
          new org.learnchain.crypto.codec.CanonicalWriter(64 + proof.size() * 200)
              .list(proof, (w, v) -> w.bytes(v.encode()))
              .toByteArray();
      journal.record(h, slot, encoded);
    }
  }

  /** The journaled lock of {@code round} (block and proof of lock), restored as the valid block. */
  void restoreLock(HeightState cur, long height, int round) {
    Optional<byte[]> block =
        journal.find(height, JournalSlot.of(JournalSlot.Kind.LOCKED_BLOCK, round));
    Optional<byte[]> proof =
        journal.find(height, JournalSlot.of(JournalSlot.Kind.LOCK_PROOF, round));
    if (block.isEmpty()
        || proof.isEmpty()
        || !(Block.tryDecode(block.get()) instanceof Decoded.Ok<Block> ok)) {
      LOG.warn("Lock without its journaled block height={} round={}", height, round);
      return;
    }
    org.learnchain.crypto.codec.CanonicalReader r =
        new org.learnchain.crypto.codec.CanonicalReader(proof.get());
    List<Vote> votes =
        r.list(
            committee.validators().size() * VoteBook.MAX_VOTES_PER_VALIDATOR,
            x -> (Vote) Codec.decode(MessageType.PREVOTE, x.bytes(1024)).value());
    votes.forEach(cur.votes::add);
    cur.addBlock(ok.value());
    cur.validRound = round;
    cur.validBlock = ok.value();
  }
}

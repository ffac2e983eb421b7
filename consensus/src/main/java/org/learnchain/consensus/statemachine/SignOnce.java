package org.learnchain.consensus.statemachine;

import java.util.Optional;
import java.util.function.Supplier;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.Codec;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.port.JournalSlot;
import org.learnchain.consensus.port.SigningJournal;
import org.learnchain.crypto.MessageType;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.Decoded;

/**
 * Restart safety: every message and block this node signs goes through here. For each (round, slot)
 * the first signed item is made durable in the journal before it is returned (and so before it can
 * be sent); asking again for the same slot, in this run or after a crash, returns the recorded item
 * and signs nothing new. So a node never signs two conflicting messages, whatever moment it crashed
 * at.
 */
final class SignOnce {
  private final SigningJournal journal;

  SignOnce(SigningJournal journal) {
    this.journal = journal;
  }

  /** Whether the slot is already taken. */
  boolean taken(long round, JournalSlot slot) {
    return journal.find(round, slot).isPresent();
  }

  /** The message recorded for the slot, if any. */
  Optional<ConsensusMessage> recorded(long round, JournalSlot slot, MessageType kind) {
    if (!taken(round, slot)) {
      return Optional.empty();
    }
    return Optional.of(
        message(
            round,
            slot,
            kind,
            ConsensusMessage.class,
            () -> {
              throw new IllegalStateException("slot vanished from the journal");
            }));
  }

  <T extends ConsensusMessage> T message(
      long round, JournalSlot slot, MessageType kind, Class<T> type, Supplier<T> sign) {
    Optional<byte[]> stored = journal.find(round, slot);
    if (stored.isPresent()) {
      Result<T> decoded = Codec.decode(kind, type, stored.get());
      if (!decoded.isOk()) {
        // The journal is written only by us: unreadable content means corruption, and signing
        // anything else for this slot could equivocate.
        throw new IllegalStateException(
            "signing journal entry round="
                + round
                + " slot="
                + slot
                + " unreadable: "
                + decoded.reason());
      }
      return decoded.value();
    }
    T signed = sign.get();
    journal.record(round, slot, signed.encode());
    return signed;
  }

  Block block(long round, JournalSlot slot, Supplier<Block> sign) {
    Optional<byte[]> stored = journal.find(round, slot);
    if (stored.isPresent()) {
      Decoded<Block> decoded = Block.tryDecode(stored.get());
      if (decoded instanceof Decoded.Ok<Block> ok) {
        return ok.value();
      }
      throw new IllegalStateException(
          "signing journal entry round="
              + round
              + " slot="
              + slot
              + " unreadable: "
              + ((Decoded.Malformed<Block>) decoded).reason());
    }
    Block signed = sign.get();
    journal.record(round, slot, signed.encode());
    return signed;
  }

  void pruneBelow(long round) {
    journal.pruneBelow(round);
  }
}

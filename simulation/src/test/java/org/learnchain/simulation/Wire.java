package org.learnchain.simulation;

import java.util.Optional;
import java.util.Set;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.Codec;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.Proposal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.crypto.MessageType;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.Decoded;

/** Reading what crosses the simulated wire, for link rules that stage delivery schedules. */
final class Wire {
  private Wire() {}

  /** Kinds that carry a whole block. */
  static final Set<MessageType> BLOCK_KINDS = Set.of(MessageType.BLOCK, MessageType.PROPOSAL);

  /** Kinds that are a validator's vote on a block. */
  static final Set<MessageType> VOTE_KINDS = Set.of(MessageType.PREVOTE, MessageType.PRECOMMIT);

  /** The block a message carries, if any. */
  static Optional<Block> block(MessageType kind, byte[] payload) {
    if (kind == MessageType.BLOCK && Block.tryDecode(payload) instanceof Decoded.Ok<Block> ok) {
      return Optional.of(ok.value());
    }
    if (kind == MessageType.PROPOSAL
        && Codec.decode(kind, payload).isOk()
        && Codec.decode(kind, payload).value() instanceof Proposal p) {
      return p.block();
    }
    return Optional.empty();
  }

  /** The height (round) a block or consensus message belongs to, or -1. */
  static long height(MessageType kind, byte[] payload) {
    Optional<Block> b = block(kind, payload);
    if (b.isPresent()) {
      return b.get().height();
    }
    Result<ConsensusMessage> m = Codec.decode(kind, payload);
    return m.isOk() ? m.value().round() : -1;
  }

  /** The consensus round of a vote or proposal; 0 for anything else. */
  static int bftRound(MessageType kind, byte[] payload) {
    Optional<ConsensusMessage> m = message(kind, payload);
    if (m.isPresent() && m.get() instanceof Vote v) {
      return v.bftRound();
    }
    if (m.isPresent() && m.get() instanceof Proposal p) {
      return p.bftRound();
    }
    return 0;
  }

  static Optional<ConsensusMessage> message(MessageType kind, byte[] payload) {
    Result<ConsensusMessage> m = Codec.decode(kind, payload);
    return m.isOk() ? Optional.of(m.value()) : Optional.empty();
  }
}

package org.learnchain.consensus.evidence;

import java.util.Optional;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.Proposal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;

/**
 * Builds the proofs carried by ledger {@code Evidence} transactions. Format: {@code version u8 |
 * kind u8 | fields}; the two conflicting items of an equivocation proof are written in ascending
 * order of their ids, so one offence has exactly one proof (the ledger refuses a proof it has seen
 * before, and a swapped pair would otherwise be a second proof of the same offence).
 *
 * <p>Kinds: {@link #CONFLICTING_CERTIFICATES} (two certificates from one submitter for one round
 * and attempt), {@link #CONFLICTING_COMMITS} (two model commits from one miner for one round),
 * {@link #CONFLICTING_VOTES} (one validator signing two different prevotes, or two different
 * precommits, for one height and consensus round), {@link #CONFLICTING_PROPOSALS} (one proposer
 * signing two proposals for one height and consensus round), {@link #CONFLICTING_BLOCKS} (one
 * proposer signing two blocks for one height, attempt and kind), and {@link #INVALID_WINNER_BLOCK}
 * (a winner's signed block whose model is not the one it committed to).
 */
public final class EvidenceProof {
  public static final int VERSION = 1;
  public static final int CONFLICTING_CERTIFICATES = 1;
  public static final int CONFLICTING_COMMITS = 2;

  /** Retired with attestations; the number stays reserved. */
  public static final int RETIRED_CONFLICTING_ATTESTATIONS = 3;

  public static final int CONFLICTING_BLOCKS = 4;
  public static final int INVALID_WINNER_BLOCK = 5;
  public static final int CONFLICTING_VOTES = 6;
  public static final int CONFLICTING_PROPOSALS = 7;

  private EvidenceProof() {}

  /**
   * Proof of two different certificates for one round and attempt; empty if they do not conflict.
   */
  public static Optional<byte[]> certificates(WinnerCertificate a, WinnerCertificate b) {
    if (!a.submitter().equals(b.submitter())
        || a.round() != b.round()
        || a.attempt() != b.attempt()
        || a.equals(b)) {
      return Optional.empty();
    }
    return Optional.of(pair(CONFLICTING_CERTIFICATES, a, b));
  }

  /** Proof of two different commits for one round; empty if they do not conflict. */
  public static Optional<byte[]> commits(ModelCommit a, ModelCommit b) {
    if (!a.miner().equals(b.miner()) || a.round() != b.round() || a.equals(b)) {
      return Optional.empty();
    }
    return Optional.of(pair(CONFLICTING_COMMITS, a, b));
  }

  /**
   * Proof of two votes of one kind from one validator for one height and consensus round that name
   * different blocks (nil counts as a block); empty if they do not conflict.
   */
  public static Optional<byte[]> votes(Vote a, Vote b) {
    if (!a.validator().equals(b.validator())
        || a.kind() != b.kind()
        || a.height() != b.height()
        || a.bftRound() != b.bftRound()
        || a.blockHash().equals(b.blockHash())) {
      return Optional.empty();
    }
    CanonicalWriter w = new CanonicalWriter(400).u8(VERSION).u8(CONFLICTING_VOTES);
    w.u8(a.kind() == org.learnchain.crypto.MessageType.PREVOTE ? 0 : 1);
    boolean swap = a.id().compareTo(b.id()) > 0;
    return Optional.of(
        w.bytes((swap ? b : a).encode()).bytes((swap ? a : b).encode()).toByteArray());
  }

  /** Proof of two proposals for one height and round by one proposer; empty if none. */
  public static Optional<byte[]> proposals(Proposal a, Proposal b) {
    if (!a.proposer().equals(b.proposer())
        || a.height() != b.height()
        || a.bftRound() != b.bftRound()
        || a.id().equals(b.id())) {
      return Optional.empty();
    }
    return Optional.of(pair(CONFLICTING_PROPOSALS, a.withoutBlock(), b.withoutBlock()));
  }

  /** Proof of two signed headers for one height and attempt; empty if they do not conflict. */
  public static Optional<byte[]> blocks(Block a, Block b) {
    return blocks(a.header(), a.signature(), b.header(), b.signature());
  }

  /**
   * The same proof from the signed headers alone: a block's body plays no part in the offence, so a
   * node can remember who signed which slot without holding whole blocks.
   */
  public static Optional<byte[]> blocks(
      BlockHeader ha, Signature sa, BlockHeader hb, Signature sb) {
    if (!conflict(ha, hb)) {
      return Optional.empty();
    }
    boolean swap = ha.hash().compareTo(hb.hash()) > 0;
    return Optional.of(
        new CanonicalWriter(2 * (BlockHeader.ENCODED_LENGTH + Signature.LENGTH) + 2)
            .u8(VERSION)
            .u8(CONFLICTING_BLOCKS)
            .fixed((swap ? hb : ha).encode())
            .signature(swap ? sb : sa)
            .fixed((swap ? ha : hb).encode())
            .signature(swap ? sa : sb)
            .toByteArray());
  }

  /**
   * Two headers conflict when one proposer signed both for the same height, attempt and kind
   * (useful work, or an idle/closing turn): an honest node signs at most one block per such slot.
   * The kinds are kept apart because a validator can honestly hold both a closing turn and a
   * winner's attempt with the same number at one height.
   */
  static boolean conflict(BlockHeader a, BlockHeader b) {
    return a.proposer().equals(b.proposer())
        && a.height() == b.height()
        && a.attempt() == b.attempt()
        && a.certificateHash().equals(Hash.ZERO) == b.certificateHash().equals(Hash.ZERO)
        && !a.hash().equals(b.hash());
  }

  /** Proof that a winner's signed block carries a model other than the one it committed to. */
  public static byte[] invalidWinnerBlock(Block block) {
    byte[] work = block.work();
    return new CanonicalWriter(BlockHeader.ENCODED_LENGTH + Signature.LENGTH + work.length + 8)
        .u8(VERSION)
        .u8(INVALID_WINNER_BLOCK)
        .fixed(block.header().encode())
        .signature(block.signature())
        .bytes(work)
        .toByteArray();
  }

  private static byte[] pair(int kind, ConsensusMessage a, ConsensusMessage b) {
    boolean swap = a.id().compareTo(b.id()) > 0;
    byte[] first = (swap ? b : a).encode();
    byte[] second = (swap ? a : b).encode();
    return new CanonicalWriter(first.length + second.length + 12)
        .u8(VERSION)
        .u8(kind)
        .bytes(first)
        .bytes(second)
        .toByteArray();
  }
}

package org.learnchain.consensus.message;

import java.util.Optional;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.Decoded;

/**
 * The proposer of consensus round {@code bftRound} at {@code height} names the block it proposes
 * (docs/consensus.md). {@code validRound} is -1 for a fresh block, or the earlier round in which
 * the block gathered more than two thirds of prevotes (the proof-of-lock that lets a proposer
 * re-propose a block someone else built). The signature covers the header fields only; the block
 * travels with the proposal on the wire so a proposal is never without its block, and {@link
 * #withoutBlock()} is the form kept as evidence.
 *
 * <p>Wire: {@code payload | signature | u8 hasBlock | [bytes block]}.
 */
public record Proposal(
    long height,
    int bftRound,
    int validRound,
    Hash blockHash,
    PublicKey proposer,
    Signature signature,
    Optional<Block> block)
    implements ConsensusMessage {

  public Proposal {
    if (bftRound < 0 || validRound < -1 || validRound >= bftRound) {
      throw new IllegalArgumentException(
          "proposal rounds out of order: round " + bftRound + " valid round " + validRound);
    }
    if (block.isPresent() && !block.get().hash().equals(blockHash)) {
      throw new IllegalArgumentException("proposal names another block than it carries");
    }
  }

  public static Proposal sign(
      ChainDomains domains, PrivateKey key, int bftRound, int validRound, Block block) {
    byte[] payload = payload(block.height(), bftRound, validRound, block.hash(), key.publicKey());
    return new Proposal(
        block.height(),
        bftRound,
        validRound,
        block.hash(),
        key.publicKey(),
        domains.sign(MessageType.PROPOSAL, key, payload),
        Optional.of(block));
  }

  /** The signed part alone (what evidence of two proposals for one round carries). */
  public Proposal withoutBlock() {
    return new Proposal(
        height, bftRound, validRound, blockHash, proposer, signature, Optional.empty());
  }

  @Override
  public long round() {
    return height;
  }

  @Override
  public MessageType type() {
    return MessageType.PROPOSAL;
  }

  @Override
  public PublicKey signer() {
    return proposer;
  }

  @Override
  public byte[] signedPayload() {
    return payload(height, bftRound, validRound, blockHash, proposer);
  }

  @Override
  public byte[] encode() {
    byte[] payload = signedPayload();
    CanonicalWriter w = new CanonicalWriter(payload.length + Signature.LENGTH + 16);
    w.fixed(payload).signature(signature);
    if (block.isPresent()) {
      w.u8(1).bytes(block.get().encode());
    } else {
      w.u8(0);
    }
    return w.toByteArray();
  }

  /** Identifies the signed proposal, with or without its block. */
  @Override
  public Hash id() {
    byte[] payload = signedPayload();
    return Hashing.sha256(
        new CanonicalWriter(payload.length + Signature.LENGTH)
            .fixed(payload)
            .signature(signature)
            .toByteArray());
  }

  private static byte[] payload(
      long height, int bftRound, int validRound, Hash blockHash, PublicKey proposer) {
    return new CanonicalWriter(88)
        .u8(VERSION)
        .i64(height)
        .i32(bftRound)
        .i32(validRound)
        .hash(blockHash)
        .publicKey(proposer)
        .toByteArray();
  }

  static Proposal read(CanonicalReader r) {
    Codec.version(r);
    long height = r.i64();
    int round = r.i32();
    int validRound = r.i32();
    Hash hash = r.hash();
    PublicKey proposer = r.publicKey();
    Signature sig = r.signature();
    if (height < 1) {
      throw new MalformedEncodingException("proposal for height " + height);
    }
    int has = r.u8();
    Optional<Block> block;
    if (has == 0) {
      block = Optional.empty();
    } else if (has == 1) {
      Decoded<Block> d = Block.tryDecode(r.bytes(Integer.MAX_VALUE - 16));
      if (!(d instanceof Decoded.Ok<Block> ok)) {
        throw new MalformedEncodingException(
            "proposal block: " + ((Decoded.Malformed<Block>) d).reason());
      }
      if (ok.value().height() != height) {
        throw new MalformedEncodingException("proposal block of another height");
      }
      block = Optional.of(ok.value());
    } else {
      throw new MalformedEncodingException("bad block flag " + has);
    }
    return new Proposal(height, round, validRound, hash, proposer, sig, block);
  }
}

package org.learnchain.consensus.message;

import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * A validator's prevote or precommit for consensus round {@code bftRound} of {@code height}
 * (docs/consensus.md). {@code blockHash} is {@link Hash#ZERO} for a vote for nothing (nil). The
 * kind is part of the signing domain, so a prevote can never be replayed as a precommit. An honest
 * validator signs at most one vote per (height, round, kind); two different ones are slashable
 * evidence, and they are the only way two blocks can be committed at one height.
 */
public record Vote(
    MessageType kind,
    long height,
    int bftRound,
    Hash blockHash,
    PublicKey validator,
    Signature signature)
    implements ConsensusMessage {

  public Vote {
    if (kind != MessageType.PREVOTE && kind != MessageType.PRECOMMIT) {
      throw new IllegalArgumentException("not a vote kind: " + kind);
    }
    if (bftRound < 0) {
      throw new IllegalArgumentException("negative consensus round");
    }
  }

  public static Vote sign(
      ChainDomains domains,
      MessageType kind,
      PrivateKey key,
      long height,
      int bftRound,
      Hash blockHash) {
    byte[] payload = payload(height, bftRound, blockHash, key.publicKey());
    return new Vote(
        kind, height, bftRound, blockHash, key.publicKey(), domains.sign(kind, key, payload));
  }

  public boolean isNil() {
    return blockHash.equals(Hash.ZERO);
  }

  @Override
  public long round() {
    return height;
  }

  @Override
  public MessageType type() {
    return kind;
  }

  @Override
  public PublicKey signer() {
    return validator;
  }

  @Override
  public byte[] signedPayload() {
    return payload(height, bftRound, blockHash, validator);
  }

  private static byte[] payload(long height, int bftRound, Hash blockHash, PublicKey validator) {
    return new CanonicalWriter(84)
        .u8(VERSION)
        .i64(height)
        .i32(bftRound)
        .hash(blockHash)
        .publicKey(validator)
        .toByteArray();
  }

  static Vote read(CanonicalReader r, MessageType kind) {
    Codec.version(r);
    long height = r.i64();
    int round = r.i32();
    if (height < 0 || round < 0) {
      throw new IllegalArgumentException("negative height or round");
    }
    return new Vote(kind, height, round, r.hash(), r.publicKey(), r.signature());
  }
}

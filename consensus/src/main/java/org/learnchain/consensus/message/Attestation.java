package org.learnchain.consensus.message;

import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * A validator's statement that it fully verified the block {@code blockHash} at {@code height} (its
 * whole chain included) and adopted it. An honest validator attests at most one block per height;
 * two attestations for different blocks at one height are slashable evidence. A block attested by
 * more than two thirds of the validators is final. The next block carries the attestations of its
 * parent, which pays the validators' share of the bounty.
 */
public record Attestation(long height, Hash blockHash, PublicKey validator, Signature signature)
    implements ConsensusMessage {

  public static Attestation sign(ChainDomains domains, PrivateKey key, long height, Hash block) {
    byte[] payload = payload(height, block, key.publicKey());
    return new Attestation(
        height, block, key.publicKey(), domains.sign(MessageType.ATTESTATION, key, payload));
  }

  @Override
  public long round() {
    return height;
  }

  @Override
  public MessageType type() {
    return MessageType.ATTESTATION;
  }

  @Override
  public PublicKey signer() {
    return validator;
  }

  @Override
  public byte[] signedPayload() {
    return payload(height, blockHash, validator);
  }

  private static byte[] payload(long height, Hash blockHash, PublicKey validator) {
    return new CanonicalWriter(80)
        .u8(VERSION)
        .i64(height)
        .hash(blockHash)
        .publicKey(validator)
        .toByteArray();
  }

  static Attestation read(CanonicalReader r) {
    Codec.version(r);
    return new Attestation(r.i64(), r.hash(), r.publicKey(), r.signature());
  }
}

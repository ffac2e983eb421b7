package org.learnchain.consensus.message;

import org.learnchain.consensus.Bytes;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * Step 3: after the evaluation deadline the submitter reveals the test labels. Valid only when
 * {@code H(salt || labels)} is the problem's {@code testLabelsHash}. With the labels and the
 * prediction commits public, every peer recomputes the ranking.
 */
public record LabelReveal(
    long round, Hash problemId, Bytes salt, Bytes labels, PublicKey submitter, Signature signature)
    implements ConsensusMessage {

  public static LabelReveal sign(
      ChainDomains domains, PrivateKey key, long round, Hash problemId, Bytes salt, Bytes labels) {
    byte[] payload = payload(round, problemId, salt, labels, key.publicKey());
    return new LabelReveal(
        round,
        problemId,
        salt,
        labels,
        key.publicKey(),
        domains.sign(MessageType.LABEL_REVEAL, key, payload));
  }

  /** True when this reveal opens {@code testLabelsHash}. */
  public boolean matches(Hash testLabelsHash) {
    return labels.sha256WithPrefix(salt).equals(testLabelsHash);
  }

  @Override
  public MessageType type() {
    return MessageType.LABEL_REVEAL;
  }

  @Override
  public PublicKey signer() {
    return submitter;
  }

  @Override
  public byte[] signedPayload() {
    return payload(round, problemId, salt, labels, submitter);
  }

  private static byte[] payload(
      long round, Hash problemId, Bytes salt, Bytes labels, PublicKey submitter) {
    return new CanonicalWriter(96 + salt.size() + labels.size())
        .u8(VERSION)
        .i64(round)
        .hash(problemId)
        .bytes(salt.toArray())
        .bytes(labels.toArray())
        .publicKey(submitter)
        .toByteArray();
  }

  static LabelReveal read(CanonicalReader r) {
    Codec.version(r);
    return new LabelReveal(
        r.i64(),
        r.hash(),
        Bytes.own(r.bytes(Codec.MAX_SALT_BYTES)),
        Bytes.own(r.bytes(Codec.MAX_TEST_BYTES)),
        r.publicKey(),
        r.signature());
  }
}

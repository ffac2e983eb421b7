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
 * Step 2: at the training deadline the submitter reveals the test inputs and the salt. Valid only
 * when {@code H(salt || testInputs)} is the problem's {@code testInputsHash}, so the submitter
 * cannot change the test set after seeing the commitments.
 */
public record TestReveal(
    long round,
    Hash problemId,
    Bytes salt,
    Bytes testInputs,
    PublicKey submitter,
    Signature signature)
    implements ConsensusMessage {

  public static TestReveal sign(
      ChainDomains domains,
      PrivateKey key,
      long round,
      Hash problemId,
      Bytes salt,
      Bytes testInputs) {
    byte[] payload = payload(round, problemId, salt, testInputs, key.publicKey());
    return new TestReveal(
        round,
        problemId,
        salt,
        testInputs,
        key.publicKey(),
        domains.sign(MessageType.TEST_REVEAL, key, payload));
  }

  /** True when this reveal opens {@code testInputsHash}. */
  public boolean matches(Hash testInputsHash) {
    return testInputs.sha256WithPrefix(salt).equals(testInputsHash);
  }

  @Override
  public MessageType type() {
    return MessageType.TEST_REVEAL;
  }

  @Override
  public PublicKey signer() {
    return submitter;
  }

  @Override
  public byte[] signedPayload() {
    return payload(round, problemId, salt, testInputs, submitter);
  }

  private static byte[] payload(
      long round, Hash problemId, Bytes salt, Bytes testInputs, PublicKey submitter) {
    return new CanonicalWriter(96 + salt.size() + testInputs.size())
        .u8(VERSION)
        .i64(round)
        .hash(problemId)
        .bytes(salt.toArray())
        .bytes(testInputs.toArray())
        .publicKey(submitter)
        .toByteArray();
  }

  static TestReveal read(CanonicalReader r) {
    Codec.version(r);
    return new TestReveal(
        r.i64(),
        r.hash(),
        Bytes.own(r.bytes(Codec.MAX_SALT_BYTES)),
        Bytes.own(r.bytes(Codec.MAX_TEST_BYTES)),
        r.publicKey(),
        r.signature());
  }
}

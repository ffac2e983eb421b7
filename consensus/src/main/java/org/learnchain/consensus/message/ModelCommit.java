package org.learnchain.consensus.message;

import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * Step 1 of a round: a miner's binding commitment to the model it trained, gossiped before the
 * training deadline. {@code commitment = H(modelHash || minerKey || round)}: it hides the model
 * until the prediction commit opens it, and it names the miner and the round, so a commitment
 * copied from another miner, or replayed from an earlier round, can never be opened by the copier.
 * One commit per miner per round; two different ones are evidence of equivocation.
 */
public record ModelCommit(
    long round, Hash problemId, Hash commitment, PublicKey miner, Signature signature)
    implements ConsensusMessage {

  /** {@code H(modelHash || minerKey || round)}, the round as 8 big-endian bytes. */
  public static Hash commitment(Hash modelHash, PublicKey miner, long round) {
    return Hashing.sha256(
        new CanonicalWriter(72).hash(modelHash).publicKey(miner).i64(round).toByteArray());
  }

  public static ModelCommit sign(
      ChainDomains domains, PrivateKey key, long round, Hash problemId, Hash commitment) {
    byte[] payload = payload(round, problemId, commitment, key.publicKey());
    return new ModelCommit(
        round,
        problemId,
        commitment,
        key.publicKey(),
        domains.sign(MessageType.MODEL_COMMIT, key, payload));
  }

  /** True when {@code modelHash} opens this commitment. */
  public boolean opensWith(Hash modelHash) {
    return commitment.equals(commitment(modelHash, miner, round));
  }

  @Override
  public MessageType type() {
    return MessageType.MODEL_COMMIT;
  }

  @Override
  public PublicKey signer() {
    return miner;
  }

  @Override
  public byte[] signedPayload() {
    return payload(round, problemId, commitment, miner);
  }

  private static byte[] payload(long round, Hash problemId, Hash commitment, PublicKey miner) {
    return new CanonicalWriter(112)
        .u8(VERSION)
        .i64(round)
        .hash(problemId)
        .hash(commitment)
        .publicKey(miner)
        .toByteArray();
  }

  static ModelCommit read(CanonicalReader r) {
    Codec.version(r);
    return new ModelCommit(r.i64(), r.hash(), r.hash(), r.publicKey(), r.signature());
  }
}

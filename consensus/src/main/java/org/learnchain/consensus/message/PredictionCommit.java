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
 * Step 2, after the test reveal: a miner publishes its committed model's predictions on the test
 * inputs, before the evaluation deadline. It also opens the model commitment by naming {@code
 * modelHash}: the prediction counts only when {@code H(modelHash || miner || round)} equals the
 * miner's {@link ModelCommit#commitment()}. Scores are computed from these bytes, never from a
 * re-run, so the ranking is the same on every peer whatever hardware it has.
 */
public record PredictionCommit(
    long round,
    Hash problemId,
    Hash modelHash,
    Bytes predictions,
    PublicKey miner,
    Signature signature)
    implements ConsensusMessage {

  public static PredictionCommit sign(
      ChainDomains domains,
      PrivateKey key,
      long round,
      Hash problemId,
      Hash modelHash,
      Bytes predictions) {
    byte[] payload = payload(round, problemId, modelHash, predictions, key.publicKey());
    return new PredictionCommit(
        round,
        problemId,
        modelHash,
        predictions,
        key.publicKey(),
        domains.sign(MessageType.PREDICTION_COMMIT, key, payload));
  }

  @Override
  public MessageType type() {
    return MessageType.PREDICTION_COMMIT;
  }

  @Override
  public PublicKey signer() {
    return miner;
  }

  @Override
  public byte[] signedPayload() {
    return payload(round, problemId, modelHash, predictions, miner);
  }

  private static byte[] payload(
      long round, Hash problemId, Hash modelHash, Bytes predictions, PublicKey miner) {
    return new CanonicalWriter(120 + predictions.size())
        .u8(VERSION)
        .i64(round)
        .hash(problemId)
        .hash(modelHash)
        .bytes(predictions.toArray())
        .publicKey(miner)
        .toByteArray();
  }

  static PredictionCommit read(CanonicalReader r) {
    Codec.version(r);
    return new PredictionCommit(
        r.i64(),
        r.hash(),
        r.hash(),
        Bytes.own(r.bytes(Codec.MAX_PREDICTION_BYTES)),
        r.publicKey(),
        r.signature());
  }
}

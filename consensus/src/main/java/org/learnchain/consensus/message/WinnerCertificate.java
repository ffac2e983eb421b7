package org.learnchain.consensus.message;

import java.util.List;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * Step 3: the submitter's signed verdict. {@code ranking} lists every miner with a valid prediction
 * commit, best first, with its score; {@code winner} is {@code ranking[attempt]}: attempt 0 crowns
 * the best, and each fallback after a missing or invalid block moves to the next-ranked miner.
 * Every peer recomputes the ranking from the public predictions and labels, so a certificate that
 * crowns anyone else is rejected. Two different certificates for one round and attempt are
 * slashable evidence.
 */
public record WinnerCertificate(
    long round,
    Hash problemId,
    int attempt,
    PublicKey winner,
    Hash modelHash,
    double score,
    List<RankEntry> ranking,
    PublicKey submitter,
    Signature signature)
    implements ConsensusMessage {

  public WinnerCertificate {
    ranking = List.copyOf(ranking);
  }

  /** One miner's place in the ranking. */
  public record RankEntry(PublicKey miner, double score) {}

  public static WinnerCertificate sign(
      ChainDomains domains,
      PrivateKey key,
      long round,
      Hash problemId,
      int attempt,
      PublicKey winner,
      Hash modelHash,
      double score,
      List<RankEntry> ranking) {
    byte[] payload =
        payload(round, problemId, attempt, winner, modelHash, score, ranking, key.publicKey());
    return new WinnerCertificate(
        round,
        problemId,
        attempt,
        winner,
        modelHash,
        score,
        ranking,
        key.publicKey(),
        domains.sign(MessageType.WINNER_CERTIFICATE, key, payload));
  }

  @Override
  public MessageType type() {
    return MessageType.WINNER_CERTIFICATE;
  }

  @Override
  public PublicKey signer() {
    return submitter;
  }

  @Override
  public byte[] signedPayload() {
    return payload(round, problemId, attempt, winner, modelHash, score, ranking, submitter);
  }

  private static byte[] payload(
      long round,
      Hash problemId,
      int attempt,
      PublicKey winner,
      Hash modelHash,
      double score,
      List<RankEntry> ranking,
      PublicKey submitter) {
    return new CanonicalWriter(160 + 40 * ranking.size())
        .u8(VERSION)
        .i64(round)
        .hash(problemId)
        .i32(attempt)
        .publicKey(winner)
        .hash(modelHash)
        .f64(score)
        .list(ranking, (w, e) -> w.publicKey(e.miner()).f64(e.score()))
        .publicKey(submitter)
        .toByteArray();
  }

  static WinnerCertificate read(CanonicalReader r) {
    Codec.version(r);
    return new WinnerCertificate(
        r.i64(),
        r.hash(),
        r.i32(),
        r.publicKey(),
        r.hash(),
        r.f64(),
        r.list(Codec.MAX_RANKING, x -> new RankEntry(x.publicKey(), x.f64())),
        r.publicKey(),
        r.signature());
  }
}

package org.learnchain.consensus.message;

import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * A node's signed statement that it rejected something a member signed: a block, a certificate, a
 * reveal. It tells operators and the submitter why a round is falling back; it slashes nothing by
 * itself (slashing needs an {@code Evidence} transaction whose proof every node can check).
 *
 * @param subject hash of the rejected block or message
 * @param reason what was wrong
 * @param detail one line of explanation, at most {@link Codec#MAX_DETAIL_BYTES} bytes of UTF-8
 */
public record MisconductReport(
    long round,
    int attempt,
    PublicKey accused,
    Hash subject,
    Reason reason,
    String detail,
    PublicKey reporter,
    Signature signature)
    implements ConsensusMessage {

  /** Why something was rejected. Codes are frozen: they are signed. */
  public enum Reason {
    INVALID_BLOCK(1),
    MODEL_MISMATCH(2),
    PREDICTIONS_NOT_REPRODUCED(3),
    WRONG_RANKING(4),
    BAD_REVEAL(5),
    EQUIVOCATION(6),
    SELF_MINING(7);

    private final int code;

    Reason(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    static Reason of(int code) {
      for (Reason r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      throw new org.learnchain.crypto.codec.MalformedEncodingException(
          "unknown misconduct reason " + code);
    }
  }

  public static MisconductReport sign(
      ChainDomains domains,
      PrivateKey key,
      long round,
      int attempt,
      PublicKey accused,
      Hash subject,
      Reason reason,
      String detail) {
    String d = Codec.truncateUtf8(detail, Codec.MAX_DETAIL_BYTES);
    byte[] payload = payload(round, attempt, accused, subject, reason, d, key.publicKey());
    return new MisconductReport(
        round,
        attempt,
        accused,
        subject,
        reason,
        d,
        key.publicKey(),
        domains.sign(MessageType.MISCONDUCT_REPORT, key, payload));
  }

  @Override
  public MessageType type() {
    return MessageType.MISCONDUCT_REPORT;
  }

  @Override
  public PublicKey signer() {
    return reporter;
  }

  @Override
  public byte[] signedPayload() {
    return payload(round, attempt, accused, subject, reason, detail, reporter);
  }

  private static byte[] payload(
      long round,
      int attempt,
      PublicKey accused,
      Hash subject,
      Reason reason,
      String detail,
      PublicKey reporter) {
    return new CanonicalWriter(160 + detail.length())
        .u8(VERSION)
        .i64(round)
        .i32(attempt)
        .publicKey(accused)
        .hash(subject)
        .u8(reason.code())
        .string(detail)
        .publicKey(reporter)
        .toByteArray();
  }

  static MisconductReport read(CanonicalReader r) {
    Codec.version(r);
    return new MisconductReport(
        r.i64(),
        r.i32(),
        r.publicKey(),
        r.hash(),
        Reason.of(r.u8()),
        r.string(Codec.MAX_DETAIL_BYTES),
        r.publicKey(),
        r.signature());
  }
}

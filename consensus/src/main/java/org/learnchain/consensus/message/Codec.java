package org.learnchain.consensus.message;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.learnchain.config.spec.Ceilings;
import org.learnchain.consensus.Result;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * Decoding of consensus messages from untrusted bytes. Every length is bounded before anything is
 * allocated, trailing bytes are rejected, and any malformation becomes an error result naming the
 * message kind, never an exception to the caller.
 */
public final class Codec {
  /** Salt of the test commitments. */
  public static final int MAX_SALT_BYTES = 64;

  /** Test inputs or labels in one reveal. */
  public static final int MAX_TEST_BYTES = 32 << 20;

  /** Predictions of one miner. */
  public static final int MAX_PREDICTION_BYTES = 16 << 20;

  /** Miners in one ranking, commits or predictions in one block. */
  public static final int MAX_RANKING = 1024;

  /** Precommits in one commit (a block's parent commit, or a gossiped one). */
  public static final int MAX_COMMIT_VOTES = 1024;

  /**
   * Model bytes the work section decoder reads: the model decoder ceiling every chain spec must fit
   * under (the spec's own {@code maxModelBytes} at the block's height is checked as well).
   */
  public static final int MAX_MODEL_BYTES = Ceilings.MAX_MODEL_BYTES;

  /** The free-text detail of a misconduct report. */
  public static final int MAX_DETAIL_BYTES = 256;

  private Codec() {}

  /** Decodes a gossiped consensus message of {@code kind}. */
  public static Result<ConsensusMessage> decode(MessageType kind, byte[] bytes) {
    try {
      CanonicalReader r = new CanonicalReader(bytes);
      ConsensusMessage m =
          switch (kind) {
            case MODEL_COMMIT -> ModelCommit.read(r);
            case TEST_REVEAL -> TestReveal.read(r);
            case PREDICTION_COMMIT -> PredictionCommit.read(r);
            case LABEL_REVEAL -> LabelReveal.read(r);
            case WINNER_CERTIFICATE -> WinnerCertificate.read(r);
            case MISCONDUCT_REPORT -> MisconductReport.read(r);
            case PROPOSAL -> Proposal.read(r);
            case PREVOTE, PRECOMMIT -> Vote.read(r, kind);
            default -> null;
          };
      if (m == null) {
        return Result.err("not a consensus message kind: " + kind.tag());
      }
      r.end();
      return Result.ok(m);
    } catch (MalformedEncodingException | IllegalArgumentException e) {
      return Result.err("malformed " + kind.tag() + ": " + e.getMessage());
    }
  }

  /** Decodes a message of a known record type, for tests and evidence proofs. */
  public static <T extends ConsensusMessage> Result<T> decode(
      MessageType kind, Class<T> type, byte[] bytes) {
    return decode(kind, bytes)
        .flatMap(
            m ->
                type.isInstance(m)
                    ? Result.ok(type.cast(m))
                    : Result.err("expected " + type.getSimpleName()));
  }

  static void version(CanonicalReader r) {
    int v = r.u8();
    if (v != ConsensusMessage.VERSION) {
      throw new MalformedEncodingException("unsupported message version " + v);
    }
  }

  /** Reads one embedded message of {@code kind} (a length-prefixed encoding). */
  static ConsensusMessage readEmbedded(CanonicalReader r, MessageType kind, int maxBytes) {
    byte[] raw = r.bytes(maxBytes);
    Result<ConsensusMessage> m = decode(kind, raw);
    if (!m.isOk()) {
      throw new MalformedEncodingException(m.reason());
    }
    return m.value();
  }

  /** {@code s} cut to at most {@code maxBytes} of UTF-8 without splitting a character. */
  static String truncateUtf8(String s, int maxBytes) {
    CharsetEncoder enc =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    ByteBuffer out = ByteBuffer.allocate(maxBytes);
    CharBuffer in = CharBuffer.wrap(s);
    enc.encode(in, out, true);
    // Round-trip so that an unpaired surrogate becomes the replacement character here, not later:
    // the signed string must be exactly the string that is encoded.
    return new String(
        s.substring(0, in.position()).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }
}

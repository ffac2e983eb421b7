package org.learnchain.consensus.message;

import java.util.List;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * The consensus part of a block body, opaque to the ledger (which stores it and checks its hash
 * against the header's {@code workHash}). It carries everything a peer needs to re-verify the round
 * from the block alone: the certificate, the commits and prediction commits the ranking relies on,
 * both reveals and the model bytes; and, in every kind of block above height 1, the parent's
 * commit: the precommits of more than two thirds of the validators for the parent (they make the
 * chain verifiable from genesis and decide who is paid the validators' share).
 *
 * <p>Encoding: {@code version u8 | kind u8 | fields}; an idle section without a parent commit
 * encodes as zero bytes, whose work hash is {@link Hash#ZERO}.
 */
public sealed interface WorkSection
    permits WorkSection.Idle, WorkSection.Useful, WorkSection.Wasted {

  int KIND_IDLE = 0;
  int KIND_USEFUL = 1;
  int KIND_WASTED = 2;

  List<Vote> parentCommit();

  byte[] encode();

  /** The header's workHash for {@code encoded}: ZERO for an empty section. */
  static Hash workHash(byte[] encoded) {
    return encoded.length == 0 ? Hash.ZERO : Hashing.sha256(encoded);
  }

  /** A block with no problem: only transactions and the parent's commit. */
  record Idle(List<Vote> parentCommit) implements WorkSection {
    public Idle {
      parentCommit = List.copyOf(parentCommit);
    }

    @Override
    public byte[] encode() {
      if (parentCommit.isEmpty()) {
        return new byte[0];
      }
      CanonicalWriter w = header(KIND_IDLE);
      writeList(w, parentCommit);
      return w.toByteArray();
    }
  }

  /**
   * A useful-work block: the winner's proof. {@code commits} and {@code predictions} are those of
   * every miner in the certificate's ranking, in ranking order.
   */
  record Useful(
      WinnerCertificate certificate,
      List<ModelCommit> commits,
      List<PredictionCommit> predictions,
      TestReveal testReveal,
      LabelReveal labelReveal,
      Bytes model,
      List<Vote> parentCommit)
      implements WorkSection {
    public Useful {
      commits = List.copyOf(commits);
      predictions = List.copyOf(predictions);
      parentCommit = List.copyOf(parentCommit);
    }

    @Override
    public byte[] encode() {
      CanonicalWriter w = header(KIND_USEFUL);
      w.bytes(certificate.encode());
      writeList(w, commits);
      writeList(w, predictions);
      w.bytes(testReveal.encode());
      w.bytes(labelReveal.encode());
      w.bytes(model.toArray());
      writeList(w, parentCommit);
      return w.toByteArray();
    }
  }

  /**
   * The round's submitter never revealed (or never certified): the bounty of {@code problemId} is
   * split among the miners whose {@code commits} are listed (sorted by miner key).
   */
  record Wasted(Hash problemId, List<ModelCommit> commits, List<Vote> parentCommit)
      implements WorkSection {
    public Wasted {
      commits = List.copyOf(commits);
      parentCommit = List.copyOf(parentCommit);
    }

    @Override
    public byte[] encode() {
      CanonicalWriter w = header(KIND_WASTED);
      w.hash(problemId);
      writeList(w, commits);
      writeList(w, parentCommit);
      return w.toByteArray();
    }
  }

  /** Decodes a block's work bytes (untrusted). */
  static Result<WorkSection> decode(byte[] bytes) {
    if (bytes.length == 0) {
      return Result.ok(new Idle(List.of()));
    }
    try {
      CanonicalReader r = new CanonicalReader(bytes);
      Codec.version(r);
      int kind = r.u8();
      WorkSection section =
          switch (kind) {
            case KIND_IDLE -> {
              List<Vote> commit = readCommit(r);
              if (commit.isEmpty()) {
                throw new MalformedEncodingException("empty idle section must be zero bytes");
              }
              yield new Idle(commit);
            }
            case KIND_USEFUL ->
                new Useful(
                    (WinnerCertificate)
                        Codec.readEmbedded(r, MessageType.WINNER_CERTIFICATE, 1 << 20),
                    r.list(
                        Codec.MAX_RANKING,
                        x -> (ModelCommit) Codec.readEmbedded(x, MessageType.MODEL_COMMIT, 1024)),
                    r.list(
                        Codec.MAX_RANKING,
                        x ->
                            (PredictionCommit)
                                Codec.readEmbedded(
                                    x,
                                    MessageType.PREDICTION_COMMIT,
                                    Codec.MAX_PREDICTION_BYTES + 1024)),
                    (TestReveal)
                        Codec.readEmbedded(r, MessageType.TEST_REVEAL, Codec.MAX_TEST_BYTES + 1024),
                    (LabelReveal)
                        Codec.readEmbedded(
                            r, MessageType.LABEL_REVEAL, Codec.MAX_TEST_BYTES + 1024),
                    Bytes.own(r.bytes(Codec.MAX_MODEL_BYTES)),
                    readCommit(r));
            case KIND_WASTED ->
                new Wasted(
                    r.hash(),
                    r.list(
                        Codec.MAX_RANKING,
                        x -> (ModelCommit) Codec.readEmbedded(x, MessageType.MODEL_COMMIT, 1024)),
                    readCommit(r));
            default -> throw new MalformedEncodingException("unknown work section kind " + kind);
          };
      r.end();
      return Result.ok(section);
    } catch (MalformedEncodingException | IllegalArgumentException e) {
      return Result.err("malformed work section: " + e.getMessage());
    }
  }

  private static List<Vote> readCommit(CanonicalReader r) {
    return r.list(
        Codec.MAX_COMMIT_VOTES, x -> (Vote) Codec.readEmbedded(x, MessageType.PRECOMMIT, 1024));
  }

  private static CanonicalWriter header(int kind) {
    return new CanonicalWriter(256).u8(ConsensusMessage.VERSION).u8(kind);
  }

  private static void writeList(CanonicalWriter w, List<? extends ConsensusMessage> messages) {
    w.list(messages, (x, m) -> x.bytes(m.encode()));
  }
}

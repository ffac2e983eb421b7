package org.learnchain.consensus.message;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.learnchain.consensus.Result;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * The commit of a block: precommits of more than two thirds of the validators for {@code blockHash}
 * in one consensus round of {@code height}. Block h+1 carries the commit of block h (its work
 * section's parent commit), and nodes gossip it on its own to help peers that missed the votes
 * catch up. It has no signature of its own: each precommit in it is signed, and anyone can check it
 * against the genesis validator set alone. {@code issuedAtMs} only makes each announcement distinct
 * on the wire (gossip drops repeated bytes); it is not part of what is proven.
 *
 * <p>Wire: {@code u8 version | i64 height | i32 round | blockHash | i64 issuedAtMs | list of
 * precommit encodings (sorted by validator)}.
 */
public record CommitCertificate(
    long height, int bftRound, Hash blockHash, List<Vote> precommits, long issuedAtMs) {

  public CommitCertificate {
    precommits = List.copyOf(precommits);
  }

  /** A commit from {@code precommits}, sorted by validator as blocks carry them. */
  public static CommitCertificate of(
      long height, int bftRound, Hash blockHash, List<Vote> precommits, long issuedAtMs) {
    List<Vote> sorted = new ArrayList<>(precommits);
    sorted.sort((a, b) -> a.validator().compareTo(b.validator()));
    return new CommitCertificate(height, bftRound, blockHash, sorted, issuedAtMs);
  }

  /**
   * Checks that the precommits commit {@code blockHash}: all for this height, round and block, from
   * distinct validators in ascending key order, each validly signed, at least {@code quorum} of
   * them.
   *
   * @param isValidator membership of the validator set
   * @param signatureOk the signature check (a cache may stand in for it)
   */
  public static Result<Boolean> check(
      long height,
      Hash blockHash,
      List<Vote> precommits,
      int quorum,
      Predicate<PublicKey> isValidator,
      Predicate<Vote> signatureOk) {
    if (precommits.size() < quorum) {
      return Result.err(
          "commit has " + precommits.size() + " precommits, " + quorum + " are needed");
    }
    int round = precommits.get(0).bftRound();
    PublicKey previous = null;
    Set<PublicKey> seen = new HashSet<>();
    for (Vote v : precommits) {
      if (v.kind() != MessageType.PRECOMMIT
          || v.height() != height
          || v.bftRound() != round
          || !v.blockHash().equals(blockHash)) {
        return Result.err("commit holds a vote for another height, round or block");
      }
      if (!isValidator.test(v.validator())) {
        return Result.err("commit holds a precommit of a non-validator");
      }
      if ((previous != null && previous.compareTo(v.validator()) >= 0)
          || !seen.add(v.validator())) {
        return Result.err("commit precommits not sorted by validator or duplicated");
      }
      previous = v.validator();
      if (!signatureOk.test(v)) {
        return Result.err("commit holds a precommit with a bad signature");
      }
    }
    return Result.ok(Boolean.TRUE);
  }

  public byte[] encode() {
    CanonicalWriter w =
        new CanonicalWriter(64 + precommits.size() * 200)
            .u8(ConsensusMessage.VERSION)
            .i64(height)
            .i32(bftRound)
            .hash(blockHash)
            .i64(issuedAtMs);
    w.list(precommits, (x, v) -> x.bytes(v.encode()));
    return w.toByteArray();
  }

  /** Decodes an announcement from a peer (untrusted); signatures are checked by the caller. */
  public static Result<CommitCertificate> decode(byte[] bytes) {
    try {
      CanonicalReader r = new CanonicalReader(bytes);
      Codec.version(r);
      long height = r.i64();
      int round = r.i32();
      Hash hash = r.hash();
      long issued = r.i64();
      List<Vote> votes =
          r.list(
              Codec.MAX_COMMIT_VOTES,
              x -> (Vote) Codec.readEmbedded(x, MessageType.PRECOMMIT, 1024));
      r.end();
      if (height < 1 || round < 0 || votes.isEmpty()) {
        throw new MalformedEncodingException("empty commit or bad height/round");
      }
      return Result.ok(new CommitCertificate(height, round, hash, votes, issued));
    } catch (MalformedEncodingException | IllegalArgumentException e) {
      return Result.err("malformed commit: " + e.getMessage());
    }
  }
}

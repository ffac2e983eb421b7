package org.learnchain.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * A whole block: the signed header, the round's outcome, the transactions and the opaque work
 * section (consensus's certificate, commits, predictions, reveals, model bytes, attestations).
 *
 * <p>Canonical encoding: {@code header | signature[64] | outcome | i32 txCount | (i32 len | tx)* |
 * bytes work}. Each transaction is length-prefixed so a reader can hash it without re-encoding.
 */
public record Block(
    BlockHeader header,
    Signature signature,
    BlockOutcome outcome,
    List<SignedTransaction> transactions,
    byte[] work) {

  public Block {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(outcome, "outcome");
    transactions = List.copyOf(transactions);
    work = work.clone();
  }

  /** A copy of the opaque work section. */
  @Override
  public byte[] work() {
    return work.clone();
  }

  public int workLength() {
    return work.length;
  }

  public Hash hash() {
    return header.hash();
  }

  public long height() {
    return header.height();
  }

  /** The work hash a header must carry for {@code work}: SHA-256, or ZERO when empty. */
  public static Hash workHash(byte[] work) {
    return work.length == 0 ? Hash.ZERO : Hashing.sha256(work);
  }

  /** The tx root a header must carry for {@code transactions}. */
  public static Hash txRoot(List<SignedTransaction> transactions) {
    List<Hash> hashes = new ArrayList<>(transactions.size());
    for (SignedTransaction tx : transactions) {
      hashes.add(tx.hash());
    }
    return TxMerkle.root(hashes);
  }

  /**
   * Checks that the header commits to this body: tx root, work hash, and the problem/model fields
   * an idle block must leave at ZERO. Empty when consistent, else a one-line reason.
   */
  public Optional<String> checkBody() {
    if (transactions.size() > LedgerLimits.MAX_BLOCK_TRANSACTIONS) {
      return Optional.of("block has " + transactions.size() + " transactions, too many");
    }
    Hash txRoot = txRoot(transactions);
    if (!txRoot.equals(header.txRoot())) {
      return Optional.of(
          "tx root mismatch: header " + header.txRoot().toShortHex() + " body " + txRoot);
    }
    Hash workHash = workHash(work);
    if (!workHash.equals(header.workHash())) {
      return Optional.of("work hash mismatch: header " + header.workHash().toShortHex());
    }
    if (outcome instanceof BlockOutcome.Idle
        && (!header.problemId().equals(Hash.ZERO)
            || !header.modelHash().equals(Hash.ZERO)
            || !header.certificateHash().equals(Hash.ZERO))) {
      return Optional.of("idle block must carry ZERO problem, model and certificate hashes");
    }
    if (outcome instanceof BlockOutcome.UsefulWork u && !u.problemId().equals(header.problemId())) {
      return Optional.of("outcome problem differs from the header's problem id");
    }
    return Optional.empty();
  }

  /** True when the header signature is the proposer's on {@code chainId}. */
  public boolean verifySignature(String chainId) {
    return header.verifySignature(signature, chainId);
  }

  public byte[] encode() {
    CanonicalWriter w = new CanonicalWriter(BlockHeader.ENCODED_LENGTH + 128 + work.length);
    header.write(w);
    w.signature(signature);
    BlockOutcome.write(w, outcome);
    w.i32(transactions.size());
    for (SignedTransaction tx : transactions) {
      w.bytes(tx.encode());
    }
    w.bytes(work);
    return w.toByteArray();
  }

  /**
   * @throws MalformedEncodingException when the bytes are not one canonical block
   */
  public static Block decode(byte[] bytes) {
    CanonicalReader r = new CanonicalReader(bytes);
    BlockHeader header = BlockHeader.read(r);
    Signature sig = r.signature();
    BlockOutcome outcome = BlockOutcome.read(r);
    List<SignedTransaction> txs =
        r.list(
            LedgerLimits.MAX_BLOCK_TRANSACTIONS,
            rr -> {
              byte[] enc = rr.bytes(LedgerLimits.MAX_TRANSACTION_BYTES);
              SignedTransaction tx = SignedTransaction.decode(enc);
              return tx;
            });
    byte[] work = r.bytes(LedgerLimits.MAX_WORK_BYTES);
    r.end();
    return new Block(header, sig, outcome, txs, work);
  }

  public static Decoded<Block> tryDecode(byte[] bytes) {
    return Decoded.of(() -> decode(bytes));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Block b
        && header.equals(b.header)
        && signature.equals(b.signature)
        && outcome.equals(b.outcome)
        && transactions.equals(b.transactions)
        && Arrays.equals(work, b.work);
  }

  @Override
  public int hashCode() {
    return header.hashCode();
  }

  @Override
  public String toString() {
    return "Block[height="
        + header.height()
        + ", hash="
        + hash().toShortHex()
        + ", outcome="
        + outcome
        + ", txs="
        + transactions.size()
        + ", workBytes="
        + work.length
        + "]";
  }
}

package org.learnchain.ledger;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * A submitted problem as the state keeps it, from its inclusion to its end.
 *
 * @param id the hash of the SubmitProblem transaction
 * @param bounty units in escrow while pending (what was paid out or refunded afterwards)
 * @param includedHeight height of the block that included the SubmitProblem
 * @param txIndex position of that transaction in its block (breaks selection ties)
 * @param closedHeight height of the block that solved, wasted or expired it; 0 while pending
 */
public record PendingProblem(
    Hash id,
    Address submitter,
    long bounty,
    byte[] spec,
    Hash trainSetHash,
    long trainSetSize,
    Hash testInputsHash,
    Hash testLabelsHash,
    int testSampleCount,
    long includedHeight,
    int txIndex,
    ProblemStatus status,
    long closedHeight) {

  /**
   * Selection order (docs/protocol.md section 3, step 0): highest bounty first, then earliest
   * inclusion (height, then position in the block). Total because (height, txIndex) is unique.
   */
  public static final Comparator<PendingProblem> SELECTION_ORDER =
      Comparator.comparingLong(PendingProblem::bounty)
          .reversed()
          .thenComparingLong(PendingProblem::includedHeight)
          .thenComparingInt(PendingProblem::txIndex);

  public PendingProblem {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(submitter, "submitter");
    Objects.requireNonNull(trainSetHash, "trainSetHash");
    Objects.requireNonNull(testInputsHash, "testInputsHash");
    Objects.requireNonNull(testLabelsHash, "testLabelsHash");
    Objects.requireNonNull(status, "status");
    spec = spec.clone();
  }

  @Override
  public byte[] spec() {
    return spec.clone();
  }

  public PendingProblem closed(ProblemStatus newStatus, long height) {
    return new PendingProblem(
        id,
        submitter,
        bounty,
        spec,
        trainSetHash,
        trainSetSize,
        testInputsHash,
        testLabelsHash,
        testSampleCount,
        includedHeight,
        txIndex,
        newStatus,
        height);
  }

  public byte[] encode() {
    CanonicalWriter w = new CanonicalWriter(240 + spec.length);
    w.hash(id)
        .address(submitter)
        .i64(bounty)
        .bytes(spec)
        .hash(trainSetHash)
        .i64(trainSetSize)
        .hash(testInputsHash)
        .hash(testLabelsHash)
        .i32(testSampleCount)
        .i64(includedHeight)
        .i32(txIndex)
        .u8(status.code())
        .i64(closedHeight);
    return w.toByteArray();
  }

  public static PendingProblem decode(byte[] bytes) {
    CanonicalReader r = new CanonicalReader(bytes);
    PendingProblem p =
        new PendingProblem(
            r.hash(),
            r.address(),
            r.i64(),
            r.bytes(LedgerLimits.MAX_SPEC_BYTES),
            r.hash(),
            r.i64(),
            r.hash(),
            r.hash(),
            r.i32(),
            r.i64(),
            r.i32(),
            ProblemStatus.fromCode(r.u8()),
            r.i64());
    r.end();
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PendingProblem p && Arrays.equals(encode(), p.encode());
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "PendingProblem[id="
        + id.toShortHex()
        + ", submitter="
        + submitter
        + ", bounty="
        + bounty
        + ", status="
        + status
        + ", includedHeight="
        + includedHeight
        + "]";
  }
}

package org.learnchain.ledger;

import java.util.Arrays;
import java.util.Objects;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * Funds a training problem: the bounty moves into escrow and the problem becomes pending. Its id is
 * the hash of the signed transaction that carries it.
 *
 * @param trainSetHash SHA-256 of the training set miners fetch by hash
 * @param trainSetSize size of the training set in bytes (bounded by ModelLimits.maxTrainSetBytes)
 * @param testInputsHash H(salt || test inputs), revealed after training
 * @param testLabelsHash H(salt || test labels), revealed after evaluation
 * @param testSampleCount number of test samples (bounded by ModelLimits.maxTestSamples)
 * @param spec opaque canonical problem spec owned by ml-engine (input shape, classes, metric,
 *     limits); the ledger only bounds its size
 * @param bounty units escrowed (at least Rewards.minBounty)
 */
public record SubmitProblem(
    Hash trainSetHash,
    long trainSetSize,
    Hash testInputsHash,
    Hash testLabelsHash,
    int testSampleCount,
    byte[] spec,
    long bounty)
    implements Transaction {
  static final int TAG = 2;

  public SubmitProblem {
    Objects.requireNonNull(trainSetHash, "trainSetHash");
    Objects.requireNonNull(testInputsHash, "testInputsHash");
    Objects.requireNonNull(testLabelsHash, "testLabelsHash");
    spec = spec.clone();
  }

  @Override
  public byte[] spec() {
    return spec.clone();
  }

  public int specLength() {
    return spec.length;
  }

  @Override
  public int kindTag() {
    return TAG;
  }

  @Override
  public long spend() {
    return bounty;
  }

  @Override
  public void writeFields(CanonicalWriter w) {
    w.hash(trainSetHash)
        .i64(trainSetSize)
        .hash(testInputsHash)
        .hash(testLabelsHash)
        .i32(testSampleCount)
        .bytes(spec)
        .i64(bounty);
  }

  static SubmitProblem readFields(CanonicalReader r) {
    return new SubmitProblem(
        r.hash(),
        r.i64(),
        r.hash(),
        r.hash(),
        r.i32(),
        r.bytes(LedgerLimits.MAX_SPEC_BYTES),
        r.i64());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubmitProblem p
        && trainSetHash.equals(p.trainSetHash)
        && trainSetSize == p.trainSetSize
        && testInputsHash.equals(p.testInputsHash)
        && testLabelsHash.equals(p.testLabelsHash)
        && testSampleCount == p.testSampleCount
        && Arrays.equals(spec, p.spec)
        && bounty == p.bounty;
  }

  @Override
  public int hashCode() {
    return Objects.hash(trainSetHash, trainSetSize, testInputsHash, bounty) * 31
        + Arrays.hashCode(spec);
  }

  @Override
  public String toString() {
    return "SubmitProblem[trainSetHash="
        + trainSetHash.toShortHex()
        + ", trainSetSize="
        + trainSetSize
        + ", testSampleCount="
        + testSampleCount
        + ", specBytes="
        + spec.length
        + ", bounty="
        + bounty
        + "]";
  }
}

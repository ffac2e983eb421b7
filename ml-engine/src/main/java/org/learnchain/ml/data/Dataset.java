package org.learnchain.ml.data;

import java.util.Objects;
import java.util.SplittableRandom;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.ml.spec.Task;

/**
 * Samples and their labels.
 *
 * @param inputs the samples
 * @param labels one label per sample
 */
public record Dataset(Inputs inputs, Labels labels) {

  public Dataset {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(labels, "labels");
    if (inputs.count() != labels.count()) {
      throw new IllegalArgumentException(
          inputs.count() + " samples but " + labels.count() + " labels");
    }
  }

  public int count() {
    return inputs.count();
  }

  /**
   * The task these labels describe: classification with the label set's class count, or regression
   * with its target width.
   */
  public Task task() {
    if (labels instanceof Labels.Classes c) {
      return new Task.Classification(c.classCount());
    }
    return new Task.Regression(((Labels.Values) labels).width());
  }

  /**
   * The content hash: SHA-256 of the inputs' canonical encoding followed by the labels'. Both
   * encodings carry their own lengths, so the concatenation is unambiguous.
   */
  public Hash contentHash() {
    return Hashing.sha256(inputs.encode(), labels.encode());
  }

  /** The samples at {@code indices}, in that order. */
  public Dataset select(int[] indices) {
    return new Dataset(inputs.select(indices), labels.select(indices));
  }

  /**
   * A seeded shuffle split: the first part has {@code count() - holdOut} samples, the second {@code
   * holdOut}. The same seed always gives the same split.
   */
  public Split split(int holdOut, long seed) {
    if (holdOut < 1 || holdOut >= count()) {
      throw new IllegalArgumentException(
          "cannot hold out " + holdOut + " of " + count() + " samples");
    }
    int[] order = shuffledIndices(count(), seed);
    int keep = count() - holdOut;
    int[] first = new int[keep];
    int[] second = new int[holdOut];
    System.arraycopy(order, 0, first, 0, keep);
    System.arraycopy(order, keep, second, 0, holdOut);
    return new Split(select(first), select(second));
  }

  /** A Fisher-Yates permutation of {@code [0, n)} from a seeded generator. */
  public static int[] shuffledIndices(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** Two disjoint parts of one dataset. */
  public record Split(Dataset first, Dataset second) {}

  @Override
  public String toString() {
    return "Dataset[" + inputs + ", " + labels + "]";
  }
}

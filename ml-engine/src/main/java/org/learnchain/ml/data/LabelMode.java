package org.learnchain.ml.data;

/** How a reader interprets the label column or file. */
public sealed interface LabelMode
    permits LabelMode.Classes, LabelMode.InferClasses, LabelMode.Regression {

  /** Whole-number class indices in {@code [0, count)}; anything else is an error. */
  record Classes(int count) implements LabelMode {
    public Classes {
      if (count < 2) {
        throw new IllegalArgumentException("a classification needs at least 2 classes");
      }
    }
  }

  /**
   * Whole-number class indices from 0; the class count is one more than the largest label seen (at
   * least 2). For a training set whose class count is not given separately.
   */
  record InferClasses() implements LabelMode {}

  /** A real-valued target. */
  record Regression() implements LabelMode {}

  static LabelMode classes(int count) {
    return new Classes(count);
  }

  static LabelMode inferClasses() {
    return new InferClasses();
  }

  static LabelMode regression() {
    return new Regression();
  }
}

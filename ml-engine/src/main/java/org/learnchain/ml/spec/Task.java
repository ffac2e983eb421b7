package org.learnchain.ml.spec;

/** What a model predicts for one sample. */
public sealed interface Task permits Task.Classification, Task.Regression {

  /** Most classes a classification problem may have. */
  int MAX_CLASSES = 4096;

  /** Most values a regression problem may predict per sample. */
  int MAX_OUTPUTS = 1024;

  /** Width of the model's output vector for one sample. */
  int outputWidth();

  /** One of {@code classes} labels, numbered from 0; the model outputs one score per class. */
  record Classification(int classes) implements Task {
    public Classification {
      if (classes < 2 || classes > MAX_CLASSES) {
        throw new IllegalArgumentException(
            "class count must be in [2, " + MAX_CLASSES + "], got " + classes);
      }
    }

    @Override
    public int outputWidth() {
      return classes;
    }
  }

  /** {@code outputs} real values per sample. */
  record Regression(int outputs) implements Task {
    public Regression {
      if (outputs < 1 || outputs > MAX_OUTPUTS) {
        throw new IllegalArgumentException(
            "regression output count must be in [1, " + MAX_OUTPUTS + "], got " + outputs);
      }
    }

    @Override
    public int outputWidth() {
      return outputs;
    }
  }
}

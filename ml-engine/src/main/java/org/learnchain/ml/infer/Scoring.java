package org.learnchain.ml.infer;

import org.learnchain.ml.Result;
import org.learnchain.ml.data.Labels;
import org.learnchain.ml.spec.Metric;
import org.learnchain.ml.spec.ProblemSpec;

/**
 * Scores committed predictions against revealed labels with the problem's metric. Only committed
 * values are used, never a re-run, so every node computes the same score from public data; the
 * ranking over miners is built from these scores elsewhere (consensus).
 */
public final class Scoring {
  private Scoring() {}

  /**
   * The score of {@code predictions}: accuracy (committed labels equal to the true ones) for
   * classification, mean squared error of the committed outputs for regression. Predictions or
   * labels of the wrong shape are rejected.
   */
  public static Result<Double> score(ProblemSpec spec, Predictions predictions, Labels labels) {
    Result<Predictions> shape = predictions.checkShape(spec.task(), labels.count());
    if (!shape.isOk()) {
      return Result.err(shape.reason());
    }
    if (labels.count() == 0) {
      return Result.err("there are no labels to score against");
    }
    if (spec.metric() == Metric.ACCURACY) {
      if (!(labels instanceof Labels.Classes classes)) {
        return Result.err("accuracy needs class labels");
      }
      if (classes.classCount() > predictions.width()) {
        return Result.err("labels have more classes than the predictions");
      }
      int correct = 0;
      for (int i = 0; i < classes.count(); i++) {
        if (predictions.label(i) == classes.label(i)) {
          correct++;
        }
      }
      return Result.ok(correct / (double) classes.count());
    }
    if (!(labels instanceof Labels.Values values) || values.width() != predictions.width()) {
      return Result.err("mean squared error needs real targets of the predictions' width");
    }
    // Summed in double, sample by sample in order, so every node gets the same bits.
    double sum = 0;
    for (int i = 0; i < values.count(); i++) {
      for (int j = 0; j < values.width(); j++) {
        double d = (double) predictions.output(i, j) - values.value(i, j);
        sum += d * d;
      }
    }
    return Result.ok(sum / ((double) values.count() * values.width()));
  }
}

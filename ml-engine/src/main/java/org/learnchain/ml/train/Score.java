package org.learnchain.ml.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.data.Labels;
import org.learnchain.ml.infer.Predictor;
import org.learnchain.ml.spec.Metric;

/**
 * A validation result: the problem's metric, ties broken by the loss (lower is better), and the
 * metric's standard error (for the tabular search's one-standard-error rule). The searches score
 * every epoch with it and compare candidates with {@link #better}.
 */
record Score(double metric, double loss, double standardError) {
  Score(double metric, double loss) {
    this(metric, loss, 0);
  }

  boolean better(Score other, Metric m) {
    if (other == null) {
      return true;
    }
    if (m.better(metric, other.metric)) {
      return true;
    }
    return metric == other.metric && loss < other.loss;
  }

  /** The metric of a DL4J network on the validation split (inputs already standardised). */
  static Score of(
      MultiLayerNetwork net,
      Inputs inputs,
      Labels labels,
      int width,
      int batch,
      Metric metric,
      Standardizer targetScaler) {
    return ofOutputs(
        Predictor.outputs(net, inputs, width, batch), labels, width, metric, targetScaler);
  }

  /** The metric and loss of outputs {@code out} against {@code labels}. */
  static Score ofOutputs(
      float[] out, Labels labels, int width, Metric metric, Standardizer targetScaler) {
    if (metric == Metric.ACCURACY) {
      Labels.Classes classes = (Labels.Classes) labels;
      int correct = 0;
      double loss = 0;
      for (int i = 0; i < classes.count(); i++) {
        loss -= Math.log(Math.max(1e-12, out[i * width + classes.label(i)]));
        int best = 0;
        for (int j = 1; j < width; j++) {
          if (out[i * width + j] > out[i * width + best]) {
            best = j;
          }
        }
        if (best == classes.label(i)) {
          correct++;
        }
      }
      double meanLoss = loss / classes.count();
      double accuracy = correct / (double) classes.count();
      return new Score(
          accuracy,
          Double.isFinite(meanLoss) ? meanLoss : Double.POSITIVE_INFINITY,
          // Agresti-Coull: a perfect validation score still has an uncertainty.
          agrestiCoull(correct, classes.count()));
    }
    Labels.Values values = (Labels.Values) labels;
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < values.count(); i++) {
      double e = 0;
      for (int j = 0; j < width; j++) {
        double d = targetScaler.unapply(out[i * width + j], j) - values.value(i, j);
        e += d * d;
      }
      e /= width;
      sum += e;
      sumSq += e * e;
    }
    int n = values.count();
    double mse = sum / n;
    double se = Math.sqrt(Math.max(0, sumSq / n - mse * mse) / n);
    // A diverged candidate scores worst rather than poisoning comparisons with NaN.
    double finite = Double.isFinite(mse) ? mse : Double.POSITIVE_INFINITY;
    return new Score(finite, finite, Double.isFinite(se) ? se : Double.POSITIVE_INFINITY);
  }

  /**
   * Standard error of a proportion of {@code k} in {@code n}, with two successes and failures
   * added.
   */
  private static double agrestiCoull(int k, int n) {
    double p = (k + 2.0) / (n + 4.0);
    return Math.sqrt(p * (1 - p) / (n + 4.0));
  }
}

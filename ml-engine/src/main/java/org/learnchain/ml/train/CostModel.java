package org.learnchain.ml.train;

/**
 * Nanoseconds per multiply-add of training, measured per kind of model; an unmeasured kind is
 * estimated from the other with a prior ratio (convolutions about 3-4x dearer per multiply-add in
 * DL4J on CPU, measured on MNIST). The searches use it to decide, before an epoch or a candidate,
 * whether it fits the time left.
 */
final class CostModel {
  private static final double CONV_TO_DENSE = 4.0;
  private double dense = Double.NaN;
  private double conv = Double.NaN;

  boolean known() {
    return !Double.isNaN(dense) || !Double.isNaN(conv);
  }

  void record(boolean convolutional, long nanos, long macs) {
    // The latest measurement wins: the machine's load changes.
    double rate = nanos / (double) Math.max(1, macs);
    if (convolutional) {
      conv = rate;
    } else {
      dense = rate;
    }
  }

  /** Estimated nanoseconds for {@code macs}; 0 when nothing is measured yet. */
  double estimate(boolean convolutional, long macs) {
    double rate;
    if (convolutional) {
      rate = !Double.isNaN(conv) ? conv : dense * CONV_TO_DENSE;
    } else {
      rate = !Double.isNaN(dense) ? dense : conv / CONV_TO_DENSE;
    }
    return Double.isNaN(rate) ? 0 : rate * macs;
  }
}

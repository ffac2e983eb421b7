package org.learnchain.ml.spec;

/** How committed predictions are scored against the revealed labels. */
public enum Metric {
  /** Fraction of samples whose predicted label is the true label; higher is better. */
  ACCURACY(1, true),
  /** Mean over samples and outputs of the squared difference; lower is better. */
  MEAN_SQUARED_ERROR(2, false);

  private final int code;
  private final boolean higherIsBetter;

  Metric(int code, boolean higherIsBetter) {
    this.code = code;
    this.higherIsBetter = higherIsBetter;
  }

  /** Frozen wire code; never renumber. */
  public int code() {
    return code;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** Whether score {@code a} is strictly better than score {@code b}. */
  public boolean better(double a, double b) {
    return higherIsBetter ? a > b : a < b;
  }

  /** The worst possible score, a starting point for a search for the best. */
  public double worst() {
    return higherIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
  }

  static Metric fromCode(int code) {
    for (Metric m : values()) {
      if (m.code == code) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown metric code " + code);
  }
}

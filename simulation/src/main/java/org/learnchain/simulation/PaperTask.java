package org.learnchain.simulation;

import java.util.Arrays;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * The task of the paper's experiment ("Solutions for decentralized AI", Hernández, Vila and
 * Espinós, 2023): one-dimensional linear regression {@code y = w0 + w1 x} on ten training and nine
 * test points, scored by squared error on the test set. Also the byte formats this plain-Java task
 * uses behind the ML port (ml-engine owns the real formats): every array is a canonical list of
 * IEEE doubles.
 */
public final class PaperTask {
  public static final double[] X_TRAIN = {0, 2, 5, 1, 7, 9, 2, 3, 1, 0.5};
  public static final double[] Y_TRAIN = {7, 8, 4, 9, 2, 0, 4, 6, 9, 6};
  public static final double[] X_TEST = {0.5, 2.1, 4.2, 0.6, 7.1, 9.2, 1, 3, 1};
  public static final double[] Y_TEST = {6, 8, 3, 10, 2.2, 0.1, 3.2, 6.1, 8.8};

  /** Spec tag for this task; the spec also carries the number of epochs honest miners run. */
  public static final String KIND = "linear-regression-1d";

  public static final int EPOCHS = 500;

  private static final int MAX_VALUES = 1 << 16;

  private PaperTask() {}

  /** The problem spec: task kind and epochs. */
  public static Bytes spec() {
    return Bytes.own(new CanonicalWriter().string(KIND).i32(EPOCHS).toByteArray());
  }

  /** Checks a spec and returns its epoch count. */
  public static Result<Integer> parseSpec(Bytes spec) {
    try {
      CanonicalReader r = new CanonicalReader(spec.toArray());
      String kind = r.string(64);
      int epochs = r.i32();
      r.end();
      if (!KIND.equals(kind)) {
        return Result.err("not a " + KIND + " problem: " + kind);
      }
      if (epochs < 1 || epochs > 100_000) {
        return Result.err("epochs out of range: " + epochs);
      }
      return Result.ok(epochs);
    } catch (MalformedEncodingException e) {
      return Result.err("malformed spec: " + e.getMessage());
    }
  }

  /** The training set blob: the x values, then the y values. */
  public static Bytes trainingSet() {
    return Bytes.own(
        new CanonicalWriter()
            .fixed(encode(X_TRAIN).toArray())
            .fixed(encode(Y_TRAIN).toArray())
            .toByteArray());
  }

  /** Splits a training set blob into x and y. */
  public static Result<double[][]> parseTrainingSet(Bytes blob) {
    try {
      CanonicalReader r = new CanonicalReader(blob.toArray());
      double[] x = readDoubles(r);
      double[] y = readDoubles(r);
      r.end();
      if (x.length != y.length || x.length == 0) {
        return Result.err("training set needs as many x as y values, and at least one");
      }
      return Result.ok(new double[][] {x, y});
    } catch (MalformedEncodingException e) {
      return Result.err("malformed training set: " + e.getMessage());
    }
  }

  public static Bytes encode(double[] values) {
    CanonicalWriter w = new CanonicalWriter(4 + 8 * values.length).i32(values.length);
    for (double v : values) {
      w.f64(v);
    }
    return Bytes.own(w.toByteArray());
  }

  public static Result<double[]> decode(Bytes bytes) {
    try {
      CanonicalReader r = new CanonicalReader(bytes.toArray());
      double[] v = readDoubles(r);
      r.end();
      return Result.ok(v);
    } catch (MalformedEncodingException e) {
      return Result.err("malformed values: " + e.getMessage());
    }
  }

  private static double[] readDoubles(CanonicalReader r) {
    int n = r.i32();
    if (n < 0 || n > MAX_VALUES || (long) n * 8 > r.remaining()) {
      throw new MalformedEncodingException("bad value count " + n);
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.f64();
      if (Double.isInfinite(v[i])) {
        throw new MalformedEncodingException("infinite value");
      }
    }
    return v;
  }

  /** Least-squares fit {@code (w0, w1)} of y on x (closed form). */
  public static double[] leastSquares(double[] x, double[] y) {
    int n = x.length;
    double mx = Arrays.stream(x).sum() / n;
    double my = Arrays.stream(y).sum() / n;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    double w1 = sxy / sxx;
    return new double[] {my - w1 * mx, w1};
  }

  /** Sum of squared errors of {@code predictions} against {@code labels}. */
  public static double squaredError(double[] predictions, double[] labels) {
    double s = 0;
    for (int i = 0; i < labels.length; i++) {
      double d = predictions[i] - labels[i];
      s += d * d;
    }
    return s;
  }
}

package org.learnchain.simulation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.learnchain.config.ModelLimits;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.Verdict;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * A plain-Java softmax regression on the real iris data set behind the ML port, for the consensus
 * tests (DL4J may not be on this module's classpath; node-app tests the DL4J path through the same
 * port). Honest miners start from small random weights with a random learning rate and run
 * full-batch gradient descent on the cross-entropy. Predictions are class probabilities; the score
 * is the negated mean cross-entropy on the test set (higher is better).
 *
 * <p>Formats: training set = {@code i32 n | n x (4 f64 features, i32 label)}; test inputs = {@code
 * i32 n | n x 4 f64}; labels = {@code i32 n | n x i32}; predictions = {@code i32 n | n x 3 f64};
 * model = {@code u8 version | 15 f64} (3x4 weights, 3 biases).
 */
final class IrisMl implements MlPort {
  static final int FEATURES = 4;
  static final int CLASSES = 3;
  private static final int PARAMS = CLASSES * FEATURES + CLASSES;

  /** The iris rows, split deterministically: every fifth row is a test row. */
  record Data(double[][] trainX, int[] trainY, double[][] testX, int[] testY) {}

  private final SplittableRandom random;
  private final int epochs;

  IrisMl(long seed, int epochs) {
    this.random = new SplittableRandom(seed);
    this.epochs = epochs;
  }

  static Data load() {
    List<double[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    try (InputStream in = IrisMl.class.getResourceAsStream("/iris.csv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      r.readLine();
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(",");
        double[] x = new double[FEATURES];
        for (int i = 0; i < FEATURES; i++) {
          x[i] = Double.parseDouble(f[i]);
        }
        xs.add(x);
        ys.add(Integer.parseInt(f[FEATURES].trim()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<double[]> trX = new ArrayList<>();
    List<Integer> trY = new ArrayList<>();
    List<double[]> teX = new ArrayList<>();
    List<Integer> teY = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) {
      (i % 5 == 0 ? teX : trX).add(xs.get(i));
      (i % 5 == 0 ? teY : trY).add(ys.get(i));
    }
    return new Data(
        trX.toArray(new double[0][]),
        trY.stream().mapToInt(Integer::intValue).toArray(),
        teX.toArray(new double[0][]),
        teY.stream().mapToInt(Integer::intValue).toArray());
  }

  static Bytes spec() {
    return Bytes.own(new CanonicalWriter().string("iris-softmax").toByteArray());
  }

  static Bytes trainingSet(Data d) {
    CanonicalWriter w = new CanonicalWriter().i32(d.trainX().length);
    for (int i = 0; i < d.trainX().length; i++) {
      for (double v : d.trainX()[i]) {
        w.f64(v);
      }
      w.i32(d.trainY()[i]);
    }
    return Bytes.own(w.toByteArray());
  }

  static Bytes testInputs(Data d) {
    CanonicalWriter w = new CanonicalWriter().i32(d.testX().length);
    for (double[] x : d.testX()) {
      for (double v : x) {
        w.f64(v);
      }
    }
    return Bytes.own(w.toByteArray());
  }

  static Bytes testLabels(Data d) {
    CanonicalWriter w = new CanonicalWriter().i32(d.testY().length);
    for (int y : d.testY()) {
      w.i32(y);
    }
    return Bytes.own(w.toByteArray());
  }

  @Override
  public CompletionStage<Result<TrainedModel>> train(TrainingTask task) {
    double[][] x;
    int[] y;
    try {
      CanonicalReader r = new CanonicalReader(task.trainingSet().toArray());
      int n = r.i32();
      if (n <= 0 || n > 100_000) {
        return CompletableFuture.completedFuture(Result.err("bad training set size " + n));
      }
      x = new double[n][FEATURES];
      y = new int[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < FEATURES; j++) {
          x[i][j] = r.f64();
        }
        y[i] = r.i32();
        if (y[i] < 0 || y[i] >= CLASSES) {
          return CompletableFuture.completedFuture(Result.err("label out of range"));
        }
      }
      r.end();
    } catch (MalformedEncodingException e) {
      return CompletableFuture.completedFuture(Result.err("malformed training set"));
    }
    double[] w = new double[PARAMS];
    for (int i = 0; i < PARAMS; i++) {
      w[i] = -0.1 + 0.2 * random.nextDouble();
    }
    double lr = 0.02 + 0.1 * random.nextDouble();
    int n = x.length;
    for (int e = 0; e < epochs; e++) {
      double[] grad = new double[PARAMS];
      for (int i = 0; i < n; i++) {
        double[] p = forward(w, x[i]);
        for (int c = 0; c < CLASSES; c++) {
          double d = p[c] - (y[i] == c ? 1 : 0);
          for (int j = 0; j < FEATURES; j++) {
            grad[c * FEATURES + j] += d * x[i][j];
          }
          grad[CLASSES * FEATURES + c] += d;
        }
      }
      for (int k = 0; k < PARAMS; k++) {
        w[k] -= lr * grad[k] / n;
      }
    }
    return CompletableFuture.completedFuture(Result.ok(TrainedModel.of(encodeModel(w))));
  }

  static double[] forward(double[] w, double[] x) {
    double[] z = new double[CLASSES];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < CLASSES; c++) {
      double s = w[CLASSES * FEATURES + c];
      for (int j = 0; j < FEATURES; j++) {
        s += w[c * FEATURES + j] * x[j];
      }
      z[c] = s;
      max = Math.max(max, s);
    }
    double sum = 0;
    for (int c = 0; c < CLASSES; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    for (int c = 0; c < CLASSES; c++) {
      z[c] /= sum;
    }
    return z;
  }

  static Bytes encodeModel(double[] w) {
    CanonicalWriter out = new CanonicalWriter(1 + 8 * PARAMS).u8(1);
    for (double v : w) {
      out.f64(v);
    }
    return Bytes.own(out.toByteArray());
  }

  private static Result<double[]> decodeModel(Bytes model) {
    if (model.size() != 1 + 8 * PARAMS) {
      return Result.err("model must be " + (1 + 8 * PARAMS) + " bytes");
    }
    try {
      CanonicalReader r = new CanonicalReader(model.toArray());
      if (r.u8() != 1) {
        return Result.err("unknown model version");
      }
      double[] w = new double[PARAMS];
      for (int i = 0; i < PARAMS; i++) {
        w[i] = r.f64();
        if (!Double.isFinite(w[i])) {
          return Result.err("weights not finite");
        }
      }
      r.end();
      return Result.ok(w);
    } catch (MalformedEncodingException e) {
      return Result.err("malformed model");
    }
  }

  private static Result<double[][]> decodeRows(Bytes bytes, int width) {
    try {
      CanonicalReader r = new CanonicalReader(bytes.toArray());
      int n = r.i32();
      if (n < 0 || (long) n * width * 8 > r.remaining()) {
        return Result.err("bad row count");
      }
      double[][] out = new double[n][width];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < width; j++) {
          out[i][j] = r.f64();
        }
      }
      r.end();
      return Result.ok(out);
    } catch (MalformedEncodingException e) {
      return Result.err("malformed rows");
    }
  }

  private static Bytes encodeRows(double[][] rows) {
    CanonicalWriter w = new CanonicalWriter().i32(rows.length);
    for (double[] row : rows) {
      for (double v : row) {
        w.f64(v);
      }
    }
    return Bytes.own(w.toByteArray());
  }

  @Override
  public Result<Bytes> predict(Bytes spec, Bytes model, Bytes testInputs) {
    Result<double[]> w = decodeModel(model);
    Result<double[][]> x = decodeRows(testInputs, FEATURES);
    if (!w.isOk() || !x.isOk()) {
      return Result.err("model or inputs unreadable");
    }
    double[][] p = new double[x.value().length][];
    for (int i = 0; i < p.length; i++) {
      p[i] = forward(w.value(), x.value()[i]);
    }
    return Result.ok(encodeRows(p));
  }

  @Override
  public Verdict verify(
      Bytes spec,
      ModelLimits limits,
      Bytes model,
      Bytes testInputs,
      Bytes committedPredictions,
      double tolerance) {
    if (model.size() > limits.maxModelBytes() || PARAMS > limits.maxParameters()) {
      return Verdict.invalid("model over the limits");
    }
    Result<Bytes> recomputed = predict(spec, model, testInputs);
    if (!recomputed.isOk()) {
      return Verdict.invalid(recomputed.reason());
    }
    Result<double[][]> a = decodeRows(recomputed.value(), CLASSES);
    Result<double[][]> b = decodeRows(committedPredictions, CLASSES);
    if (!b.isOk() || a.value().length != b.value().length) {
      return Verdict.invalid("committed predictions unreadable or of another length");
    }
    for (int i = 0; i < a.value().length; i++) {
      for (int c = 0; c < CLASSES; c++) {
        if (!(Math.abs(a.value()[i][c] - b.value()[i][c]) <= tolerance)) {
          return Verdict.invalid("prediction " + i + " not reproduced");
        }
      }
    }
    return Verdict.valid();
  }

  @Override
  public Result<Double> score(Bytes spec, Bytes predictions, Bytes labels, int sampleCount) {
    Result<double[][]> p = decodeRows(predictions, CLASSES);
    if (!p.isOk() || p.value().length != sampleCount) {
      return Result.err("predictions unreadable or of another length");
    }
    int[] y;
    try {
      CanonicalReader r = new CanonicalReader(labels.toArray());
      int n = r.i32();
      if (n != sampleCount) {
        return Result.err("label count");
      }
      y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = r.i32();
        if (y[i] < 0 || y[i] >= CLASSES) {
          return Result.err("label out of range");
        }
      }
      r.end();
    } catch (MalformedEncodingException e) {
      return Result.err("labels unreadable");
    }
    double loss = 0;
    for (int i = 0; i < sampleCount; i++) {
      loss -= Math.log(Math.max(1e-12, p.value()[i][y[i]]));
    }
    double s = -loss / sampleCount;
    return Double.isFinite(s) ? Result.ok(s == 0 ? 0.0 : s) : Result.err("score not finite");
  }
}

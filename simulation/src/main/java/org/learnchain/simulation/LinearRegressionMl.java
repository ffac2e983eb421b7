package org.learnchain.simulation;

import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.learnchain.config.ModelLimits;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.Verdict;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.consensus.port.ProblemSecrets;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * The paper task's trainer behind the ML port, in plain Java (DL4J may not be on the consensus
 * classpath; the real DL4J path is exercised in node-app through the same port). An honest miner
 * starts from {@code w0 ~ U(-3,3)}, {@code w1 ~ U(-1,1)} with a learning rate {@code ~ U(1e-4,
 * 0.02)} and runs full-batch gradient descent on the mean squared error for the spec's epochs. A
 * pre-solving miner (the paper's attacker) answers the problems it submitted itself with the
 * least-squares fit on their test set, which it knows.
 *
 * <p>A model is {@code version u8 | w0 f64 | w1 f64}: two parameters.
 */
public final class LinearRegressionMl implements MlPort {
  private static final int MODEL_VERSION = 1;
  private static final int MODEL_BYTES = 17;
  private static final long PARAMETERS = 2;

  private final SplittableRandom random;
  private final Function<Hash, Optional<ProblemSecrets.Secret>> ownProblems;

  /**
   * @param random this miner's own randomness (one stream per node)
   * @param ownProblems the secrets of problems this miner submitted, when it pre-solves them; a
   *     function returning empty for an honest miner
   */
  public LinearRegressionMl(
      SplittableRandom random, Function<Hash, Optional<ProblemSecrets.Secret>> ownProblems) {
    this.random = random;
    this.ownProblems = ownProblems;
  }

  /** An honest miner. */
  public static LinearRegressionMl honest(long seed) {
    return new LinearRegressionMl(new SplittableRandom(seed), id -> Optional.empty());
  }

  @Override
  public CompletionStage<Result<TrainedModel>> train(TrainingTask task) {
    Result<Integer> epochs = PaperTask.parseSpec(task.spec());
    if (!epochs.isOk()) {
      return CompletableFuture.completedFuture(Result.err(epochs.reason()));
    }
    Optional<ProblemSecrets.Secret> own = ownProblems.apply(task.problemId());
    double[] w;
    if (own.isPresent()) {
      Result<double[]> x = PaperTask.decode(own.get().testInputs());
      Result<double[]> y = PaperTask.decode(own.get().testLabels());
      if (!x.isOk() || !y.isOk()) {
        return CompletableFuture.completedFuture(Result.err("own test set unreadable"));
      }
      w = PaperTask.leastSquares(x.value(), y.value());
    } else {
      Result<double[][]> data = PaperTask.parseTrainingSet(task.trainingSet());
      if (!data.isOk()) {
        return CompletableFuture.completedFuture(Result.err(data.reason()));
      }
      w = gradientDescent(data.value()[0], data.value()[1], epochs.value());
    }
    return CompletableFuture.completedFuture(Result.ok(TrainedModel.of(encodeModel(w[0], w[1]))));
  }

  private double[] gradientDescent(double[] x, double[] y, int epochs) {
    double w0 = -3 + 6 * random.nextDouble();
    double w1 = -1 + 2 * random.nextDouble();
    double lr = 1e-4 + (0.02 - 1e-4) * random.nextDouble();
    int n = x.length;
    for (int e = 0; e < epochs; e++) {
      double g0 = 0;
      double g1 = 0;
      for (int i = 0; i < n; i++) {
        double err = w0 + w1 * x[i] - y[i];
        g0 += err;
        g1 += err * x[i];
      }
      w0 -= lr * 2 * g0 / n;
      w1 -= lr * 2 * g1 / n;
    }
    return new double[] {w0, w1};
  }

  @Override
  public Result<Bytes> predict(Bytes spec, Bytes model, Bytes testInputs) {
    Result<double[]> w = decodeModel(model);
    Result<double[]> x = PaperTask.decode(testInputs);
    if (!w.isOk()) {
      return Result.err(w.reason());
    }
    if (!x.isOk()) {
      return Result.err(x.reason());
    }
    return Result.ok(PaperTask.encode(apply(w.value(), x.value())));
  }

  @Override
  public Verdict verify(
      Bytes spec,
      ModelLimits limits,
      Bytes model,
      Bytes testInputs,
      Bytes committedPredictions,
      double tolerance) {
    // Limits first, from the model's size and configuration, before decoding anything.
    if (model.size() > limits.maxModelBytes()) {
      return Verdict.invalid("model of " + model.size() + " bytes exceeds the limit");
    }
    if (PARAMETERS > limits.maxParameters()) {
      return Verdict.invalid("model has more parameters than the limit allows");
    }
    Result<double[]> w = decodeModel(model);
    if (!w.isOk()) {
      return Verdict.invalid(w.reason());
    }
    Result<double[]> x = PaperTask.decode(testInputs);
    Result<double[]> committed = PaperTask.decode(committedPredictions);
    if (!x.isOk() || !committed.isOk()) {
      return Verdict.invalid("test inputs or committed predictions unreadable");
    }
    double[] recomputed = apply(w.value(), x.value());
    if (recomputed.length != committed.value().length) {
      return Verdict.invalid("prediction count differs from the test inputs");
    }
    for (int i = 0; i < recomputed.length; i++) {
      if (!(Math.abs(recomputed[i] - committed.value()[i]) <= tolerance)) {
        return Verdict.invalid("model does not reproduce its committed prediction at index " + i);
      }
    }
    return Verdict.valid();
  }

  @Override
  public Result<Double> score(Bytes spec, Bytes predictions, Bytes labels, int sampleCount) {
    Result<double[]> p = PaperTask.decode(predictions);
    Result<double[]> y = PaperTask.decode(labels);
    if (!p.isOk() || !y.isOk()) {
      return Result.err("predictions or labels unreadable");
    }
    if (p.value().length != sampleCount || y.value().length != sampleCount) {
      return Result.err("expected " + sampleCount + " predictions and labels");
    }
    double sse = PaperTask.squaredError(p.value(), y.value());
    if (!Double.isFinite(sse)) {
      return Result.err("squared error is not finite");
    }
    // Higher is better: the negated squared error (0.0 for a perfect fit, never -0.0).
    return Result.ok(sse == 0 ? 0.0 : -sse);
  }

  public static Bytes encodeModel(double w0, double w1) {
    return Bytes.own(
        new CanonicalWriter(MODEL_BYTES).u8(MODEL_VERSION).f64(w0).f64(w1).toByteArray());
  }

  public static Result<double[]> decodeModel(Bytes model) {
    if (model.size() != MODEL_BYTES) {
      return Result.err("model must be " + MODEL_BYTES + " bytes, got " + model.size());
    }
    try {
      CanonicalReader r = new CanonicalReader(model.toArray());
      if (r.u8() != MODEL_VERSION) {
        return Result.err("unknown model version");
      }
      double w0 = r.f64();
      double w1 = r.f64();
      r.end();
      if (!Double.isFinite(w0) || !Double.isFinite(w1)) {
        return Result.err("model weights are not finite");
      }
      return Result.ok(new double[] {w0, w1});
    } catch (MalformedEncodingException e) {
      return Result.err("malformed model: " + e.getMessage());
    }
  }

  private static double[] apply(double[] w, double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = w[0] + w[1] * x[i];
    }
    return out;
  }
}

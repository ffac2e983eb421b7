package org.learnchain.bench.ml;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import org.learnchain.crypto.Hashing;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.BuiltinDatasets;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.infer.Predictions;
import org.learnchain.ml.infer.Predictor;
import org.learnchain.ml.infer.Scoring;
import org.learnchain.ml.infer.Verification;
import org.learnchain.ml.infer.Verifier;
import org.learnchain.ml.model.ModelCodec;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.train.ProgressListener;
import org.learnchain.ml.train.SearchPlan;
import org.learnchain.ml.train.TrainedModel;
import org.learnchain.ml.train.Trainer;
import org.learnchain.ml.train.TrainingRequest;

/**
 * The ML benchmark ({@code learnchain bench ml}): a miner's round on the MNIST files (8,000
 * training and 2,000 test images) within a training budget, then what a verifier does. Prints one
 * JSON object.
 *
 * <p>Figures: {@code testAccuracy} of the trained model; {@code trainSamplesPerSecond} over the
 * training steps of the whole search; {@code inferenceSamplesPerSecond} on the test set; {@code
 * hashGiBps}, the model hash over the canonical model bytes, beside {@code rawSha256GiBps}, plain
 * SHA-256 over a buffer of the same size the same number of times in the same run; {@code
 * canonicalizeGiBps}, re-zipping raw ModelSerializer output into canonical form; {@code
 * verifyFraction}, the verifier's time (hash, safe load, re-run, comparison) over the budget.
 */
public final class MlBench {

  /** The benchmark's figures. */
  public record Figures(
      String backend,
      int threads,
      double budgetSeconds,
      double testAccuracy,
      double validationScore,
      String family,
      int candidatesTrained,
      long parameters,
      long multiplyAdds,
      int modelBytes,
      double trainingSeconds,
      double trainSamplesPerSecond,
      double inferenceSamplesPerSecond,
      double hashGiBps,
      double rawSha256GiBps,
      double canonicalizeGiBps,
      double verifySeconds,
      double verifyFraction) {

    /** One JSON object, fields in declaration order. */
    public String toJson() {
      return String.format(
          Locale.ROOT,
          "{\"backend\":\"%s\",\"threads\":%d,\"budgetSeconds\":%.1f,\"testAccuracy\":%.4f,"
              + "\"validationScore\":%.4f,\"family\":\"%s\",\"candidatesTrained\":%d,"
              + "\"parameters\":%d,\"multiplyAdds\":%d,\"modelBytes\":%d,"
              + "\"trainingSeconds\":%.2f,\"trainSamplesPerSecond\":%.0f,"
              + "\"inferenceSamplesPerSecond\":%.0f,\"hashGiBps\":%.3f,\"rawSha256GiBps\":%.3f,"
              + "\"canonicalizeGiBps\":%.3f,\"verifySeconds\":%.3f,\"verifyFraction\":%.5f}",
          backend,
          threads,
          budgetSeconds,
          testAccuracy,
          validationScore,
          family,
          candidatesTrained,
          parameters,
          multiplyAdds,
          modelBytes,
          trainingSeconds,
          trainSamplesPerSecond,
          inferenceSamplesPerSecond,
          hashGiBps,
          rawSha256GiBps,
          canonicalizeGiBps,
          verifySeconds,
          verifyFraction);
    }
  }

  /** The problem the devnet's built-in MNIST problem also uses. */
  public static final ProblemSpec MNIST_SPEC =
      ProblemSpec.classification(
          new org.learnchain.ml.spec.SampleShape.Image(1, 28, 28),
          10,
          ProblemLimits.of(500_000, 5_000_000, 4 << 20));

  private static final double GIB = 1024.0 * 1024 * 1024;

  /** The tolerance the benchmark verifies with; genesis sets the chain's. */
  private static final double TOLERANCE = 1e-5;

  private MlBench() {}

  /** Runs the benchmark; a rejection says what went wrong (missing data, no model). */
  public static Result<Figures> run(Duration budget, int threads, long seed) {
    MlRuntime runtime = MlRuntime.start(threads);
    Result<BuiltinDatasets.TrainTest> data = BuiltinDatasets.mnist();
    if (!data.isOk()) {
      return Result.err(data.reason());
    }
    Dataset train = data.value().train();
    Dataset test = data.value().test();

    Result<TrainedModel> trainedResult =
        new Trainer(runtime, ProgressListener.none())
            .train(
                new TrainingRequest(
                    MNIST_SPEC, train, budget, seed, threads, SearchPlan.defaults()));
    if (!trainedResult.isOk()) {
      return Result.err(trainedResult.reason());
    }
    TrainedModel trained = trainedResult.value();
    byte[] bytes = trained.bytes();

    // The miner's predictions, then their score against the test labels.
    Predictions predictions = Predictor.predict(trained.model(), test.inputs());
    double accuracy = Scoring.score(MNIST_SPEC, predictions, test.labels()).value();

    // Inference throughput: repeated full passes over the test set after one warm-up pass.
    long inferred = 0;
    long inferenceStart = System.nanoTime();
    do {
      Predictor.predict(trained.model(), test.inputs());
      inferred += test.count();
    } while (System.nanoTime() - inferenceStart < 1_000_000_000L);
    double inferenceSeconds = (System.nanoTime() - inferenceStart) / 1e9;

    // Verification as a node does it, from the published bytes.
    long verifyStart = System.nanoTime();
    Result<Verification> verification =
        Verifier.verify(bytes, trained.hash(), MNIST_SPEC, test.inputs(), predictions, TOLERANCE);
    double verifySeconds = (System.nanoTime() - verifyStart) / 1e9;
    if (!verification.isOk()) {
      return Result.err("the benchmark's own model failed verification: " + verification.reason());
    }

    double[] hashing = hashing(bytes);
    double canonicalize = canonicalize(trained);

    return Result.ok(
        new Figures(
            runtime.backend(),
            threads,
            budget.toMillis() / 1000.0,
            accuracy,
            trained.validationScore(),
            trained.family(),
            trained.candidatesTrained(),
            trained.model().architecture().parameters(),
            trained.model().architecture().multiplyAdds(),
            bytes.length,
            trained.elapsed().toMillis() / 1000.0,
            trained.samplesTrained() / Math.max(1e-9, trained.stepTime().toNanos() / 1e9),
            inferred / inferenceSeconds,
            hashing[0],
            hashing[1],
            canonicalize,
            verifySeconds,
            verifySeconds / (budget.toNanos() / 1e9)));
  }

  /**
   * Model hashing and raw SHA-256 over a random buffer of the same size, the same number of times,
   * in alternating rounds (the order flips each round) so that both see the same machine load; the
   * best round of each.
   */
  private static double[] hashing(byte[] model) {
    byte[] raw = new byte[model.length];
    new SplittableRandom(1).nextBytes(raw);
    int reps = (int) Math.max(1, (64L << 20) / model.length);
    double gib = (double) reps * model.length / GIB;
    double bestModel = 0;
    double bestRaw = 0;
    MessageDigest md = Hashing.newSha256();
    int checksum = 0; // returned, so the JIT cannot drop digests nobody reads
    for (int round = 0; round < 10; round++) {
      for (int pass = 0; pass < 2; pass++) {
        boolean modelPass = (round + pass) % 2 == 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          if (modelPass) {
            checksum += ModelCodec.hash(model).toArray()[0];
          } else {
            md.update(raw);
            checksum += md.digest()[0];
          }
        }
        double rate = gib / ((System.nanoTime() - t0) / 1e9);
        if (modelPass) {
          bestModel = Math.max(bestModel, rate);
        } else {
          bestRaw = Math.max(bestRaw, rate);
        }
      }
    }
    return new double[] {bestModel, bestRaw, checksum};
  }

  /** Re-zipping raw ModelSerializer output into canonical form and hashing it, GiB/s. */
  private static double canonicalize(TrainedModel trained) {
    byte[] raw = rawModelSerializerBytes(trained);
    int reps = (int) Math.max(1, (32L << 20) / raw.length);
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      ModelCodec.hash(ModelCodec.canonicalize(raw, ProblemLimits.ABSOLUTE_MAX_MODEL_BYTES).value());
    }
    return (double) reps * raw.length / GIB / ((System.nanoTime() - t0) / 1e9);
  }

  private static byte[] rawModelSerializerBytes(TrainedModel trained) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      org.deeplearning4j.util.ModelSerializer.writeModel(trained.model().network(), out, false);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}

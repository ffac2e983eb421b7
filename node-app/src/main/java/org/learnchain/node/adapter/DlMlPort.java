package org.learnchain.node.adapter;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import org.learnchain.config.ModelLimits;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.Verdict;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.crypto.Hash;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.data.Labels;
import org.learnchain.ml.infer.Predictions;
import org.learnchain.ml.infer.Predictor;
import org.learnchain.ml.infer.Scoring;
import org.learnchain.ml.infer.Verification;
import org.learnchain.ml.infer.Verifier;
import org.learnchain.ml.model.LoadedModel;
import org.learnchain.ml.model.ModelLoader;
import org.learnchain.ml.spec.Metric;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.train.SearchPlan;
import org.learnchain.ml.train.Trainer;
import org.learnchain.ml.train.TrainingRequest;
import org.learnchain.ml.train.TrainingSeed;
import org.learnchain.node.NodeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consensus's ML port over ml-engine (DL4J). The opaque payloads consensus carries are ml-engine's
 * canonical encodings: the problem spec is {@link ProblemSpec#encode()}, the training set is a
 * {@link TrainingSets} blob, test inputs are {@link Inputs#encode()}, labels {@link
 * Labels#encode()}, predictions {@link Predictions#encode()} and models the canonical model bytes.
 *
 * <p>Training runs on its own executor (one search at a time per node) with a budget that ends
 * {@code commitMarginMs} before the round's commit deadline, so the commit still reaches every peer
 * in time. Prediction, verification and scoring run on the caller's thread (consensus's, or a sync
 * worker's re-running a fetched block's model ahead of consensus, whose verdict consensus then
 * finds in the memo); they are bounded by the problem's limits, which are checked before a model is
 * allocated.
 */
public final class DlMlPort implements MlPort {
  private static final Logger LOG = LoggerFactory.getLogger(DlMlPort.class);

  /** A search shorter than this cannot produce a useful model; the round is skipped instead. */
  static final long MIN_BUDGET_MS = 300;

  /**
   * Knobs of the adapter.
   *
   * @param threads cores one training search may use
   * @param plan bounds of the search that do not depend on time
   * @param commitMarginMs how long before the commit deadline training must end
   * @param maxTrainSamples most samples a training set may hold
   * @param maxTestSamples most samples revealed test inputs may hold (genesis ceiling)
   */
  public record Settings(
      int threads, SearchPlan plan, long commitMarginMs, int maxTrainSamples, int maxTestSamples) {
    public Settings {
      Objects.requireNonNull(plan, "plan");
      if (threads < 1 || commitMarginMs < 0 || maxTrainSamples < 1 || maxTestSamples < 1) {
        throw new IllegalArgumentException("bad ML adapter settings");
      }
    }
  }

  private final Settings settings;
  private final LongSupplier clock;
  private final Executor trainingExecutor;
  private final NodeListener listener;
  private final Trainer trainer;

  /** Headroom of the latest models verified here, by hash (for {@code admin verify-block}). */
  private final java.util.Map<Hash, Double> headrooms =
      new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Hash, Double> eldest) {
          return size() > 64;
        }
      };

  /** The headroom of {@code modelHash}'s latest successful verification on this node. */
  public java.util.OptionalDouble headroom(Hash modelHash) {
    synchronized (headrooms) {
      Double h = headrooms.get(modelHash);
      return h == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(h);
    }
  }

  /** The round of the search running now (one at a time, on the training executor). */
  private volatile long trainingRound;

  /**
   * @param runtime the process's ND4J backend
   * @param clock consensus's clock (milliseconds): deadlines are in its time
   * @param trainingExecutor runs training searches: a single-threaded executor owned by the node,
   *     or the caller's thread in a simulation whose clock stands still while a model trains
   * @param listener receives training progress and verification timings
   */
  public DlMlPort(
      Settings settings,
      MlRuntime runtime,
      LongSupplier clock,
      Executor trainingExecutor,
      NodeListener listener) {
    this.settings = settings;
    this.clock = clock;
    this.trainingExecutor = trainingExecutor;
    this.listener = listener;
    this.trainer = new Trainer(runtime, p -> listener.trainingProgress(trainingRound, p));
  }

  @Override
  public CompletionStage<Result<TrainedModel>> train(TrainingTask task) {
    try {
      return CompletableFuture.supplyAsync(() -> trainNow(task), trainingExecutor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(Result.err("the node is shutting down"));
    }
  }

  private Result<TrainedModel> trainNow(TrainingTask task) {
    // The budget is taken when the search really starts: the task may have waited in the queue.
    long budgetMs = task.deadlineMs() - clock.getAsLong() - settings.commitMarginMs();
    if (budgetMs < MIN_BUDGET_MS) {
      return Result.err("only " + budgetMs + " ms left before the commit deadline");
    }
    org.learnchain.ml.Result<ProblemSpec> spec = ProblemSpec.decode(task.spec().toArray());
    if (!spec.isOk()) {
      return Result.err(spec.reason());
    }
    org.learnchain.ml.Result<Dataset> data =
        TrainingSets.decode(task.trainingSet().toArray(), settings.maxTrainSamples());
    if (!data.isOk()) {
      return Result.err(data.reason());
    }
    trainingRound = task.round();
    TrainingRequest request =
        new TrainingRequest(
            spec.value(),
            data.value(),
            Duration.ofMillis(budgetMs),
            TrainingSeed.forMiner(task.miner(), task.round()),
            settings.threads(),
            settings.plan());
    LOG.info(
        "Training started round={} problem={} samples={} budgetMs={}",
        task.round(),
        task.problemId().toShortHex(),
        data.value().count(),
        budgetMs);
    org.learnchain.ml.Result<org.learnchain.ml.train.TrainedModel> trained = trainer.train(request);
    if (!trained.isOk()) {
      return Result.err(trained.reason());
    }
    org.learnchain.ml.train.TrainedModel m = trained.value();
    double stepSeconds = m.stepTime().toNanos() / 1e9;
    listener.trainingFinished(
        task.round(),
        new NodeListener.TrainingSummary(
            m.hash(),
            m.family(),
            m.validationScore(),
            stepSeconds > 0 ? m.samplesTrained() / stepSeconds : 0,
            m.elapsed()));
    return Result.ok(TrainedModel.of(Bytes.own(m.bytes())));
  }

  @Override
  public Result<Bytes> predict(Bytes spec, Bytes model, Bytes testInputs) {
    org.learnchain.ml.Result<ProblemSpec> s = ProblemSpec.decode(spec.toArray());
    if (!s.isOk()) {
      return Result.err(s.reason());
    }
    org.learnchain.ml.Result<Inputs> inputs = decodeInputs(s.value(), testInputs);
    if (!inputs.isOk()) {
      return Result.err(inputs.reason());
    }
    org.learnchain.ml.Result<LoadedModel> loaded = ModelLoader.load(model.toArray(), s.value());
    if (!loaded.isOk()) {
      return Result.err("own model rejected: " + loaded.reason());
    }
    return Result.ok(Bytes.own(Predictor.predict(loaded.value(), inputs.value()).encode()));
  }

  /** Verdicts of recent model re-runs, by everything the verdict depends on. */
  static final int VERIFIED_MEMO = 32;

  /**
   * Everything a model's verdict depends on, by content hash: the same key can only stand for the
   * same bytes, so a verdict found under it is the one a fresh re-run on this node would give.
   */
  private record VerifyKey(
      Hash spec, ModelLimits limits, Hash model, Hash inputs, Hash predictions, long tolerance) {}

  /**
   * Re-runs done or under way, oldest first (bounded): sync re-runs a fetched useful-work block's
   * model ahead of consensus (SyncPreverifier), and consensus's own call then waits for or reads
   * that verdict instead of running the model again.
   */
  private final java.util.Map<VerifyKey, CompletableFuture<Verdict>> verified =
      new java.util.LinkedHashMap<>(VERIFIED_MEMO, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(
            java.util.Map.Entry<VerifyKey, CompletableFuture<Verdict>> eldest) {
          return size() > VERIFIED_MEMO;
        }
      };

  @Override
  public Verdict verify(
      Bytes spec,
      ModelLimits limits,
      Bytes model,
      Bytes testInputs,
      Bytes committedPredictions,
      double tolerance) {
    VerifyKey key =
        new VerifyKey(
            spec.sha256(),
            limits,
            model.sha256(),
            testInputs.sha256(),
            committedPredictions.sha256(),
            Double.doubleToLongBits(tolerance));
    CompletableFuture<Verdict> mine = new CompletableFuture<>();
    CompletableFuture<Verdict> earlier;
    synchronized (verified) {
      earlier = verified.putIfAbsent(key, mine);
    }
    if (earlier != null) {
      try {
        return earlier.join();
      } catch (java.util.concurrent.CompletionException
          | java.util.concurrent.CancellationException e) {
        // The other run failed (and was forgotten): this caller runs the model itself.
        return rerun(spec, limits, model, key.model(), testInputs, committedPredictions, tolerance);
      }
    }
    try {
      Verdict v =
          rerun(spec, limits, model, key.model(), testInputs, committedPredictions, tolerance);
      mine.complete(v);
      return v;
    } catch (RuntimeException | Error e) {
      // Not remembered: the next call runs the model again.
      synchronized (verified) {
        verified.remove(key, mine);
      }
      mine.completeExceptionally(e);
      throw e;
    }
  }

  /**
   * Runs the model on the test inputs; {@code modelHash} is the memo key's hash of {@code model}.
   */
  private Verdict rerun(
      Bytes spec,
      ModelLimits limits,
      Bytes model,
      Hash modelHash,
      Bytes testInputs,
      Bytes committedPredictions,
      double tolerance) {
    long start = System.nanoTime();
    double[] headroom = {-1};
    String reason =
        check(
            spec, limits, model, modelHash, testInputs, committedPredictions, tolerance, headroom);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    listener.modelVerified(modelHash, elapsed, reason);
    if (reason.isEmpty()) {
      synchronized (headrooms) {
        headrooms.put(modelHash, headroom[0]);
      }
      listener.verificationHeadroom(modelHash, headroom[0]);
      LOG.debug(
          "Model verified hash={} elapsedMs={} headroom={}",
          modelHash.toShortHex(),
          elapsed.toMillis(),
          headroom[0]);
      return Verdict.valid();
    }
    LOG.info("Model failed verification hash={} reason={}", modelHash.toShortHex(), reason);
    return Verdict.invalid(reason);
  }

  /** Why the model fails, or empty. */
  private String check(
      Bytes spec,
      ModelLimits limits,
      Bytes model,
      Hash modelHash,
      Bytes testInputs,
      Bytes committedPredictions,
      double tolerance,
      double[] headroom) {
    org.learnchain.ml.Result<ProblemSpec> s = ProblemSpec.decode(spec.toArray());
    if (!s.isOk()) {
      return s.reason();
    }
    ProblemSpec problem = s.value();
    // The chain's ceilings first: a problem may ask for less than genesis allows, never more.
    java.util.Optional<String> over =
        problem
            .limits()
            .exceeds(
                limits.maxParameters(),
                limits.maxInferenceFlops(),
                limits.maxModelBytes(),
                limits.allowedLayers());
    if (over.isPresent()) {
      return "problem limits exceed the chain's: " + over.get();
    }
    if (model.size() > problem.limits().maxModelBytes() || model.size() > limits.maxModelBytes()) {
      return "model of " + model.size() + " bytes exceeds the limit";
    }
    org.learnchain.ml.Result<Inputs> inputs = decodeInputs(problem, testInputs);
    if (!inputs.isOk()) {
      return inputs.reason();
    }
    org.learnchain.ml.Result<Predictions> committed =
        Predictions.decode(
            committedPredictions.toArray(), inputs.value().count(), problem.task().outputWidth());
    if (!committed.isOk()) {
      return committed.reason();
    }
    org.learnchain.ml.Result<Verification> v =
        Verifier.verify(
            model.toArray(), modelHash, problem, inputs.value(), committed.value(), tolerance);
    if (v.isOk()) {
      headroom[0] = v.value().headroom();
    }
    return v.isOk() ? "" : v.reason();
  }

  @Override
  public Result<Double> score(Bytes spec, Bytes predictions, Bytes labels, int sampleCount) {
    org.learnchain.ml.Result<ProblemSpec> s = ProblemSpec.decode(spec.toArray());
    if (!s.isOk()) {
      return Result.err(s.reason());
    }
    ProblemSpec problem = s.value();
    if (sampleCount < 1 || sampleCount > settings.maxTestSamples()) {
      return Result.err("sample count " + sampleCount + " out of range");
    }
    org.learnchain.ml.Result<Predictions> p =
        Predictions.decode(predictions.toArray(), sampleCount, problem.task().outputWidth());
    if (!p.isOk()) {
      return Result.err(p.reason());
    }
    org.learnchain.ml.Result<Labels> l = Labels.decode(labels.toArray(), sampleCount);
    if (!l.isOk()) {
      return Result.err(l.reason());
    }
    if (l.value().count() != sampleCount || p.value().count() != sampleCount) {
      return Result.err("expected " + sampleCount + " predictions and labels");
    }
    org.learnchain.ml.Result<Double> score = Scoring.score(problem, p.value(), l.value());
    if (!score.isOk()) {
      return Result.err(score.reason());
    }
    // Consensus ranks higher-is-better; squared error is negated (MlPort's contract).
    double v = score.value();
    return Result.ok(problem.metric() == Metric.MEAN_SQUARED_ERROR ? -v : v);
  }

  private org.learnchain.ml.Result<Inputs> decodeInputs(ProblemSpec spec, Bytes testInputs) {
    org.learnchain.ml.Result<Inputs> inputs =
        Inputs.decode(testInputs.toArray(), settings.maxTestSamples());
    if (!inputs.isOk()) {
      return inputs;
    }
    if (inputs.value().width() != spec.input().size()) {
      return org.learnchain.ml.Result.err(
          "test inputs have "
              + inputs.value().width()
              + " values per sample, the problem "
              + spec.input().size());
    }
    return inputs;
  }
}

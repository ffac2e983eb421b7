package org.learnchain.ml.train;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.Labels;
import org.learnchain.ml.model.LoadedModel;
import org.learnchain.ml.model.ModelCodec;
import org.learnchain.ml.model.ModelLoader;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.Task;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The miner's model search. Given a problem, a training set, a time budget, a seed and cores, it
 * trains candidates from a seed-parameterised schedule of model families ({@link SearchSchedule}),
 * scoring every epoch on a validation split taken from the training set, stopping a candidate after
 * {@link SearchPlan#patience()} epochs without improvement, and returns the best-scoring model that
 * fits the problem's limits. This class checks the request, prepares the data ({@link
 * SearchContext}), hands it to the search for its kind of input, and builds the final model bytes.
 *
 * <p>Tabular problems (vector inputs, {@link TabularSearch}): linear models (logistic or
 * least-squares regression) and MLPs, each with Adam, a learning rate that falls about twentyfold
 * over the candidate's planned epochs, an L2 penalty, class-balanced cross-entropy when one class
 * is much rarer than another, and enough steps for small sets (about {@value
 * SearchContext#TABULAR_STEPS} minibatch steps per candidate). Candidates are compared on the
 * validation metric, ties broken by validation loss (accuracy on a few dozen samples ties often).
 * The winner is then refitted on the whole training set for its best epoch count, if the budget has
 * room; otherwise the validated model is returned.
 *
 * <p>Images ({@link ImageSearch}): small strided CNNs first, then MLPs, trained on images shifted
 * by up to two pixels; the first candidate usually takes the budget.
 *
 * <p>Miners differ: the first candidate of each schedule is fixed (the strongest default), the
 * order of the others and their learning rates come from the seed, so that several miners explore
 * more of the space than one.
 *
 * <p>Determinism: every choice is a function of the seed, the data, the problem and the plan. Time
 * only decides where the search stops: before an epoch or a candidate whose estimated cost does not
 * fit, or inside an epoch whose estimate proved wrong (that epoch is dropped, the candidate keeps
 * its best finished one). When the budget does not bind (the plan's caps end the search first), two
 * runs with the same seed produce the same model bytes.
 *
 * <p>Time: the estimates come from measured cost per multiply-add, per kind of model ({@link
 * CostModel}); a reserve of the budget (a tenth, at most 3 s) is kept for building and checking the
 * final model. The very first epoch always runs, so a model exists.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  private static final int MIN_SAMPLES = 10;

  private final MlRuntime runtime;
  private final ProgressListener listener;
  private final LongSupplier nanoTime;

  public Trainer(MlRuntime runtime, ProgressListener listener) {
    this(runtime, listener, System::nanoTime);
  }

  /** With an injected monotonic clock (nanoseconds), for tests of the budget logic. */
  public Trainer(MlRuntime runtime, ProgressListener listener, LongSupplier nanoTime) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** Runs the search; a rejection says why nothing could be trained. */
  public Result<TrainedModel> train(TrainingRequest request) {
    long start = nanoTime.getAsLong();
    Result<Dataset> checked = checkData(request.spec(), request.train());
    if (!checked.isOk()) {
      return Result.err(checked.reason());
    }
    runtime.useThreads(request.threads());
    long budgetNanos = request.budget().toNanos();
    // Kept for the end: a full collection (see finish), folding, serializing and re-checking the
    // model; the collection alone took over a second on two busy cores.
    long reserve = Math.min(3_000_000_000L, budgetNanos / 10);
    long deadline = start + budgetNanos - reserve;
    SearchContext ctx = SearchContext.prepare(request, start, deadline, nanoTime, listener);
    Result<SearchResult> found = ctx.tabular ? TabularSearch.run(ctx) : ImageSearch.run(ctx);
    if (!found.isOk()) {
      return Result.err(found.reason());
    }
    return finish(found.value(), ctx);
  }

  /** Folds the scalers into the winner, serializes it and checks the bytes as a verifier would. */
  private Result<TrainedModel> finish(SearchResult best, SearchContext ctx) {
    MultiLayerNetwork net = best.net();
    net.setParams(best.params());
    // ND4J frees native buffers only when their Java wrappers are collected, and a search leaves
    // some behind (other candidates, per-step temporaries promoted before they died). Collect
    // now, while it is cheap (about 0.1 s on MNIST), rather than in the prediction or
    // verification that follows training.
    // Durations below are diagnostics only (System.nanoTime, not the injected clock).
    long t0 = System.nanoTime();
    Nd4j.getMemoryManager().invokeGc();
    long t1 = System.nanoTime();
    ctx.inputScaler.foldIntoFirstLayer(net);
    if (ctx.targetScaler != null) {
      ctx.targetScaler.foldIntoOutputLayer(net);
    }
    byte[] bytes = ModelCodec.serialize(net);
    long t2 = System.nanoTime();
    Result<LoadedModel> loaded = ModelLoader.load(bytes, ctx.spec);
    LOG.debug(
        "Final model built gcMs={} foldAndSerializeMs={} checkMs={}",
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000,
        (System.nanoTime() - t2) / 1_000_000);
    if (!loaded.isOk()) {
      return Result.err("the trained model fails its own checks: " + loaded.reason());
    }
    Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - ctx.start);
    TrainedModel model =
        new TrainedModel(
            bytes,
            loaded.value(),
            best.attempt().name(),
            best.attempt().learningRate(),
            best.epoch(),
            best.score().metric(),
            best.trained(),
            best.samplesTrained(),
            best.stepTime(),
            best.budgetBound(),
            elapsed);
    LOG.info(
        "Training finished family={} validation={} hash={} bytes={} candidates={} budgetBound={}"
            + " elapsedMs={}",
        model.family(),
        model.validationScore(),
        model.hash().toShortHex(),
        bytes.length,
        best.trained(),
        best.budgetBound(),
        elapsed.toMillis());
    return Result.ok(model);
  }

  private static Result<Dataset> checkData(ProblemSpec spec, Dataset data) {
    if (data.inputs().width() != spec.input().size()) {
      return Result.err(
          "training samples have "
              + data.inputs().width()
              + " values, the problem's input "
              + spec.input()
              + " needs "
              + spec.input().size());
    }
    if (data.count() < MIN_SAMPLES) {
      return Result.err(
          "the training set has "
              + data.count()
              + " samples, at least "
              + MIN_SAMPLES
              + " are needed");
    }
    if (spec.task() instanceof Task.Classification c) {
      if (!(data.labels() instanceof Labels.Classes labels)) {
        return Result.err("the problem is a classification but the labels are real values");
      }
      if (labels.classCount() > c.classes()) {
        return Result.err(
            "the training labels have "
                + labels.classCount()
                + " classes, the problem "
                + c.classes());
      }
    } else {
      if (!(data.labels() instanceof Labels.Values values)) {
        return Result.err("the problem is a regression but the labels are class indices");
      }
      if (values.width() != spec.task().outputWidth()) {
        return Result.err(
            "the training targets have "
                + values.width()
                + " values per sample, the problem "
                + spec.task().outputWidth());
      }
    }
    return Result.ok(data);
  }
}

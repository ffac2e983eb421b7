package org.learnchain.ml.train;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.data.Labels;
import org.learnchain.ml.infer.Predictor;
import org.learnchain.ml.model.Architecture;
import org.learnchain.ml.model.LoadedModel;
import org.learnchain.ml.model.ModelCodec;
import org.learnchain.ml.model.ModelLoader;
import org.learnchain.ml.spec.Metric;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.spec.Task;
import org.learnchain.ml.train.TrainingProgress.Event;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The miner's model search. Given a problem, a training set, a time budget, a seed and cores, it
 * trains candidates from a fixed, seed-parameterised schedule of model families (MLPs of several
 * widths and depths; small CNNs for images), each with Adam at a seeded learning rate, seeded
 * initialisation and seeded minibatch order, scoring every epoch on a validation split taken from
 * the training set and stopping a candidate after {@link SearchPlan#patience()} epochs without
 * improvement. It returns the best-scoring model that fits the problem's limits.
 *
 * <p>Determinism: every choice is a function of the seed, the data, the problem and the plan. Time
 * only decides where the search stops: before an epoch or a candidate whose estimated cost does not
 * fit, or inside an epoch whose estimate proved wrong (that epoch is dropped, the candidate keeps
 * its best finished one). When the budget does not bind (the plan's caps end the search first), two
 * runs with the same seed produce the same model bytes.
 *
 * <p>Time: the estimates come from measured cost per multiply-add, per kind of model; a reserve of
 * the budget (a tenth, at most 3 s) is kept for building and checking the final model. The very
 * first epoch always runs, so a model exists.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  private static final double[] LEARNING_RATES = {1e-3, 2e-3};
  private static final int MIN_SAMPLES = 10;

  /** Minibatches between deadline checks inside an epoch. */
  private static final int ABORT_CHECK_STEPS = 8;

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

  /** One entry of the search schedule. */
  record Attempt(ModelFamily family, double learningRate) {}

  /**
   * The fixed search order for a problem: cheap, strong baselines first so that a short budget
   * still yields a good model, then larger or convolutional families, then a linear fallback for
   * tight limits. Learning rates are drawn from the seed.
   */
  static List<Attempt> schedule(SampleShape shape, long seed) {
    List<ModelFamily> families = new ArrayList<>();
    if (shape instanceof SampleShape.Image) {
      // Measured on MNIST on two busy cores: mlp-2x256 reaches about 0.96 in 20 s; the strided
      // CNN about 0.955 after 4 epochs of 3-5 s and keeps improving.
      families.add(new ModelFamily.Mlp(2, 256));
      families.add(new ModelFamily.Cnn(16, 64));
      families.add(new ModelFamily.Mlp(1, 512));
      families.add(new ModelFamily.Cnn(32, 128));
      families.add(new ModelFamily.Mlp(1, 128));
      families.add(new ModelFamily.Mlp(1, 64));
    } else {
      families.add(new ModelFamily.Mlp(1, 128));
      families.add(new ModelFamily.Mlp(2, 128));
      families.add(new ModelFamily.Mlp(2, 256));
      families.add(new ModelFamily.Mlp(1, 256));
      families.add(new ModelFamily.Mlp(1, 64));
      families.add(new ModelFamily.Mlp(1, 32));
    }
    families.add(new ModelFamily.Mlp(0, 0));
    List<Attempt> out = new ArrayList<>();
    for (int i = 0; i < families.size(); i++) {
      if (!families.get(i).suits(shape)) {
        continue;
      }
      long pick = Math.floorMod(TrainingSeed.mix(seed, 1000 + i), LEARNING_RATES.length);
      out.add(new Attempt(families.get(i), LEARNING_RATES[(int) pick]));
    }
    return out;
  }

  /** Runs the search; a rejection says why nothing could be trained. */
  public Result<TrainedModel> train(TrainingRequest request) {
    long start = nanoTime.getAsLong();
    ProblemSpec spec = request.spec();
    Result<Dataset> checked = checkData(spec, request.train());
    if (!checked.isOk()) {
      return Result.err(checked.reason());
    }
    runtime.useThreads(request.threads());
    long budgetNanos = request.budget().toNanos();
    // Kept for the end: a full collection (see finish), folding, serializing and re-checking the
    // model; the collection alone took over a second on two busy cores.
    long reserve = Math.min(3_000_000_000L, budgetNanos / 10);
    long deadline = start + budgetNanos - reserve;
    SearchPlan plan = request.plan();
    long seed = request.seed();

    Dataset all = request.train();
    int holdOut =
        Math.max(
            1,
            Math.min(all.count() - 1, (int) Math.round(all.count() * plan.validationFraction())));
    Dataset.Split split = all.split(holdOut, TrainingSeed.mix(seed, 0));
    Dataset train = split.first();
    Dataset validation = split.second();
    boolean classification = spec.task() instanceof Task.Classification;
    int width = spec.task().outputWidth();

    Standardizer inputScaler = Standardizer.fit(withShape(train.inputs(), spec.input()));
    Standardizer targetScaler =
        classification
            ? null
            : Standardizer.fit(((Labels.Values) train.labels()).toArray(), train.count(), width, 1);
    // Kept as Java arrays: each minibatch is copied out with System.arraycopy into one new
    // array. INDArray.getRows builds a view per row and stacks them, which on MNIST left
    // hundreds of thousands of short-lived objects per search and made the collections after
    // training take seconds.
    float[] x = inputScaler.apply(train.inputs().toArray());
    float[] y = targets(train.labels(), width, targetScaler);
    int inputWidth = train.inputs().width();
    Inputs validationInputs =
        Inputs.of(validation.inputs().shape(), inputScaler.apply(validation.inputs().toArray()));
    // Large enough to amortise DL4J's per-step overhead on small sets, small enough for several
    // steps per epoch on tiny ones.
    int batch = Math.min(128, Math.max(16, train.count() / 20));

    Metric metric = spec.metric();
    Best best = null;
    boolean budgetBound = false;
    int trained = 0;
    long samplesTrained = 0;
    long stepNanos = 0;
    // Measured training cost per multiply-add, per kind of model (dense-only or convolutional:
    // DL4J's convolutions cost several times more per multiply-add), to estimate epochs before
    // they run.
    CostModel cost = new CostModel();
    List<Attempt> schedule = schedule(spec.input(), seed);
    for (int index = 0;
        index < schedule.size() && trained < plan.maxCandidates() && !budgetBound;
        index++) {
      Attempt attempt = schedule.get(index);
      long now = nanoTime.getAsLong();
      long candidateSeed = TrainingSeed.mix(seed, 1 + index);
      MultiLayerConfiguration conf =
          attempt.family().build(spec, attempt.learningRate(), candidateSeed);
      Result<Architecture> arch = Architecture.analyze(conf, spec);
      if (!arch.isOk() || estimatedBytes(arch.value()) > spec.limits().maxModelBytes()) {
        LOG.debug(
            "Candidate skipped family={} reason={}",
            attempt.family().name(),
            arch.isOk() ? "model bytes over the limit" : arch.reason());
        emit(
            Event.CANDIDATE_SKIPPED, index, attempt, 0, Double.NaN, bestScore(best), now, deadline);
        continue;
      }
      long epochMacs = 3L * arch.value().multiplyAdds() * train.count();
      boolean convolutional = attempt.family() instanceof ModelFamily.Cnn;
      if (cost.known() && now + cost.estimate(convolutional, epochMacs) > deadline) {
        // Stop between candidates, never inside a step: the search order is fixed, so where it
        // stops is the only thing time decides.
        emit(
            Event.CANDIDATE_SKIPPED, index, attempt, 0, Double.NaN, bestScore(best), now, deadline);
        budgetBound = true;
        break;
      }
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      trained++;
      emit(Event.CANDIDATE_STARTED, index, attempt, 0, Double.NaN, bestScore(best), now, deadline);
      long candidateStart = now;
      double candidateBest = metric.worst();
      INDArray candidateParams = null;
      int candidateBestEpoch = 0;
      int sinceImprovement = 0;
      double lastScore = Double.NaN;
      int epoch = 0;
      while (epoch < plan.maxEpochs()) {
        long epochStart = nanoTime.getAsLong();
        boolean first = best == null && epoch == 0;
        if (!first && epochStart + cost.estimate(convolutional, epochMacs) > deadline) {
          budgetBound = true;
          break;
        }
        int[] order =
            Dataset.shuffledIndices(train.count(), TrainingSeed.mix(candidateSeed, epoch));
        boolean aborted = false;
        for (int from = 0, step = 1; from < order.length; from += batch, step++) {
          int[] rows = Arrays.copyOfRange(order, from, Math.min(order.length, from + batch));
          net.fit(gather(x, inputWidth, rows), gather(y, width, rows));
          // An estimate can be wrong (the machine's load changes): past the deadline, drop the
          // unfinished epoch; the candidate keeps its best finished one.
          if (!first && step % ABORT_CHECK_STEPS == 0 && nanoTime.getAsLong() > deadline) {
            aborted = true;
            break;
          }
        }
        if (aborted) {
          budgetBound = true;
          break;
        }
        stepNanos += nanoTime.getAsLong() - epochStart;
        net.incrementEpochCount(); // drives the per-epoch learning-rate schedule
        epoch++;
        samplesTrained += order.length;
        lastScore =
            score(
                net,
                validationInputs,
                validation.labels(),
                width,
                Predictor.batchSize(arch.value().multiplyAdds()),
                metric,
                targetScaler);
        now = nanoTime.getAsLong();
        // The epoch's cost including its validation pass; the latest measurement wins, since
        // the machine's load changes, and so does the model kind.
        cost.record(convolutional, now - epochStart, epochMacs);
        if (metric.better(lastScore, candidateBest)) {
          candidateBest = lastScore;
          candidateParams = net.params().dup();
          candidateBestEpoch = epoch;
          sinceImprovement = 0;
        } else {
          sinceImprovement++;
        }
        double searchBest =
            best == null || metric.better(candidateBest, best.score) ? candidateBest : best.score;
        emit(Event.EPOCH_FINISHED, index, attempt, epoch, lastScore, searchBest, now, deadline);
        if (sinceImprovement >= plan.patience()) {
          break;
        }
      }
      if (candidateParams != null && (best == null || metric.better(candidateBest, best.score))) {
        best = new Best(net, candidateParams, candidateBest, candidateBestEpoch, attempt);
      }
      emit(
          Event.CANDIDATE_FINISHED,
          index,
          attempt,
          epoch,
          lastScore,
          bestScore(best),
          now,
          deadline);
      LOG.info(
          "Candidate trained family={} lr={} epochs={} bestEpoch={} validation={} params={}"
              + " elapsedMs={}",
          attempt.family().name(),
          attempt.learningRate(),
          epoch,
          candidateBestEpoch,
          candidateBest,
          arch.value().parameters(),
          (now - candidateStart) / 1_000_000);
    }
    if (best == null) {
      return Result.err("no model family fits the problem's limits");
    }
    return finish(
        best,
        request,
        inputScaler,
        targetScaler,
        trained,
        samplesTrained,
        Duration.ofNanos(stepNanos),
        budgetBound,
        start);
  }

  private Result<TrainedModel> finish(
      Best best,
      TrainingRequest request,
      Standardizer inputScaler,
      Standardizer targetScaler,
      int trained,
      long samplesTrained,
      Duration stepTime,
      boolean budgetBound,
      long start) {
    MultiLayerNetwork net = best.net;
    net.setParams(best.params);
    // ND4J frees native buffers only when their Java wrappers are collected, and a search leaves
    // some behind (other candidates, per-step temporaries promoted before they died). Collect
    // now, while it is cheap (about 0.1 s on MNIST), rather than in the prediction or
    // verification that follows training.
    // Durations below are diagnostics only (System.nanoTime, not the injected clock).
    long t0 = System.nanoTime();
    Nd4j.getMemoryManager().invokeGc();
    long t1 = System.nanoTime();
    inputScaler.foldIntoFirstLayer(net);
    if (targetScaler != null) {
      targetScaler.foldIntoOutputLayer(net);
    }
    byte[] bytes = ModelCodec.serialize(net);
    long t2 = System.nanoTime();
    Result<LoadedModel> loaded = ModelLoader.load(bytes, request.spec());
    LOG.debug(
        "Final model built gcMs={} foldAndSerializeMs={} checkMs={}",
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000,
        (System.nanoTime() - t2) / 1_000_000);
    if (!loaded.isOk()) {
      return Result.err("the trained model fails its own checks: " + loaded.reason());
    }
    Duration elapsed = Duration.ofNanos(nanoTime.getAsLong() - start);
    TrainedModel model =
        new TrainedModel(
            bytes,
            loaded.value(),
            best.attempt.family().name(),
            best.attempt.learningRate(),
            best.epoch,
            best.score,
            trained,
            samplesTrained,
            stepTime,
            budgetBound,
            elapsed);
    LOG.info(
        "Training finished family={} validation={} hash={} bytes={} candidates={} budgetBound={}"
            + " elapsedMs={}",
        model.family(),
        model.validationScore(),
        model.hash().toShortHex(),
        bytes.length,
        trained,
        budgetBound,
        elapsed.toMillis());
    return Result.ok(model);
  }

  /**
   * Nanoseconds per multiply-add of training, measured per kind of model; an unmeasured kind is
   * estimated from the other with a prior ratio (convolutions about 3-4x dearer per multiply-add in
   * DL4J on CPU, measured on MNIST).
   */
  private static final class CostModel {
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

  /** The search's best candidate so far. */
  private record Best(
      MultiLayerNetwork net, INDArray params, double score, int epoch, Attempt attempt) {}

  private void emit(
      Event event,
      int index,
      Attempt attempt,
      int epoch,
      double score,
      double bestScore,
      long now,
      long deadline) {
    listener.onProgress(
        new TrainingProgress(
            event,
            index,
            attempt.family().name(),
            attempt.learningRate(),
            epoch,
            score,
            bestScore,
            Duration.ofNanos(Math.max(0, deadline - now))));
  }

  private static double bestScore(Best best) {
    return best == null ? Double.NaN : best.score;
  }

  private static long estimatedBytes(Architecture arch) {
    // Parameters as float32 plus the configuration JSON (a few KiB per layer) and zip framing.
    return arch.parameters() * 4 + 8192L * arch.layers().size() + 1024;
  }

  private static Inputs withShape(Inputs inputs, SampleShape shape) {
    return inputs.shape().equals(shape) ? inputs : Inputs.of(shape, inputs.toArray());
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

  /** One-hot rows for classes, standardised values for regression. */
  private static float[] targets(Labels labels, int width, Standardizer targetScaler) {
    if (labels instanceof Labels.Classes classes) {
      float[] oneHot = new float[classes.count() * width];
      for (int i = 0; i < classes.count(); i++) {
        oneHot[i * width + classes.label(i)] = 1f;
      }
      return oneHot;
    }
    return targetScaler.apply(((Labels.Values) labels).toArray());
  }

  /** The rows {@code rows} of a flat row-major array, as one new matrix. */
  private static INDArray gather(float[] data, int width, int[] rows) {
    float[] out = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(data, rows[i] * width, out, i * width, width);
    }
    return Nd4j.create(out, new long[] {rows.length, width}, 'c');
  }

  /** The metric on the validation split (inputs already standardised). */
  private static double score(
      MultiLayerNetwork net,
      Inputs inputs,
      Labels labels,
      int width,
      int batch,
      Metric metric,
      Standardizer targetScaler) {
    float[] out = Predictor.outputs(net, inputs, width, batch);
    if (metric == Metric.ACCURACY) {
      Labels.Classes classes = (Labels.Classes) labels;
      int correct = 0;
      for (int i = 0; i < classes.count(); i++) {
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
      return correct / (double) classes.count();
    }
    Labels.Values values = (Labels.Values) labels;
    double sum = 0;
    for (int i = 0; i < values.count(); i++) {
      for (int j = 0; j < width; j++) {
        double d = targetScaler.unapply(out[i * width + j], j) - values.value(i, j);
        sum += d * d;
      }
    }
    double mse = sum / ((double) values.count() * width);
    // A diverged candidate scores worst rather than poisoning comparisons with NaN.
    return Double.isFinite(mse) ? mse : Double.POSITIVE_INFINITY;
  }
}

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
 * trains candidates from a seed-parameterised schedule of model families, scoring every epoch on a
 * validation split taken from the training set, stopping a candidate after {@link
 * SearchPlan#patience()} epochs without improvement, and returns the best-scoring model that fits
 * the problem's limits.
 *
 * <p>Tabular problems (vector inputs): linear models (logistic or least-squares regression) and
 * MLPs, each with Adam, a learning rate that falls about twentyfold over the candidate's planned
 * epochs, an L2 penalty, class-balanced cross-entropy when one class is much rarer than another,
 * and enough steps for small sets (about {@value #TABULAR_STEPS} minibatch steps per candidate).
 * Candidates are compared on the validation metric, ties broken by validation loss (accuracy on a
 * few dozen samples ties often). The winner is then refitted on the whole training set for its best
 * epoch count, if the budget has room; otherwise the validated model is returned.
 *
 * <p>Images: small strided CNNs first, then MLPs, trained on images shifted by up to two pixels;
 * the first candidate usually takes the budget.
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
 * <p>Time: the estimates come from measured cost per multiply-add, per kind of model; a reserve of
 * the budget (a tenth, at most 3 s) is kept for building and checking the final model. The very
 * first epoch always runs, so a model exists.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  private static final int MIN_SAMPLES = 10;

  /** Minibatch steps a tabular candidate plans for (its epochs follow from its batch count). */
  static final int TABULAR_STEPS = 4000;

  /** Fewest epochs a tabular candidate plans for, however large the set. */
  private static final int MIN_TABULAR_EPOCHS = 30;

  /** The learning rate falls by this factor over a tabular candidate's planned epochs. */
  private static final double TABULAR_LR_FALL = 0.05;

  /** Largest to smallest class count from which a class-balanced candidate joins the schedule. */
  private static final double IMBALANCE_RATIO = 2.5;

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

  /**
   * One entry of the search schedule.
   *
   * @param family the network's shape
   * @param learningRate Adam's initial step size
   * @param l2 L2 penalty on weights
   * @param balanced whether the cross-entropy weighs classes inversely to their frequency
   */
  record Attempt(ModelFamily family, double learningRate, double l2, boolean balanced) {
    String name() {
      return family.name() + (balanced ? "-balanced" : "");
    }
  }

  /**
   * The search order for a problem. The first entry is fixed (a strong default: a strided CNN for
   * images, the linear model for tables, which is what wins on most small tabular sets); the others
   * are shuffled by the seed and their learning rates scaled by a seeded factor in [0.71, 1.41], so
   * that miners with different seeds try different models first and the network explores more than
   * one miner would.
   */
  static List<Attempt> schedule(SampleShape shape, Task task, boolean imbalanced, long seed) {
    List<Attempt> fixed = new ArrayList<>();
    List<Attempt> rest = new ArrayList<>();
    if (shape instanceof SampleShape.Image) {
      // Measured on MNIST (8,000 images, 60 s, one thread, load 3): the strided CNN with shifted
      // images reaches 0.9745 on test (0.9615 without shifts); MLPs level off near 0.96.
      fixed.add(new Attempt(new ModelFamily.Cnn(16, 128), 2e-3, 1e-4, false));
      // Stride 1 and 2x2 pooling: slower per epoch; in 60 s on MNIST 0.9595 against 0.9615.
      rest.add(new Attempt(new ModelFamily.Cnn(8, 128, true), 2e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Cnn(32, 128), 1e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(2, 256), 1e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(1, 512), 1e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(1, 128), 2e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(1, 64), 2e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(0, 0), 2e-3, 1e-4, false));
    } else {
      fixed.add(new Attempt(new ModelFamily.Mlp(0, 0), 1e-2, 3e-3, false));
      rest.add(new Attempt(new ModelFamily.Mlp(1, 128), 3e-3, 1e-3, false));
      rest.add(new Attempt(new ModelFamily.Mlp(2, 64), 2e-3, 1e-3, false));
      rest.add(new Attempt(new ModelFamily.Mlp(0, 0), 1e-2, 3e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(1, 256), 1e-3, 1e-2, false));
      rest.add(new Attempt(new ModelFamily.Mlp(2, 128), 1e-3, 1e-4, false));
      rest.add(new Attempt(new ModelFamily.Mlp(1, 32), 1e-2, 1e-3, false));
      rest.add(new Attempt(new ModelFamily.Mlp(3, 64), 1e-3, 1e-3, false));
      if (task instanceof Task.Classification && imbalanced) {
        rest.add(new Attempt(new ModelFamily.Mlp(1, 128), 3e-3, 1e-3, true));
        rest.add(new Attempt(new ModelFamily.Mlp(0, 0), 1e-2, 1e-3, true));
      }
    }
    // Seeded Fisher-Yates over the non-fixed entries, then a seeded learning-rate factor each.
    java.util.SplittableRandom random = new java.util.SplittableRandom(TrainingSeed.mix(seed, 999));
    for (int i = rest.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Attempt t = rest.get(i);
      rest.set(i, rest.get(j));
      rest.set(j, t);
    }
    List<Attempt> out = new ArrayList<>();
    for (Attempt a : fixed) {
      if (a.family().suits(shape)) {
        out.add(a);
      }
    }
    for (Attempt a : rest) {
      if (a.family().suits(shape)) {
        double factor = Math.pow(2, random.nextDouble() - 0.5);
        out.add(new Attempt(a.family(), a.learningRate() * factor, a.l2(), a.balanced()));
      }
    }
    return out;
  }

  /** A validation result: the problem's metric, ties broken by the loss (lower is better). */
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
    boolean tabular = !(spec.input() instanceof SampleShape.Image);
    // Images hold out half the plan's share: they are not refitted on the whole set (an epoch
    // costs seconds), and a tenth of MNIST's 8,000 images still scores epochs to 0.3 points.
    double fraction = tabular ? plan.validationFraction() : plan.validationFraction() / 2;
    int holdOut = Math.max(1, Math.min(all.count() - 1, (int) Math.round(all.count() * fraction)));
    Dataset.Split split = all.split(holdOut, TrainingSeed.mix(seed, 0));
    Dataset train = split.first();
    Dataset validation = split.second();
    boolean classification = spec.task() instanceof Task.Classification;
    int width = spec.task().outputWidth();

    // Fitted on the whole training set, so that the refitted model sees the same scaling.
    Standardizer inputScaler = Standardizer.fit(withShape(all.inputs(), spec.input()));
    Standardizer targetScaler =
        classification
            ? null
            : Standardizer.fit(((Labels.Values) all.labels()).toArray(), all.count(), width, 1);
    // Kept as Java arrays: each minibatch is copied out with System.arraycopy into one new
    // array. INDArray.getRows builds a view per row and stacks them, which on MNIST left
    // hundreds of thousands of short-lived objects per search and made the collections after
    // training take seconds.
    float[] x = inputScaler.apply(train.inputs().toArray());
    float[] y = targets(train.labels(), width, targetScaler);
    int inputWidth = train.inputs().width();
    Inputs validationInputs =
        Inputs.of(validation.inputs().shape(), inputScaler.apply(validation.inputs().toArray()));
    int batch =
        tabular
            ? (train.count() < 4000 ? 32 : 64)
            // Large enough to amortise DL4J's per-step overhead on images.
            : Math.min(128, Math.max(16, train.count() / 20));
    int stepsPerEpoch = (train.count() + batch - 1) / batch;
    int plannedEpochs =
        tabular
            ? Math.min(
                plan.maxEpochs(),
                Math.max(MIN_TABULAR_EPOCHS, (TABULAR_STEPS + stepsPerEpoch - 1) / stepsPerEpoch))
            : plan.maxEpochs();
    double decay =
        tabular
            ? Math.pow(TABULAR_LR_FALL, 1.0 / Math.max(1, plannedEpochs))
            : ModelFamily.LEARNING_RATE_DECAY;
    float[] balancedWeights = classification ? balancedWeights(all.labels(), width) : null;
    boolean imbalanced =
        balancedWeights != null && imbalance(all.labels(), width) >= IMBALANCE_RATIO;

    if (tabular) {
      return tabularSearch(
          request,
          all,
          train,
          validation,
          x,
          y,
          validationInputs,
          inputScaler,
          targetScaler,
          batch,
          plannedEpochs,
          decay,
          imbalanced ? balancedWeights : null,
          deadline,
          start);
    }
    // What a blank pixel becomes after standardisation: the fill of shifted images.
    float[] background = inputScaler.apply(new float[inputWidth]);
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
    List<Attempt> schedule = schedule(spec.input(), spec.task(), imbalanced, seed);
    for (int index = 0;
        index < schedule.size() && trained < plan.maxCandidates() && !budgetBound;
        index++) {
      Attempt attempt = schedule.get(index);
      long now = nanoTime.getAsLong();
      long candidateSeed = TrainingSeed.mix(seed, 1 + index);
      ModelFamily.Hyper hyper =
          new ModelFamily.Hyper(
              attempt.learningRate(),
              decay,
              attempt.l2(),
              attempt.balanced() ? balancedWeights : null);
      MultiLayerConfiguration conf = attempt.family().build(spec, hyper, candidateSeed);
      Result<Architecture> arch = Architecture.analyze(conf, spec);
      if (!arch.isOk() || estimatedBytes(arch.value()) > spec.limits().maxModelBytes()) {
        LOG.debug(
            "Candidate skipped family={} reason={}",
            attempt.name(),
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
      Score candidateBest = null;
      INDArray candidateParams = null;
      int candidateBestEpoch = 0;
      int sinceImprovement = 0;
      double lastScore = Double.NaN;
      int epoch = 0;
      while (epoch < plannedEpochs) {
        long epochStart = nanoTime.getAsLong();
        boolean first = best == null && epoch == 0;
        if (!first && epochStart + cost.estimate(convolutional, epochMacs) > deadline) {
          budgetBound = true;
          break;
        }
        int[] order =
            Dataset.shuffledIndices(train.count(), TrainingSeed.mix(candidateSeed, epoch));
        Shifter shifter =
            spec.input() instanceof SampleShape.Image im
                ? new Shifter(im, background, TrainingSeed.mix(candidateSeed, 10_000 + epoch))
                : null;
        if (!runEpoch(
            net,
            x,
            y,
            inputWidth,
            width,
            order,
            batch,
            first ? Long.MAX_VALUE : deadline,
            shifter)) {
          budgetBound = true;
          break;
        }
        stepNanos += nanoTime.getAsLong() - epochStart;
        net.incrementEpochCount(); // drives the per-epoch learning-rate schedule
        epoch++;
        samplesTrained += order.length;
        Score scored =
            score(
                net,
                validationInputs,
                validation.labels(),
                width,
                Predictor.batchSize(arch.value().multiplyAdds()),
                metric,
                targetScaler);
        lastScore = scored.metric();
        now = nanoTime.getAsLong();
        // The epoch's cost including its validation pass; the latest measurement wins, since
        // the machine's load changes, and so does the model kind.
        cost.record(convolutional, now - epochStart, epochMacs);
        if (scored.better(candidateBest, metric)) {
          candidateBest = scored;
          candidateParams = net.params().dup();
          candidateBestEpoch = epoch;
          sinceImprovement = 0;
        } else {
          sinceImprovement++;
        }
        double searchBest =
            best == null || candidateBest.better(best.score, metric)
                ? candidateBest.metric()
                : best.score.metric();
        emit(Event.EPOCH_FINISHED, index, attempt, epoch, lastScore, searchBest, now, deadline);
        if (sinceImprovement >= plan.patience()) {
          break;
        }
      }
      if (candidateParams != null
          && candidateBest.better(best == null ? null : best.score, metric)) {
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
          "Candidate trained family={} lr={} l2={} epochs={} bestEpoch={} validation={}"
              + " validationLoss={} params={} elapsedMs={}",
          attempt.name(),
          attempt.learningRate(),
          attempt.l2(),
          epoch,
          candidateBestEpoch,
          candidateBest == null ? Double.NaN : candidateBest.metric(),
          candidateBest == null ? Double.NaN : candidateBest.loss(),
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

  /**
   * The tabular search: every candidate trained by {@link DenseNet}, early-stopped on the
   * validation split, the best refitted on the whole training set for its best epoch count when the
   * budget allows, then copied into its DL4J network.
   */
  private Result<TrainedModel> tabularSearch(
      TrainingRequest request,
      Dataset all,
      Dataset train,
      Dataset validation,
      float[] x,
      float[] y,
      Inputs validationInputs,
      Standardizer inputScaler,
      Standardizer targetScaler,
      int batch,
      int plannedEpochs,
      double decay,
      float[] classWeights,
      long deadline,
      long start) {
    ProblemSpec spec = request.spec();
    SearchPlan plan = request.plan();
    long seed = request.seed();
    Metric metric = spec.metric();
    boolean classification = spec.task() instanceof Task.Classification;
    int width = spec.task().outputWidth();
    double[] weights = null;
    if (classWeights != null) {
      weights = new double[classWeights.length];
      for (int c = 0; c < weights.length; c++) {
        weights[c] = classWeights[c];
      }
    }
    float[] xv = validationInputs.toArray();
    CostModel cost = new CostModel();
    TabularBest best = null;
    List<TabularBest> finished = new ArrayList<>();
    boolean budgetBound = false;
    int trained = 0;
    long samplesTrained = 0;
    long stepNanos = 0;
    List<Attempt> schedule = schedule(spec.input(), spec.task(), classWeights != null, seed);
    for (int index = 0;
        index < schedule.size() && trained < plan.maxCandidates() && !budgetBound;
        index++) {
      Attempt attempt = schedule.get(index);
      long now = nanoTime.getAsLong();
      long candidateSeed = TrainingSeed.mix(seed, 1 + index);
      ModelFamily.Hyper hyper =
          new ModelFamily.Hyper(
              attempt.learningRate(),
              decay,
              attempt.l2(),
              attempt.balanced() ? classWeights : null);
      MultiLayerConfiguration conf = attempt.family().build(spec, hyper, candidateSeed);
      Result<Architecture> arch = Architecture.analyze(conf, spec);
      if (!arch.isOk() || estimatedBytes(arch.value()) > spec.limits().maxModelBytes()) {
        LOG.debug(
            "Candidate skipped family={} reason={}",
            attempt.name(),
            arch.isOk() ? "model bytes over the limit" : arch.reason());
        emit(
            Event.CANDIDATE_SKIPPED,
            index,
            attempt,
            0,
            Double.NaN,
            tabularBest(best),
            now,
            deadline);
        continue;
      }
      ModelFamily.Mlp mlp = (ModelFamily.Mlp) attempt.family();
      int[] sizes = new int[mlp.depth() + 2];
      sizes[0] = spec.input().size();
      for (int d = 1; d <= mlp.depth(); d++) {
        sizes[d] = mlp.width();
      }
      sizes[sizes.length - 1] = width;
      DenseNet net = new DenseNet(sizes, classification, candidateSeed);
      long epochMacs = 3L * net.multiplyAdds() * train.count();
      if (cost.known() && now + cost.estimate(false, epochMacs) > deadline) {
        emit(
            Event.CANDIDATE_SKIPPED,
            index,
            attempt,
            0,
            Double.NaN,
            tabularBest(best),
            now,
            deadline);
        budgetBound = true;
        break;
      }
      trained++;
      emit(
          Event.CANDIDATE_STARTED, index, attempt, 0, Double.NaN, tabularBest(best), now, deadline);
      long candidateStart = now;
      Score candidateBest = null;
      double[][] candidateParams = null;
      int candidateBestEpoch = 0;
      int sinceImprovement = 0;
      double lastScore = Double.NaN;
      int epoch = 0;
      double[] balanced = attempt.balanced() ? weights : null;
      while (epoch < plannedEpochs) {
        long epochStart = nanoTime.getAsLong();
        boolean first = best == null && epoch == 0;
        if (!first && epochStart + cost.estimate(false, epochMacs) > deadline) {
          budgetBound = true;
          break;
        }
        int[] order =
            Dataset.shuffledIndices(train.count(), TrainingSeed.mix(candidateSeed, epoch));
        net.epoch(
            x,
            y,
            order,
            batch,
            attempt.learningRate() * Math.pow(decay, epoch),
            attempt.l2(),
            balanced);
        epoch++;
        samplesTrained += order.length;
        Score scored =
            scoreOutputs(net.predict(xv), validation.labels(), width, metric, targetScaler);
        lastScore = scored.metric();
        now = nanoTime.getAsLong();
        stepNanos += now - epochStart;
        cost.record(false, now - epochStart, epochMacs);
        // Within a candidate the validation loss picks the epoch: on a few dozen samples
        // accuracy moves in steps and stops candidates at random points.
        if (candidateBest == null || scored.loss() < candidateBest.loss()) {
          candidateBest = scored;
          candidateParams = net.snapshot();
          candidateBestEpoch = epoch;
          sinceImprovement = 0;
        } else {
          sinceImprovement++;
        }
        double searchBest =
            best == null || candidateBest.better(best.score, metric)
                ? candidateBest.metric()
                : best.score.metric();
        emit(Event.EPOCH_FINISHED, index, attempt, epoch, lastScore, searchBest, now, deadline);
        if (sinceImprovement >= plan.patience()) {
          break;
        }
      }
      if (candidateParams != null) {
        TabularBest done =
            new TabularBest(
                sizes,
                candidateParams,
                candidateBest,
                candidateBestEpoch,
                attempt,
                conf,
                candidateSeed,
                arch.value().parameters());
        finished.add(done);
        if (candidateBest.better(best == null ? null : best.score, metric)) {
          best = done;
        }
      }
      emit(
          Event.CANDIDATE_FINISHED,
          index,
          attempt,
          epoch,
          lastScore,
          tabularBest(best),
          now,
          deadline);
      LOG.info(
          "Candidate trained family={} lr={} l2={} epochs={} bestEpoch={} validation={}"
              + " validationLoss={} params={} elapsedMs={}",
          attempt.name(),
          attempt.learningRate(),
          attempt.l2(),
          epoch,
          candidateBestEpoch,
          candidateBest == null ? Double.NaN : candidateBest.metric(),
          candidateBest == null ? Double.NaN : candidateBest.loss(),
          arch.value().parameters(),
          (now - candidateStart) / 1_000_000);
    }
    if (best == null) {
      return Result.err("no model family fits the problem's limits");
    }
    best = simplestWithinOneStandardError(finished, best, metric);
    DenseNet chosen = new DenseNet(best.sizes, classification, best.seed);
    chosen.restore(best.params);
    // The refit: the same configuration and seed on every training sample (the validation split
    // is a fifth of the data, which small sets miss), for the best epoch count.
    long refitStart = nanoTime.getAsLong();
    long allEpochMacs = 3L * chosen.multiplyAdds() * all.count();
    if (cost.known()
        && refitStart + cost.estimate(false, allEpochMacs) * best.epoch * 1.2 <= deadline) {
      float[] xa = inputScaler.apply(all.inputs().toArray());
      float[] ya = targets(all.labels(), width, targetScaler);
      DenseNet refit = new DenseNet(best.sizes, classification, best.seed);
      boolean done = true;
      for (int epoch = 0; epoch < best.epoch; epoch++) {
        if (nanoTime.getAsLong() > deadline) {
          done = false;
          break;
        }
        int[] order = Dataset.shuffledIndices(all.count(), TrainingSeed.mix(best.seed, epoch));
        refit.epoch(
            xa,
            ya,
            order,
            batch,
            best.attempt.learningRate() * Math.pow(decay, epoch),
            best.attempt.l2(),
            best.attempt.balanced() ? weights : null);
        samplesTrained += order.length;
      }
      stepNanos += nanoTime.getAsLong() - refitStart;
      if (done) {
        chosen = refit;
        LOG.info(
            "Refit on all samples family={} epochs={} samples={} elapsedMs={}",
            best.attempt.name(),
            best.epoch,
            all.count(),
            (nanoTime.getAsLong() - refitStart) / 1_000_000);
      } else {
        budgetBound = true;
        LOG.info("Refit abandoned family={} reason=deadline", best.attempt.name());
      }
    } else {
      LOG.info("Refit skipped family={} reason=budget", best.attempt.name());
    }
    MultiLayerNetwork dl = new MultiLayerNetwork(best.conf);
    dl.init();
    chosen.copyInto(dl);
    return finish(
        new Best(dl, dl.params(), best.score, best.epoch, best.attempt),
        request,
        inputScaler,
        targetScaler,
        trained,
        samplesTrained,
        Duration.ofNanos(stepNanos),
        budgetBound,
        start);
  }

  /** The tabular search's best candidate so far. */
  private record TabularBest(
      int[] sizes,
      double[][] params,
      Score score,
      int epoch,
      Attempt attempt,
      MultiLayerConfiguration conf,
      long seed,
      long parameters) {}

  /**
   * A one-standard-error rule between linear and non-linear models: when a linear candidate's
   * validation metric is within one standard error of the best candidate's, the linear model is
   * chosen (of those, the most regularised, then the best scoring); otherwise the best candidate.
   * Validation splits of small sets are a few dozen samples, on which an MLP often ties or edges
   * out the linear model by chance and then loses on the test set (measured on breast-cancer and
   * wine: MLPs that tied the linear model on validation scored one to three points lower on test).
   */
  private static TabularBest simplestWithinOneStandardError(
      List<TabularBest> candidates, TabularBest best, Metric metric) {
    double bound =
        metric.higherIsBetter()
            ? best.score.metric() - best.score.standardError()
            : best.score.metric() + best.score.standardError();
    TabularBest pick = null;
    for (TabularBest c : candidates) {
      boolean linear = ((ModelFamily.Mlp) c.attempt.family()).depth() == 0;
      boolean within =
          metric.higherIsBetter() ? c.score.metric() >= bound : c.score.metric() <= bound;
      if (linear
          && within
          && (pick == null
              || c.attempt.l2() > pick.attempt.l2()
              || (c.attempt.l2() == pick.attempt.l2() && c.score.better(pick.score, metric)))) {
        pick = c;
      }
    }
    if (pick == null || pick == best) {
      return best;
    }
    LOG.info(
        "Linear candidate within one standard error chosen validation={} l2={} best={}"
            + " bestValidation={} standardError={}",
        pick.score.metric(),
        pick.attempt.l2(),
        best.attempt.name(),
        best.score.metric(),
        best.score.standardError());
    return pick;
  }

  private static double tabularBest(TabularBest best) {
    return best == null ? Double.NaN : best.score.metric();
  }

  /**
   * One epoch of minibatch steps in {@code order}; false when {@code deadline} passed inside it
   * (checked every few steps; the epoch is then unfinished and must be dropped).
   */
  private boolean runEpoch(
      MultiLayerNetwork net,
      float[] x,
      float[] y,
      int inputWidth,
      int width,
      int[] order,
      int batch,
      long deadline,
      Shifter shifter) {
    for (int from = 0, step = 1; from < order.length; from += batch, step++) {
      int[] rows = Arrays.copyOfRange(order, from, Math.min(order.length, from + batch));
      INDArray in =
          shifter == null
              ? gather(x, inputWidth, rows)
              : Nd4j.create(shifter.gather(x, rows), new long[] {rows.length, inputWidth}, 'c');
      net.fit(in, gather(y, width, rows));
      // An estimate can be wrong (the machine's load changes): past the deadline, drop the
      // unfinished epoch; the candidate keeps its best finished one.
      if (step % ABORT_CHECK_STEPS == 0 && nanoTime.getAsLong() > deadline) {
        return false;
      }
    }
    return true;
  }

  /**
   * Training-time augmentation for images: each sample shifted by a seeded offset of up to {@value
   * #MAX_SHIFT} pixels each way, the uncovered border filled with blank pixels. On 8,000 MNIST
   * images the strided CNN otherwise levels off after about ten epochs.
   */
  private static final int MAX_SHIFT = 2;

  private static final class Shifter {
    private final int channels;
    private final int height;
    private final int width;
    private final float[] background;
    private final java.util.SplittableRandom random;

    Shifter(SampleShape.Image im, float[] background, long seed) {
      this.channels = im.channels();
      this.height = im.height();
      this.width = im.width();
      this.background = background;
      this.random = new java.util.SplittableRandom(seed);
    }

    float[] gather(float[] x, int[] rows) {
      int size = channels * height * width;
      float[] out = new float[rows.length * size];
      for (int r = 0; r < rows.length; r++) {
        int dy = random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
        int dx = random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
        int src = rows[r] * size;
        int dst = r * size;
        for (int c = 0; c < channels; c++) {
          for (int yy = 0; yy < height; yy++) {
            int sy = yy - dy;
            for (int xx = 0; xx < width; xx++) {
              int sx = xx - dx;
              int o = c * height * width + yy * width + xx;
              out[dst + o] =
                  sy >= 0 && sy < height && sx >= 0 && sx < width
                      ? x[src + c * height * width + sy * width + sx]
                      : background[o];
            }
          }
        }
      }
      return out;
    }
  }

  /** Per-class cross-entropy weights inversely proportional to class frequency (mean 1). */
  private static float[] balancedWeights(Labels labels, int classes) {
    int[] counts = classCounts(labels, classes);
    float[] w = new float[classes];
    for (int c = 0; c < classes; c++) {
      w[c] = counts[c] == 0 ? 1f : (float) (labels.count() / ((double) classes * counts[c]));
    }
    return w;
  }

  /** Largest class count over the smallest non-empty one. */
  private static double imbalance(Labels labels, int classes) {
    int[] counts = classCounts(labels, classes);
    int max = 0;
    int min = Integer.MAX_VALUE;
    for (int c : counts) {
      if (c > 0) {
        max = Math.max(max, c);
        min = Math.min(min, c);
      }
    }
    return min == Integer.MAX_VALUE ? 1 : max / (double) min;
  }

  private static int[] classCounts(Labels labels, int classes) {
    Labels.Classes c = (Labels.Classes) labels;
    int[] counts = new int[classes];
    for (int i = 0; i < c.count(); i++) {
      counts[c.label(i)]++;
    }
    return counts;
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
            best.attempt.name(),
            best.attempt.learningRate(),
            best.epoch,
            best.score.metric(),
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
      MultiLayerNetwork net, INDArray params, Score score, int epoch, Attempt attempt) {}

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
            attempt.name(),
            attempt.learningRate(),
            epoch,
            score,
            bestScore,
            Duration.ofNanos(Math.max(0, deadline - now))));
  }

  private static double bestScore(Best best) {
    return best == null ? Double.NaN : best.score.metric();
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
  private static Score score(
      MultiLayerNetwork net,
      Inputs inputs,
      Labels labels,
      int width,
      int batch,
      Metric metric,
      Standardizer targetScaler) {
    return scoreOutputs(
        Predictor.outputs(net, inputs, width, batch), labels, width, metric, targetScaler);
  }

  /**
   * Standard error of a proportion of {@code k} in {@code n}, with two successes and failures
   * added.
   */
  private static double agrestiCoull(int k, int n) {
    double p = (k + 2.0) / (n + 4.0);
    return Math.sqrt(p * (1 - p) / (n + 4.0));
  }

  /** The metric and loss of outputs {@code out} against {@code labels}. */
  private static Score scoreOutputs(
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
}

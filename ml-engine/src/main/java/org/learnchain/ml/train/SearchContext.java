package org.learnchain.ml.train;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.data.Labels;
import org.learnchain.ml.model.Architecture;
import org.learnchain.ml.spec.Metric;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.spec.Task;
import org.learnchain.ml.train.SearchSchedule.Attempt;
import org.learnchain.ml.train.TrainingProgress.Event;
import org.slf4j.Logger;

/**
 * What both searches share, prepared once per request: the validation split, the standardised
 * training arrays, the minibatch size, the planned epochs and learning-rate decay, the class
 * weights, the deadline, and the clock and listener they report through. Everything here is a
 * function of the request (its data, problem, plan and seed), never of time, apart from the
 * deadline.
 */
final class SearchContext {
  /** Minibatch steps a tabular candidate plans for (its epochs follow from its batch count). */
  static final int TABULAR_STEPS = 4000;

  /** Fewest epochs a tabular candidate plans for, however large the set. */
  private static final int MIN_TABULAR_EPOCHS = 30;

  /** The learning rate falls by this factor over a tabular candidate's planned epochs. */
  private static final double TABULAR_LR_FALL = 0.05;

  /** Largest to smallest class count from which a class-balanced candidate joins the schedule. */
  private static final double IMBALANCE_RATIO = 2.5;

  final TrainingRequest request;
  final ProblemSpec spec;
  final SearchPlan plan;
  final long seed;
  final Metric metric;
  final boolean tabular;
  final boolean classification;

  /** Output columns: classes, or regression targets. */
  final int width;

  /** The whole training set, the part trained on and the held-out part scored on. */
  final Dataset all;

  final Dataset train;
  final Dataset validation;

  /** {@link #train}'s standardised inputs and targets, row-major. */
  final float[] x;

  final float[] y;
  final int inputWidth;
  final Inputs validationInputs;
  final Standardizer inputScaler;

  /** Null for classification. */
  final Standardizer targetScaler;

  final int batch;
  final int plannedEpochs;
  final double decay;

  /** Per-class cross-entropy weights (mean 1) for classification, else null. */
  final float[] balancedWeights;

  /** Whether the classes are skewed enough for class-balanced candidates to join the schedule. */
  final boolean imbalanced;

  final long start;
  final long deadline;
  private final LongSupplier nanoTime;
  private final ProgressListener listener;

  private SearchContext(
      TrainingRequest request,
      long start,
      long deadline,
      LongSupplier nanoTime,
      ProgressListener listener) {
    this.request = request;
    this.start = start;
    this.deadline = deadline;
    this.nanoTime = nanoTime;
    this.listener = listener;
    this.spec = request.spec();
    this.plan = request.plan();
    this.seed = request.seed();
    this.metric = spec.metric();

    this.all = request.train();
    this.tabular = !(spec.input() instanceof SampleShape.Image);
    // Images hold out half the plan's share: they are not refitted on the whole set (an epoch
    // costs seconds), and a tenth of MNIST's 8,000 images still scores epochs to 0.3 points.
    double fraction = tabular ? plan.validationFraction() : plan.validationFraction() / 2;
    int holdOut = Math.max(1, Math.min(all.count() - 1, (int) Math.round(all.count() * fraction)));
    Dataset.Split split = all.split(holdOut, TrainingSeed.mix(seed, 0));
    this.train = split.first();
    this.validation = split.second();
    this.classification = spec.task() instanceof Task.Classification;
    this.width = spec.task().outputWidth();

    // Fitted on the whole training set, so that the refitted model sees the same scaling.
    this.inputScaler = Standardizer.fit(withShape(all.inputs(), spec.input()));
    this.targetScaler =
        classification
            ? null
            : Standardizer.fit(((Labels.Values) all.labels()).toArray(), all.count(), width, 1);
    // Kept as Java arrays: each minibatch is copied out with System.arraycopy into one new
    // array. INDArray.getRows builds a view per row and stacks them, which on MNIST left
    // hundreds of thousands of short-lived objects per search and made the collections after
    // training take seconds.
    this.x = inputScaler.apply(train.inputs().toArray());
    this.y = targets(train.labels(), width, targetScaler);
    this.inputWidth = train.inputs().width();
    this.validationInputs =
        Inputs.of(validation.inputs().shape(), inputScaler.apply(validation.inputs().toArray()));
    this.batch =
        tabular
            ? (train.count() < 4000 ? 32 : 64)
            // Large enough to amortise DL4J's per-step overhead on images.
            : Math.min(128, Math.max(16, train.count() / 20));
    int stepsPerEpoch = (train.count() + batch - 1) / batch;
    this.plannedEpochs =
        tabular
            ? Math.min(
                plan.maxEpochs(),
                Math.max(MIN_TABULAR_EPOCHS, (TABULAR_STEPS + stepsPerEpoch - 1) / stepsPerEpoch))
            : plan.maxEpochs();
    this.decay =
        tabular
            ? Math.pow(TABULAR_LR_FALL, 1.0 / Math.max(1, plannedEpochs))
            : ModelFamily.LEARNING_RATE_DECAY;
    this.balancedWeights = classification ? balancedWeights(all.labels(), width) : null;
    this.imbalanced = balancedWeights != null && imbalance(all.labels(), width) >= IMBALANCE_RATIO;
  }

  /**
   * Prepares the search for a request whose data already passed the trainer's checks.
   *
   * @param start when the search began, on {@code nanoTime}
   * @param deadline when the search must stop, on {@code nanoTime}
   */
  static SearchContext prepare(
      TrainingRequest request,
      long start,
      long deadline,
      LongSupplier nanoTime,
      ProgressListener listener) {
    return new SearchContext(request, start, deadline, nanoTime, listener);
  }

  /** The search's clock (monotonic nanoseconds). */
  long now() {
    return nanoTime.getAsLong();
  }

  /** Reports a step of the search to the listener. */
  void emit(
      Event event,
      int index,
      Attempt attempt,
      int epoch,
      double score,
      double bestScore,
      long now) {
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

  /**
   * Reports a finished candidate: the listener's event and one log line with what it reached.
   *
   * @param candidateBest its best validation score, or null when no epoch was scored
   * @param startedAt when it started, on {@link #now()}'s clock
   */
  void candidateFinished(
      Logger log,
      int index,
      Attempt attempt,
      int epochs,
      double lastScore,
      double searchBest,
      Score candidateBest,
      int candidateBestEpoch,
      long parameters,
      long startedAt,
      long now) {
    emit(Event.CANDIDATE_FINISHED, index, attempt, epochs, lastScore, searchBest, now);
    log.info(
        "Candidate trained family={} lr={} l2={} epochs={} bestEpoch={} validation={}"
            + " validationLoss={} params={} elapsedMs={}",
        attempt.name(),
        attempt.learningRate(),
        attempt.l2(),
        epochs,
        candidateBestEpoch,
        candidateBest == null ? Double.NaN : candidateBest.metric(),
        candidateBest == null ? Double.NaN : candidateBest.loss(),
        parameters,
        (now - startedAt) / 1_000_000);
  }

  /** Model bytes a candidate is expected to take, checked against the problem's limit. */
  static long estimatedBytes(Architecture arch) {
    // Parameters as float32 plus the configuration JSON (a few KiB per layer) and zip framing.
    return arch.parameters() * 4 + 8192L * arch.layers().size() + 1024;
  }

  /** One-hot rows for classes, standardised values for regression. */
  static float[] targets(Labels labels, int width, Standardizer targetScaler) {
    if (labels instanceof Labels.Classes classes) {
      float[] oneHot = new float[classes.count() * width];
      for (int i = 0; i < classes.count(); i++) {
        oneHot[i * width + classes.label(i)] = 1f;
      }
      return oneHot;
    }
    return targetScaler.apply(((Labels.Values) labels).toArray());
  }

  private static Inputs withShape(Inputs inputs, SampleShape shape) {
    return inputs.shape().equals(shape) ? inputs : Inputs.of(shape, inputs.toArray());
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
}

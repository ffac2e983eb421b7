package org.learnchain.ml.train;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.infer.Predictor;
import org.learnchain.ml.model.Architecture;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.train.SearchSchedule.Attempt;
import org.learnchain.ml.train.TrainingProgress.Event;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image search: small strided CNNs first, then MLPs, each a DL4J network trained on images
 * shifted by up to {@value #MAX_SHIFT} pixels, scored every epoch on the validation split and
 * stopped after the plan's patience without improvement. No refit (an epoch costs seconds); the
 * first candidate usually takes the budget.
 */
final class ImageSearch {
  private static final Logger LOG = LoggerFactory.getLogger(ImageSearch.class);

  /** Minibatches between deadline checks inside an epoch. */
  private static final int ABORT_CHECK_STEPS = 8;

  /**
   * Training-time augmentation for images: each sample shifted by a seeded offset of up to this
   * many pixels each way, the uncovered border filled with blank pixels. On 8,000 MNIST images the
   * strided CNN otherwise levels off after about ten epochs.
   */
  private static final int MAX_SHIFT = 2;

  private final SearchContext ctx;

  private ImageSearch(SearchContext ctx) {
    this.ctx = ctx;
  }

  /** Runs the search; an error when no candidate fits the problem's limits. */
  static Result<SearchResult> run(SearchContext ctx) {
    return new ImageSearch(ctx).search();
  }

  /** The search's best candidate so far. */
  private record Best(
      MultiLayerNetwork net, INDArray params, Score score, int epoch, Attempt attempt) {}

  private Result<SearchResult> search() {
    long deadline = ctx.deadline;
    // What a blank pixel becomes after standardisation: the fill of shifted images.
    float[] background = ctx.inputScaler.apply(new float[ctx.inputWidth]);
    Best best = null;
    boolean budgetBound = false;
    int trained = 0;
    long samplesTrained = 0;
    long stepNanos = 0;
    // Measured training cost per multiply-add, per kind of model (dense-only or convolutional:
    // DL4J's convolutions cost several times more per multiply-add), to estimate epochs before
    // they run.
    CostModel cost = new CostModel();
    List<Attempt> schedule =
        SearchSchedule.of(ctx.spec.input(), ctx.spec.task(), ctx.imbalanced, ctx.seed);
    for (int index = 0;
        index < schedule.size() && trained < ctx.plan.maxCandidates() && !budgetBound;
        index++) {
      Attempt attempt = schedule.get(index);
      long now = ctx.now();
      long candidateSeed = TrainingSeed.mix(ctx.seed, 1 + index);
      ModelFamily.Hyper hyper =
          new ModelFamily.Hyper(
              attempt.learningRate(),
              ctx.decay,
              attempt.l2(),
              attempt.balanced() ? ctx.balancedWeights : null);
      MultiLayerConfiguration conf = attempt.family().build(ctx.spec, hyper, candidateSeed);
      Result<Architecture> arch = Architecture.analyze(conf, ctx.spec);
      if (!arch.isOk()
          || SearchContext.estimatedBytes(arch.value()) > ctx.spec.limits().maxModelBytes()) {
        LOG.debug(
            "Candidate skipped family={} reason={}",
            attempt.name(),
            arch.isOk() ? "model bytes over the limit" : arch.reason());
        ctx.emit(Event.CANDIDATE_SKIPPED, index, attempt, 0, Double.NaN, bestScore(best), now);
        continue;
      }
      long epochMacs = 3L * arch.value().multiplyAdds() * ctx.train.count();
      boolean convolutional = attempt.family() instanceof ModelFamily.Cnn;
      if (cost.known() && now + cost.estimate(convolutional, epochMacs) > deadline) {
        // Stop between candidates, never inside a step: the search order is fixed, so where it
        // stops is the only thing time decides.
        ctx.emit(Event.CANDIDATE_SKIPPED, index, attempt, 0, Double.NaN, bestScore(best), now);
        budgetBound = true;
        break;
      }
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      trained++;
      ctx.emit(Event.CANDIDATE_STARTED, index, attempt, 0, Double.NaN, bestScore(best), now);
      long candidateStart = now;
      Score candidateBest = null;
      INDArray candidateParams = null;
      int candidateBestEpoch = 0;
      int sinceImprovement = 0;
      double lastScore = Double.NaN;
      int epoch = 0;
      while (epoch < ctx.plannedEpochs) {
        long epochStart = ctx.now();
        boolean first = best == null && epoch == 0;
        if (!first && epochStart + cost.estimate(convolutional, epochMacs) > deadline) {
          budgetBound = true;
          break;
        }
        int[] order =
            Dataset.shuffledIndices(ctx.train.count(), TrainingSeed.mix(candidateSeed, epoch));
        Shifter shifter =
            ctx.spec.input() instanceof SampleShape.Image im
                ? new Shifter(im, background, TrainingSeed.mix(candidateSeed, 10_000 + epoch))
                : null;
        if (!runEpoch(net, order, first ? Long.MAX_VALUE : deadline, shifter)) {
          budgetBound = true;
          break;
        }
        stepNanos += ctx.now() - epochStart;
        net.incrementEpochCount(); // drives the per-epoch learning-rate schedule
        epoch++;
        samplesTrained += order.length;
        Score scored =
            Score.of(
                net,
                ctx.validationInputs,
                ctx.validation.labels(),
                ctx.width,
                Predictor.batchSize(arch.value().multiplyAdds()),
                ctx.metric,
                ctx.targetScaler);
        lastScore = scored.metric();
        now = ctx.now();
        // The epoch's cost including its validation pass; the latest measurement wins, since
        // the machine's load changes, and so does the model kind.
        cost.record(convolutional, now - epochStart, epochMacs);
        if (scored.better(candidateBest, ctx.metric)) {
          candidateBest = scored;
          candidateParams = net.params().dup();
          candidateBestEpoch = epoch;
          sinceImprovement = 0;
        } else {
          sinceImprovement++;
        }
        double searchBest =
            best == null || candidateBest.better(best.score, ctx.metric)
                ? candidateBest.metric()
                : best.score.metric();
        ctx.emit(Event.EPOCH_FINISHED, index, attempt, epoch, lastScore, searchBest, now);
        if (sinceImprovement >= ctx.plan.patience()) {
          break;
        }
      }
      if (candidateParams != null
          && candidateBest.better(best == null ? null : best.score, ctx.metric)) {
        best = new Best(net, candidateParams, candidateBest, candidateBestEpoch, attempt);
      }
      ctx.candidateFinished(
          LOG,
          index,
          attempt,
          epoch,
          lastScore,
          bestScore(best),
          candidateBest,
          candidateBestEpoch,
          arch.value().parameters(),
          candidateStart,
          now);
    }
    if (best == null) {
      return Result.err("no model family fits the problem's limits");
    }
    return Result.ok(
        new SearchResult(
            best.net,
            best.params,
            best.score,
            best.epoch,
            best.attempt,
            trained,
            samplesTrained,
            Duration.ofNanos(stepNanos),
            budgetBound));
  }

  private static double bestScore(Best best) {
    return best == null ? Double.NaN : best.score.metric();
  }

  /**
   * One epoch of minibatch steps in {@code order}; false when {@code deadline} passed inside it
   * (checked every few steps; the epoch is then unfinished and must be dropped).
   */
  private boolean runEpoch(MultiLayerNetwork net, int[] order, long deadline, Shifter shifter) {
    int batch = ctx.batch;
    int inputWidth = ctx.inputWidth;
    for (int from = 0, step = 1; from < order.length; from += batch, step++) {
      int[] rows = Arrays.copyOfRange(order, from, Math.min(order.length, from + batch));
      INDArray in =
          shifter == null
              ? gather(ctx.x, inputWidth, rows)
              : Nd4j.create(shifter.gather(ctx.x, rows), new long[] {rows.length, inputWidth}, 'c');
      net.fit(in, gather(ctx.y, ctx.width, rows));
      // An estimate can be wrong (the machine's load changes): past the deadline, drop the
      // unfinished epoch; the candidate keeps its best finished one.
      if (step % ABORT_CHECK_STEPS == 0 && ctx.now() > deadline) {
        return false;
      }
    }
    return true;
  }

  /** The rows {@code rows} of a flat row-major array, as one new matrix. */
  private static INDArray gather(float[] data, int width, int[] rows) {
    float[] out = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(data, rows[i] * width, out, i * width, width);
    }
    return Nd4j.create(out, new long[] {rows.length, width}, 'c');
  }

  /** Minibatches of images, each shifted by its own seeded offset (see {@link #MAX_SHIFT}). */
  private static final class Shifter {
    private final int channels;
    private final int height;
    private final int width;
    private final float[] background;
    private final SplittableRandom random;

    Shifter(SampleShape.Image im, float[] background, long seed) {
      this.channels = im.channels();
      this.height = im.height();
      this.width = im.width();
      this.background = background;
      this.random = new SplittableRandom(seed);
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
}
